import { Module } from '@nestjs/common';
import { AuditModule } from '@campus/audit';
import { NotificationsModule } from '@campus/notifications';
import { OrdersModule } from '@campus/orders';
import { TicketRepository } from './ticket.repository';
import { TicketsService } from './tickets.service';

/** After-sales tickets: complaints, enquiries and repairs, replies texted, SLA on the first reply. */
@Module({
  imports: [OrdersModule, NotificationsModule, AuditModule],
  providers: [TicketsService, TicketRepository],
  exports: [TicketsService],
})
export class TicketsModule {}
