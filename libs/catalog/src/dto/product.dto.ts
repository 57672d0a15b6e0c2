import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, Max, Min, NotEquals, ValidateIf } from 'class-validator';
import { IsCents, IsCount, IsSku, IsText, PageQueryDto } from '@campus/core';

export class CreateProductDto {
  @IsSku()
  sku: string;

  @IsText({ max: 200, example: 'USB stick 32 GB' })
  name: string;

  @IsText({ max: 64, example: 'storage' })
  category: string;

  @IsCents({ example: 3900 })
  priceCents: number;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  requiresInstallation?: boolean;

  @IsCents({ optional: true, example: 0 })
  installFeeCents?: number;

  @IsCents({
    optional: true,
    description: 'what a unit costs (admins only; for gross margin)',
    example: 2600,
  })
  costCents?: number;

  @IsCount({ optional: true, description: 'units on hand to start with', example: 100 })
  stock?: number;

  @IsCount({ optional: true, description: 'alert when available stock falls below this', example: 10 })
  lowStockThreshold?: number;

  @IsCount({
    optional: true,
    min: 1,
    max: 10_000,
    description: 'at most this many units per order (flash-sale items); omit for no cap',
    example: 2,
  })
  maxPerOrder?: number;
}

export class UpdateProductDto {
  @IsText({ max: 200, optional: true })
  name?: string;

  @IsText({ max: 64, optional: true })
  category?: string;

  @IsCents({ optional: true })
  priceCents?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  requiresInstallation?: boolean;

  @IsCents({ optional: true })
  installFeeCents?: number;

  @IsCount({ optional: true })
  lowStockThreshold?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    minimum: 1,
    maximum: 10_000,
    description: 'at most this many units per order; null removes the cap',
  })
  @ValidateIf((o: UpdateProductDto) => o.maxPerOrder !== null && o.maxPerOrder !== undefined)
  @IsInt({ message: 'must be an integer' })
  @Min(1)
  @Max(10_000)
  maxPerOrder?: number | null;
  @IsCents({ optional: true, description: 'what a unit costs (admins only; for gross margin)' })
  costCents?: number;
}

export class StockAdjustmentDto {
  @ApiPropertyOptional({
    description: 'units to add (positive) or remove (negative) from on hand',
    example: 20,
  })
  @IsInt({ message: 'must be an integer' })
  @NotEquals(0, { message: 'must not be zero' })
  @Min(-1_000_000)
  @Max(1_000_000)
  delta: number;

  @IsText({ max: 200, example: 'delivery from supplier' })
  reason: string;
}

export class ProductQueryDto extends PageQueryDto {
  @IsText({ max: 64, optional: true })
  category?: string;

  @IsText({ max: 100, optional: true, description: 'matches SKU or name' })
  q?: string;
}
