import { Module } from '@nestjs/common';
import { NotificationsModule } from '@campus/notifications';
import { ReportsModule } from '@campus/reports';
import { LowStockAlertsProcessor } from './low-stock-alerts.processor';

/** Staff alerts that need more than one context to decide who is told (see the processor). */
@Module({
  imports: [NotificationsModule, ReportsModule],
  providers: [LowStockAlertsProcessor],
})
export class AlertsJobsModule {}
