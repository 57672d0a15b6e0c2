import { Module } from '@nestjs/common';
import { AuditModule } from '@campus/audit';
import { NetworkModule } from '@campus/network';
import { NotificationsModule } from '@campus/notifications';
import { OrdersModule } from '@campus/orders';
import { CompletionDueProcessor } from './jobs/completion-due.processor';
import { OrderStatusTasksProcessor } from './jobs/order-status.processor';
import { TaskCompletedProcessor } from './jobs/task-completed.processor';
import { OrderTasksService } from './order-tasks.service';
import { TaskAssignmentService } from './task-assignment.service';
import { TaskCodesService } from './task-codes.service';
import { TaskFeesService } from './task-fees.service';
import { TaskLifecycleService } from './task-lifecycle.service';
import { TaskRepository } from './task.repository';
import { TasksService } from './tasks.service';

@Module({
  imports: [OrdersModule, NetworkModule, NotificationsModule, AuditModule],
  providers: [
    TaskRepository,
    TaskLifecycleService,
    TaskAssignmentService,
    TaskCodesService,
    TasksService,
    OrderTasksService,
    TaskFeesService,
  ],
  exports: [TasksService, OrderTasksService, TaskFeesService],
})
export class TasksModule {}

/** The worker side: tasks follow their orders, and orders complete when their tasks are done. */
@Module({
  imports: [TasksModule],
  providers: [OrderStatusTasksProcessor, TaskCompletedProcessor, CompletionDueProcessor],
})
export class TasksJobsModule {}
