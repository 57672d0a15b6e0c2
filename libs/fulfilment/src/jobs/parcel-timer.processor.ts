import { Injectable } from '@nestjs/common';
import { RequestContext } from '@campus/core';
import { ConsumesEvent, JobEnvelope, JobHandler, ProcessedJobs, QueueName } from '@campus/queue';
import { ParcelTimers } from '../parcel-timers.service';

/**
 * The timers of a parcel waiting for pickup: reminders and the expiry. Each acts at most once and
 * only while the parcel is still held; a parcel collected meanwhile makes them no-ops.
 */
@Injectable()
@ConsumesEvent(QueueName.Fulfilment, 'parcel.timer')
export class ParcelTimerProcessor implements JobHandler<'parcel.timer'> {
  constructor(
    private readonly timers: ParcelTimers,
    private readonly processed: ProcessedJobs,
  ) {}

  async handle(ctx: RequestContext, job: JobEnvelope<'parcel.timer'>): Promise<void> {
    const { parcelId, kind, hour } = job.payload;
    await this.processed.once(ctx, `parcel-timer:${kind}:${hour}`, parcelId, async (tx) => {
      if (kind === 'reminder') await this.timers.remind(tx, parcelId, hour);
      else await this.timers.expire(tx, parcelId);
    });
  }
}
