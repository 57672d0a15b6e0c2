import { Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@campus/core';
import { OrdersModule } from '@campus/orders';
import { AlipayGateway } from './alipay/alipay-gateway';
import { AlipaySdkGateway, DisabledAlipayGateway } from './alipay/alipay-sdk.gateway';
import { AlipayNoticeService } from './alipay-notice.service';
import { AttemptsRepository } from './attempts.repository';
import { GenericNoticeService } from './generic-notice.service';
import { AttemptClosedProcessor } from './jobs/attempt-closed.processor';
import { OrderLeftPaymentProcessor } from './jobs/order-left-payment.processor';
import { PaymentExpiryProcessor } from './jobs/payment-expiry.processor';
import { RefundProcessor } from './jobs/refund.processor';
import { PaymentAttemptsService } from './payment-attempts.service';
import { RefundExecutorService } from './refund-executor.service';

/** Alipay when configured (ALIPAY_APP_ID…), else the disabled gateway: cash on delivery only. */
const gatewayProvider = {
  provide: AlipayGateway,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig): AlipayGateway =>
    config.alipay ? new AlipaySdkGateway(config.alipay) : new DisabledAlipayGateway(),
};

@Module({
  imports: [OrdersModule],
  providers: [
    gatewayProvider,
    AttemptsRepository,
    PaymentAttemptsService,
    AlipayNoticeService,
    GenericNoticeService,
    RefundExecutorService,
  ],
  exports: [
    PaymentAttemptsService,
    AlipayNoticeService,
    GenericNoticeService,
    RefundExecutorService,
    AttemptsRepository,
    AlipayGateway,
  ],
})
export class PaymentsModule {}

/** The worker side: payment deadlines, refunds, closing trades at Alipay. */
@Module({
  imports: [PaymentsModule, OrdersModule],
  providers: [PaymentExpiryProcessor, RefundProcessor, AttemptClosedProcessor, OrderLeftPaymentProcessor],
})
export class PaymentsJobsModule {}
