import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Ctx, Roles } from '@campus/auth';
import { RequestContext } from '@campus/core';
import {
  CompartmentsService,
  CompartmentView,
  ParcelListQueryDto,
  ParcelService,
  ParcelView,
  PickedUp,
  PickupDto,
  UpdateCompartmentDto,
  WaitingParcelView,
} from '@campus/fulfilment';
import { UuidParam } from '../common/validation';
import { WaitingParcelResponse } from './desk.views';
import { ParcelResponse, PickedUpView } from './fulfilment.views';

/** Collecting parcels with their code, what waits where, and compartments out of service. */
@ApiTags('fulfilment')
@ApiBearerAuth()
@Controller()
export class LockersController {
  constructor(
    private readonly parcels: ParcelService,
    private readonly compartments: CompartmentsService,
  ) {}

  @Post('lockers/:id/pickup')
  @HttpCode(200)
  @Roles('pickup_staff', 'customer')
  @ApiOkResponse({ type: PickedUpView })
  pickupFromLocker(
    @Ctx() ctx: RequestContext,
    @Param('id', UuidParam) id: string,
    @Body() dto: PickupDto,
  ): Promise<PickedUp> {
    return this.parcels.pickup(ctx, { kind: 'locker', lockerId: id }, dto);
  }

  @Post('pickup-points/:id/pickup')
  @HttpCode(200)
  @Roles('pickup_staff')
  @ApiOkResponse({ type: PickedUpView })
  pickupAtCounter(
    @Ctx() ctx: RequestContext,
    @Param('id', UuidParam) id: string,
    @Body() dto: PickupDto,
  ): Promise<PickedUp> {
    return this.parcels.pickup(ctx, { kind: 'counter', pickupPointId: id }, dto);
  }

  @Get('lockers/:id/parcels')
  @Roles('admin', 'regional_manager', 'pickup_staff', 'agent')
  @ApiOkResponse({ type: [ParcelResponse] })
  lockerParcels(@Ctx() ctx: RequestContext, @Param('id', UuidParam) id: string): Promise<ParcelView[]> {
    return this.parcels.listAtLocker(ctx, id);
  }

  /** Every parcel waiting at the point (its lockers and its counter shelf), oldest first. */
  @Get('pickup-points/:id/parcels')
  @Roles('admin', 'regional_manager', 'pickup_staff')
  @ApiOkResponse({ type: [WaitingParcelResponse] })
  pointParcels(
    @Ctx() ctx: RequestContext,
    @Param('id', UuidParam) id: string,
    @Query() _q: ParcelListQueryDto,
  ): Promise<WaitingParcelView[]> {
    return this.parcels.listWaiting(ctx, id);
  }

  @Patch('lockers/:id/compartments/:compartmentId')
  @Roles('regional_manager', 'admin')
  setCompartmentState(
    @Ctx() ctx: RequestContext,
    @Param('id', UuidParam) id: string,
    @Param('compartmentId', UuidParam) compartmentId: string,
    @Body() dto: UpdateCompartmentDto,
  ): Promise<CompartmentView> {
    return this.compartments.setState(ctx, id, compartmentId, dto.state);
  }
}
