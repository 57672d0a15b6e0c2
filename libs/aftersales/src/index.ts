export { AftersalesJobsModule, AftersalesModule } from './aftersales.module';
