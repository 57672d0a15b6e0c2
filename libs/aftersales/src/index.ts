export { AftersalesJobsModule, AftersalesModule } from './aftersales.module';
export * from './returns/return-request.types';
export * from './returns/returns.errors';
export * from './returns/return-policy';
export * from './returns/dto/return-request.dto';
export * from './returns/returns.service';
export * from './returns/returns.module';
