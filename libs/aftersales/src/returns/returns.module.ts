import { Module } from '@nestjs/common';
import { OrdersModule } from '@campus/orders';
import { TasksModule } from '@campus/tasks';
import { ReturnPickupDoneProcessor } from './jobs/return-pickup-done.processor';
import { ReturnsRepository } from './returns.repository';
import { ReturnsService } from './returns.service';

@Module({
  imports: [OrdersModule, TasksModule],
  providers: [ReturnsRepository, ReturnsService],
  exports: [ReturnsService],
})
export class ReturnsModule {}

/** The worker side: a completed return pickup books its return. */
@Module({
  imports: [ReturnsModule],
  providers: [ReturnPickupDoneProcessor],
})
export class ReturnsJobsModule {}
