import { DynamicModule, Module, Type } from '@nestjs/common';
import { FlashSalesService } from './flash-sales.service';
import { PricingPlaces } from './pricing-places';
import { PricingRepository } from './pricing.repository';
import { PricingService } from './pricing.service';
import { PromotionRepository } from './promotion.repository';
import { PromotionsService } from './promotions.service';

/** The pricing of orders (quote, claim, release): what the orders context needs. */
@Module({
  providers: [PricingService, PricingRepository],
  exports: [PricingService],
})
export class PricingModule {}

/**
 * Managing promotions, coupons and flash sales. The app gives it `PricingPlaces` (campus and agent
 * regions from the network context, which pricing may not read) and the module that provides it.
 */
@Module({})
export class PricingAdminModule {
  static register(opts: { places: Type<PricingPlaces>; imports: DynamicModule['imports'] }): DynamicModule {
    return {
      module: PricingAdminModule,
      imports: [PricingModule, ...(opts.imports ?? [])],
      providers: [
        { provide: PricingPlaces, useClass: opts.places },
        PromotionsService,
        PromotionRepository,
        FlashSalesService,
      ],
      exports: [PromotionsService, FlashSalesService],
    };
  }
}
