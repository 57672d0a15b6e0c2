import { Global, Module } from '@nestjs/common';
import { AuditService } from './audit.service';

/** Global: every context may record its staff changes (DESIGN.md §3, "audit → core only"). */
@Global()
@Module({ providers: [AuditService], exports: [AuditService] })
export class AuditModule {}
