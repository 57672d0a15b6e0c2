export * from './dto/place-order.dto';
export * from './intake.errors';
export * from './request-hash';
export * from './intake.service';
export * from './intake.module';
