import { Controller, Get, Param, Query, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, Public } from '@campus/auth';
import type { ShopProductView } from '@campus/catalog';
import { Page, RequestContext } from '@campus/core';
import { PublicCacheInterceptor } from './public-cache.interceptor';
import { ShopCatalogueService, ShopPickupPoint } from './shop-catalogue.service';
import { ShopPickupPointQueryDto, ShopProductOneQueryDto, ShopProductQueryDto } from './shop.dto';
import { ShopThrottlerGuard } from './shop-throttler.guard';
import {
  ShopCampusList,
  ShopCategoryList,
  ShopPickupPointList,
  ShopProductPage,
  ShopProductResponse,
} from './shop.views';

/**
 * The public catalogue of the shop: no token, one rate-limit budget per client address, answers
 * cached for a few seconds (in this process and by `Cache-Control`).
 */
@ApiTags('shop')
@Controller('shop')
@Public()
@UseGuards(ShopThrottlerGuard)
@UseInterceptors(PublicCacheInterceptor)
export class ShopController {
  constructor(private readonly shop: ShopCatalogueService) {}

  @Get('campuses')
  @ApiOperation({ summary: 'Every campus, with its region name' })
  @ApiOkResponse({ type: ShopCampusList })
  campuses(@Ctx() ctx: RequestContext) {
    return this.shop.campuses(ctx);
  }

  @Get('categories')
  @ApiOperation({ summary: 'The categories of the active catalogue, with how many products each' })
  @ApiOkResponse({ type: ShopCategoryList })
  categories(@Ctx() ctx: RequestContext) {
    return this.shop.categories(ctx);
  }

  @Get('products')
  @ApiOperation({ summary: 'Active products with price and availability (capped at 99), by SKU in pages' })
  @ApiOkResponse({ type: ShopProductPage })
  products(@Ctx() ctx: RequestContext, @Query() q: ShopProductQueryDto): Promise<Page<ShopProductView>> {
    return this.shop.listProducts(ctx, q);
  }

  @Get('products/:sku')
  @ApiOperation({ summary: 'One active product; 404 when unknown or no longer sold' })
  @ApiOkResponse({ type: ShopProductResponse })
  product(
    @Ctx() ctx: RequestContext,
    @Param('sku') sku: string,
    @Query() q: ShopProductOneQueryDto,
  ): Promise<ShopProductView> {
    return this.shop.product(ctx, sku, q.campusId);
  }

  @Get('pickup-points')
  @ApiOperation({
    summary: "A campus's pickup points, each saying whether it has a locker and a staffed counter",
  })
  @ApiOkResponse({ type: ShopPickupPointList })
  pickupPoints(
    @Ctx() ctx: RequestContext,
    @Query() q: ShopPickupPointQueryDto,
  ): Promise<{ items: ShopPickupPoint[] }> {
    return this.shop.pickupPoints(ctx, q.campusId);
  }
}
