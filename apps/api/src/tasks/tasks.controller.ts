import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Ctx, CustomersService, Roles } from '@campus/auth';
import { Page, RequestContext } from '@campus/core';
import {
  AssignTaskDto,
  CompleteTaskDto,
  CreateTaskDto,
  FailTaskDto,
  ScheduleTaskDto,
  SetTaskFeeDto,
  TaskEventView,
  TaskFeesService,
  TaskFeeView,
  TaskQueryDto,
  TasksService,
  TaskView,
  TickChecklistDto,
} from '@campus/tasks';
import { UuidParam } from '../common/validation';
import { TaskFeeResponse, TaskPage, TaskResponse } from './tasks.views';

/**
 * Delivery-plus-install and repair-pickup tasks. Scope is data-level (agents their own tasks,
 * managers their region's); acting on a task out of scope — including another agent's — is 404.
 */
@ApiTags('tasks')
@ApiBearerAuth()
@Controller('tasks')
export class TasksController {
  constructor(
    private readonly tasks: TasksService,
    private readonly customers: CustomersService,
  ) {}

  @Get()
  @Roles('admin', 'regional_manager', 'call_center', 'agent')
  @ApiOkResponse({
    type: TaskPage,
    description: 'tasks in scope, newest first; `overdue=true` lists those past their SLA',
  })
  list(@Ctx() ctx: RequestContext, @Query() q: TaskQueryDto): Promise<Page<TaskView>> {
    return this.tasks.list(ctx, q);
  }

  @Post()
  @Roles('call_center', 'regional_manager', 'admin')
  @ApiCreatedResponse({
    type: TaskResponse,
    description:
      'a repair_pickup, training or repair_return task (optionally about an order), open until a manager assigns an agent',
  })
  create(@Ctx() ctx: RequestContext, @Body() dto: CreateTaskDto): Promise<TaskView> {
    // Tasks may not read auth's customers (docs/architecture.md): the known customer is looked up here.
    return this.tasks.create(ctx, dto, async (phone) => {
      const known = await this.customers.findByPhone(ctx, phone);
      return known && { id: known.id, name: known.name ?? null };
    });
  }

  @Get(':id')
  @Roles('admin', 'regional_manager', 'call_center', 'agent')
  @ApiOkResponse({ type: TaskResponse })
  get(@Ctx() ctx: RequestContext, @Param('id', UuidParam) id: string): Promise<TaskView> {
    return this.tasks.get(ctx, id);
  }

  @Get(':id/events')
  @Roles('admin', 'regional_manager', 'call_center', 'agent')
  @ApiOkResponse({ description: 'the task timeline: every move and rejected code, who and when' })
  events(@Ctx() ctx: RequestContext, @Param('id', UuidParam) id: string): Promise<TaskEventView[]> {
    return this.tasks.events(ctx, id);
  }

  @Post(':id/assign')
  @HttpCode(200)
  @Roles('regional_manager', 'admin')
  @ApiOkResponse({ type: TaskResponse })
  assign(
    @Ctx() ctx: RequestContext,
    @Param('id', UuidParam) id: string,
    @Body() dto: AssignTaskDto,
  ): Promise<TaskView> {
    return this.tasks.assign(ctx, id, dto.agentId, dto.reason);
  }

  @Post(':id/schedule')
  @HttpCode(200)
  @Roles('agent', 'call_center')
  @ApiOkResponse({
    type: TaskResponse,
    description: '`scheduled`; a new confirmation code is texted to the customer',
  })
  schedule(
    @Ctx() ctx: RequestContext,
    @Param('id', UuidParam) id: string,
    @Body() dto: ScheduleTaskDto,
  ): Promise<TaskView> {
    return this.tasks.schedule(ctx, id, dto);
  }

  @Post(':id/start')
  @HttpCode(200)
  @Roles('agent')
  @ApiOkResponse({ type: TaskResponse })
  start(@Ctx() ctx: RequestContext, @Param('id', UuidParam) id: string): Promise<TaskView> {
    return this.tasks.start(ctx, id);
  }

  @Put(':id/checklist')
  @Roles('agent')
  @ApiOkResponse({
    type: TaskResponse,
    description:
      'training: the assigned agent ticks what was taught (the whole set each time); every point before the code (422 checklist_incomplete)',
  })
  tickChecklist(
    @Ctx() ctx: RequestContext,
    @Param('id', UuidParam) id: string,
    @Body() dto: TickChecklistDto,
  ): Promise<TaskView> {
    return this.tasks.tickChecklist(ctx, id, dto.ticked);
  }

  @Post(':id/complete')
  @HttpCode(200)
  @Roles('agent')
  @ApiOkResponse({
    type: TaskResponse,
    description: '`done`; wrong code 422, locked code 429, order not delivered 422',
  })
  complete(
    @Ctx() ctx: RequestContext,
    @Param('id', UuidParam) id: string,
    @Body() dto: CompleteTaskDto,
  ): Promise<TaskView> {
    return this.tasks.complete(ctx, id, dto);
  }

  @Post(':id/fail')
  @HttpCode(200)
  @Roles('agent')
  @ApiOkResponse({ type: TaskResponse })
  fail(
    @Ctx() ctx: RequestContext,
    @Param('id', UuidParam) id: string,
    @Body() dto: FailTaskDto,
  ): Promise<TaskView> {
    return this.tasks.fail(ctx, id, dto.reason);
  }

  @Post(':id/new-code')
  @HttpCode(200)
  @Roles('call_center', 'regional_manager', 'admin')
  @ApiOkResponse({
    type: TaskResponse,
    description:
      'lifts a lock from wrong confirmation codes (counted per task, across reschedules): scheduled or in-progress tasks get a new code texted at once; 409 for open, done or cancelled tasks',
  })
  newCode(@Ctx() ctx: RequestContext, @Param('id', UuidParam) id: string): Promise<TaskView> {
    return this.tasks.newCode(ctx, id);
  }
}

/** The fee per after-sales task kind (training, repair_return), set by the admin. */
@ApiTags('tasks')
@ApiBearerAuth()
@Controller('task-fees')
export class TaskFeesController {
  constructor(private readonly fees: TaskFeesService) {}

  @Get()
  @Roles('admin', 'regional_manager')
  @ApiOkResponse({ type: TaskFeeResponse, isArray: true })
  list(@Ctx() ctx: RequestContext): Promise<TaskFeeView[]> {
    return this.fees.list(ctx);
  }

  @Put(':kind')
  @Roles('admin')
  @ApiOkResponse({ type: TaskFeeResponse, description: 'tasks opened from now on earn this fee (audited)' })
  set(
    @Ctx() ctx: RequestContext,
    @Param('kind') kind: string,
    @Body() dto: SetTaskFeeDto,
  ): Promise<TaskFeeView> {
    return this.fees.set(ctx, kind, dto.feeCents);
  }
}
