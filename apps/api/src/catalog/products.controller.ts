import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Ctx, Roles } from '@campus/auth';
import {
  CreateProductDto,
  ProductQueryDto,
  ProductsService,
  ProductView,
  StockAdjustmentDto,
  UpdateProductDto,
} from '@campus/catalog';
import { Page, RequestContext, ROLES } from '@campus/core';

@ApiTags('catalogue')
@ApiBearerAuth()
@Controller('products')
export class ProductsController {
  constructor(private readonly products: ProductsService) {}

  @Post()
  @Roles('admin')
  create(@Ctx() ctx: RequestContext, @Body() dto: CreateProductDto): Promise<ProductView> {
    return this.products.create(ctx, dto);
  }

  @Get()
  @Roles(...ROLES)
  list(@Ctx() ctx: RequestContext, @Query() q: ProductQueryDto): Promise<Page<ProductView>> {
    return this.products.list(ctx, q);
  }

  @Get(':sku')
  @Roles(...ROLES)
  get(@Ctx() ctx: RequestContext, @Param('sku') sku: string): Promise<ProductView> {
    return this.products.get(ctx, sku);
  }

  @Patch(':sku')
  @Roles('admin')
  update(
    @Ctx() ctx: RequestContext,
    @Param('sku') sku: string,
    @Body() dto: UpdateProductDto,
  ): Promise<ProductView> {
    return this.products.update(ctx, sku, dto);
  }

  @Post(':sku/stock-adjustments')
  @Roles('admin')
  @HttpCode(200)
  adjust(
    @Ctx() ctx: RequestContext,
    @Param('sku') sku: string,
    @Body() dto: StockAdjustmentDto,
  ): Promise<ProductView> {
    return this.products.adjustStock(ctx, sku, dto);
  }
}
