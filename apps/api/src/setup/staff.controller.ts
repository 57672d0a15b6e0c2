import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Ctx, Roles } from '@campus/auth';
import { Page, RequestContext } from '@campus/core';
import { AgentQueryDto, AgentsService, AgentView, CreateAgentDto, UpdateAgentDto } from '@campus/network';
import { UuidParam } from '../common/validation';
import { CreateUserDto, TemporaryPasswordView, UpdateUserDto, UserQueryDto } from './staff.dto';
import { StaffService, UserView } from './staff.service';
import { AgentPage, AgentResponse, UserPage, UserResponse } from './setup.views';

@ApiTags('setup')
@ApiBearerAuth()
@Controller()
export class StaffController {
  constructor(
    private readonly staff: StaffService,
    private readonly agents: AgentsService,
  ) {}

  @Post('users')
  @Roles('admin', 'regional_manager')
  @ApiCreatedResponse({ type: UserResponse })
  createUser(@Ctx() ctx: RequestContext, @Body() dto: CreateUserDto): Promise<UserView> {
    return this.staff.createUser(ctx, dto);
  }

  @Get('users')
  @Roles('admin', 'regional_manager')
  @ApiOkResponse({ type: UserPage })
  listUsers(@Ctx() ctx: RequestContext, @Query() q: UserQueryDto): Promise<Page<UserView>> {
    return this.staff.listUsers(ctx, q);
  }

  @Post('users/:id/password-reset')
  @Roles('admin', 'regional_manager')
  @HttpCode(200)
  @ApiOkResponse({ type: TemporaryPasswordView })
  resetPassword(
    @Ctx() ctx: RequestContext,
    @Param('id', UuidParam) id: string,
  ): Promise<{ temporaryPassword: string }> {
    return this.staff.resetPassword(ctx, id);
  }

  @Patch('users/:id')
  @Roles('admin', 'regional_manager')
  @ApiOkResponse({ type: UserResponse })
  updateUser(
    @Ctx() ctx: RequestContext,
    @Param('id', UuidParam) id: string,
    @Body() dto: UpdateUserDto,
  ): Promise<UserView> {
    return this.staff.setActive(ctx, id, dto);
  }

  @Post('agents')
  @Roles('admin', 'regional_manager')
  @ApiCreatedResponse({ type: AgentResponse })
  createAgent(@Ctx() ctx: RequestContext, @Body() dto: CreateAgentDto): Promise<AgentView> {
    return this.staff.createAgent(ctx, dto);
  }

  @Patch('agents/:id')
  @Roles('admin', 'regional_manager')
  @ApiOkResponse({ type: AgentResponse })
  updateAgent(
    @Ctx() ctx: RequestContext,
    @Param('id', UuidParam) id: string,
    @Body() dto: UpdateAgentDto,
  ): Promise<AgentView> {
    return this.staff.updateAgent(ctx, id, dto);
  }

  @Get('agents')
  @Roles('admin', 'regional_manager', 'call_center')
  @ApiOkResponse({ type: AgentPage })
  listAgents(@Ctx() ctx: RequestContext, @Query() q: AgentQueryDto): Promise<Page<AgentView>> {
    return this.agents.list(ctx, q);
  }

  @Get('agents/:id')
  @Roles('admin', 'regional_manager', 'call_center', 'agent')
  @ApiOkResponse({ type: AgentResponse })
  getAgent(@Ctx() ctx: RequestContext, @Param('id', UuidParam) id: string): Promise<AgentView> {
    return this.agents.get(ctx, id);
  }
}
