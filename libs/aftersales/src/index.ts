export { AftersalesJobsModule, AftersalesModule } from './aftersales.module';
export * from './tickets/ticket.types';
export * from './tickets/ticket-policy';
export * from './tickets/dto/ticket.dto';
export * from './tickets/tickets.service';
export * from './tickets/tickets.module';
