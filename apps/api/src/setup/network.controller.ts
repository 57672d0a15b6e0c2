import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Ctx, Roles } from '@campus/auth';
import { RequestContext, ROLES } from '@campus/core';
import {
  Campus,
  CreateCampusDto,
  CreateLockerDto,
  CreatePickupPointDto,
  CreateRegionDto,
  Locker,
  LockerView,
  NetworkService,
  PickupPoint,
  Region,
  UpdateCampusDto,
  UpdatePickupPointDto,
  UpdateRegionDto,
} from '@campus/network';
import { UuidParam } from '../common/validation';
import { OptionalUuidQuery } from '../common/optional-uuid-query.pipe';
import { CampusView, LockerSummaryView, PickupPointView, RegionView } from './setup.views';

@ApiTags('setup')
@ApiBearerAuth()
@Controller()
export class NetworkController {
  constructor(private readonly network: NetworkService) {}

  @Post('regions')
  @Roles('admin')
  @ApiCreatedResponse({ type: RegionView })
  createRegion(@Ctx() ctx: RequestContext, @Body() dto: CreateRegionDto): Promise<Region> {
    return this.network.createRegion(ctx, dto);
  }

  @Get('regions')
  @Roles('admin', 'regional_manager', 'call_center')
  @ApiOkResponse({ type: [RegionView] })
  listRegions(@Ctx() ctx: RequestContext): Promise<Region[]> {
    return this.network.listRegions(ctx);
  }

  @Patch('regions/:id')
  @Roles('admin')
  @ApiOkResponse({ type: RegionView })
  updateRegion(
    @Ctx() ctx: RequestContext,
    @Param('id', UuidParam) id: string,
    @Body() dto: UpdateRegionDto,
  ): Promise<Region> {
    return this.network.updateRegion(ctx, id, dto);
  }

  @Post('campuses')
  @Roles('admin', 'regional_manager')
  @ApiCreatedResponse({ type: CampusView })
  createCampus(@Ctx() ctx: RequestContext, @Body() dto: CreateCampusDto): Promise<Campus> {
    return this.network.createCampus(ctx, dto);
  }

  @Get('campuses')
  @Roles('admin', 'regional_manager', 'call_center', 'agent', 'pickup_staff')
  @ApiQuery({ name: 'regionId', required: false })
  @ApiOkResponse({ type: [CampusView] })
  listCampuses(
    @Ctx() ctx: RequestContext,
    @Query('regionId', OptionalUuidQuery) regionId?: string,
  ): Promise<Campus[]> {
    return this.network.listCampuses(ctx, regionId);
  }

  @Patch('campuses/:id')
  @Roles('admin', 'regional_manager')
  @ApiOkResponse({ type: CampusView })
  updateCampus(
    @Ctx() ctx: RequestContext,
    @Param('id', UuidParam) id: string,
    @Body() dto: UpdateCampusDto,
  ): Promise<Campus> {
    return this.network.updateCampus(ctx, id, dto);
  }

  @Post('pickup-points')
  @Roles('admin', 'regional_manager')
  @ApiCreatedResponse({ type: PickupPointView })
  createPickupPoint(@Ctx() ctx: RequestContext, @Body() dto: CreatePickupPointDto): Promise<PickupPoint> {
    return this.network.createPickupPoint(ctx, dto);
  }

  @Get('pickup-points')
  @Roles(...ROLES)
  @ApiQuery({ name: 'campusId', required: false })
  @ApiOkResponse({ type: [PickupPointView] })
  listPickupPoints(
    @Ctx() ctx: RequestContext,
    @Query('campusId', OptionalUuidQuery) campusId?: string,
  ): Promise<PickupPoint[]> {
    return this.network.listPickupPoints(ctx, campusId);
  }

  @Patch('pickup-points/:id')
  @Roles('admin', 'regional_manager')
  @ApiOkResponse({ type: PickupPointView })
  updatePickupPoint(
    @Ctx() ctx: RequestContext,
    @Param('id', UuidParam) id: string,
    @Body() dto: UpdatePickupPointDto,
  ): Promise<PickupPoint> {
    return this.network.updatePickupPoint(ctx, id, dto);
  }

  @Post('lockers')
  @Roles('admin', 'regional_manager')
  createLocker(@Ctx() ctx: RequestContext, @Body() dto: CreateLockerDto): Promise<LockerView> {
    return this.network.createLocker(ctx, dto);
  }

  @Get('lockers')
  @Roles('admin', 'regional_manager', 'call_center', 'agent', 'pickup_staff')
  @ApiQuery({ name: 'pickupPointId', required: false })
  @ApiOkResponse({ type: [LockerSummaryView] })
  listLockers(
    @Ctx() ctx: RequestContext,
    @Query('pickupPointId', OptionalUuidQuery) pickupPointId?: string,
  ): Promise<Locker[]> {
    return this.network.listLockers(ctx, pickupPointId);
  }

  @Get('lockers/:id')
  @Roles('admin', 'regional_manager', 'call_center', 'agent', 'pickup_staff')
  getLocker(@Ctx() ctx: RequestContext, @Param('id', UuidParam) id: string): Promise<LockerView> {
    return this.network.getLocker(ctx, id);
  }
}
