export { AuditModule } from './audit.module';
export { AuditService, type AuditQuery } from './audit.service';
export type { AuditEntry, AuditRecordView } from './audit.types';
