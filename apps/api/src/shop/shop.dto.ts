import { IsId, IsText, PageQueryDto } from '@campus/core';

export class ShopProductQueryDto extends PageQueryDto {
  @IsId({
    optional: true,
    description: 'the campus shopping (unknown → 404); every campus sells the whole catalogue today',
  })
  campusId?: string;

  @IsText({ max: 100, optional: true, description: 'matches SKU or name' })
  q?: string;

  @IsText({ max: 64, optional: true })
  category?: string;
}

export class ShopPickupPointQueryDto {
  @IsId({ description: 'the campus whose pickup points to list' })
  campusId: string;
}

export class ShopProductOneQueryDto {
  @IsId({ optional: true, description: 'the campus shopping: its running flash sales price the product' })
  campusId?: string;
}
