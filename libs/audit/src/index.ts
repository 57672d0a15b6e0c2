export { AuditModule } from './audit.module';
export { AuditService, type AuditQuery } from './audit.service';
export { changedFields, type AuditEntry, type AuditRecordView } from './audit.types';
