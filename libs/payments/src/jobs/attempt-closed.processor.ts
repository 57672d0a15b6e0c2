import { Injectable, Logger } from '@nestjs/common';
import type { RequestContext } from '@campus/core';
import { ConsumesEvent, JobEnvelope, JobHandler, QueueName } from '@campus/queue';
import { PaymentAttemptsService } from '../payment-attempts.service';
import { ProviderRefusedError } from '../payments.errors';

/** An attempt was closed here: close its trade at Alipay too (retried while Alipay cannot be reached). */
@Injectable()
@ConsumesEvent(QueueName.Payments, 'payment.attempt_closed')
export class AttemptClosedProcessor implements JobHandler<'payment.attempt_closed'> {
  private readonly log = new Logger(AttemptClosedProcessor.name);

  constructor(private readonly payments: PaymentAttemptsService) {}

  async handle(ctx: RequestContext, job: JobEnvelope<'payment.attempt_closed'>): Promise<void> {
    try {
      await this.payments.closeAtProvider(ctx, job.payload.attemptId, job.payload.outTradeNo);
    } catch (err) {
      // A refusal will not change by asking again; the trade lapses at its own expiry anyway.
      if (err instanceof ProviderRefusedError) {
        this.log.warn(`trade.close ${job.payload.outTradeNo} refused: ${err.subCode} ${err.subMsg}`);
        return;
      }
      throw err;
    }
  }
}
