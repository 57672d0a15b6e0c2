import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, Roles } from '@campus/auth';
import {
  CreateProductDto,
  ProductQueryDto,
  ProductsService,
  ProductView,
  StockAdjustmentDto,
  StockMovementView,
  UpdateProductDto,
} from '@campus/catalog';
import { Page, PageQueryDto, RequestContext, ROLES } from '@campus/core';
import { ProductPage, ProductResponse, StockMovementPage } from './products.views';

@ApiTags('catalogue')
@ApiBearerAuth()
@Controller('products')
export class ProductsController {
  constructor(private readonly products: ProductsService) {}

  @Post()
  @Roles('admin')
  @ApiCreatedResponse({ type: ProductResponse })
  create(@Ctx() ctx: RequestContext, @Body() dto: CreateProductDto): Promise<ProductView> {
    return this.products.create(ctx, dto);
  }

  @Get()
  @Roles(...ROLES)
  @ApiOkResponse({ type: ProductPage })
  list(@Ctx() ctx: RequestContext, @Query() q: ProductQueryDto): Promise<Page<ProductView>> {
    return this.products.list(ctx, q);
  }

  @Get(':sku')
  @Roles(...ROLES)
  @ApiOkResponse({ type: ProductResponse })
  get(@Ctx() ctx: RequestContext, @Param('sku') sku: string): Promise<ProductView> {
    return this.products.get(ctx, sku);
  }

  @Get(':sku/stock-movements')
  @Roles('admin')
  @ApiOperation({
    summary:
      'The stock ledger of a product, newest first: initial stock, adjustments, units delivered (consumed) ' +
      'and returned (restocked). Reservations are not movements.',
  })
  @ApiOkResponse({ type: StockMovementPage })
  movements(
    @Ctx() ctx: RequestContext,
    @Param('sku') sku: string,
    @Query() q: PageQueryDto,
  ): Promise<Page<StockMovementView>> {
    return this.products.movements(ctx, sku, q);
  }

  @Patch(':sku')
  @Roles('admin')
  @ApiOkResponse({ type: ProductResponse })
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
  @ApiOkResponse({ type: ProductResponse })
  adjust(
    @Ctx() ctx: RequestContext,
    @Param('sku') sku: string,
    @Body() dto: StockAdjustmentDto,
  ): Promise<ProductView> {
    return this.products.adjustStock(ctx, sku, dto);
  }
}
