import { Module } from '@nestjs/common';
import { ReturnsJobsModule, ReturnsModule } from './returns/returns.module';
import { TicketsModule } from './tickets/tickets.module';

/**
 * After-sales (DESIGN.md §3: aftersales → orders, payments, fulfilment, tasks, notifications):
 * return requests and tickets. Each part is its own module under `returns/` and `tickets/`.
 */
@Module({ imports: [ReturnsModule, TicketsModule], exports: [ReturnsModule, TicketsModule] })
export class AftersalesModule {}

/** The worker's side of after-sales: consumers of the events the parts publish. */
@Module({ imports: [ReturnsJobsModule], exports: [] })
export class AftersalesJobsModule {}
