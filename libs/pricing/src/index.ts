export * from './pricing-policy';
export * from './pricing.errors';
export * from './pricing.service';
export * from './pricing-places';
export * from './promotions.service';
export * from './flash-sales.service';
export * from './pricing.module';
export * from './dto/pricing.dto';
