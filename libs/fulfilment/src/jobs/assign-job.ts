import { Injectable } from '@nestjs/common';
import { RequestContext } from '@campus/core';
import { TextDelivery } from '@campus/notifications';
import { JobEnvelope } from '@campus/queue';
import { AssignmentService } from '../assignment.service';

/** The job's idempotency record: one per consumed event, whichever event brought the order. */
const CONSUMER = 'fulfilment:auto-assign';

/**
 * What both assignment jobs run (issue 18): the assignment's transaction claims the job and writes
 * the agent's text already claimed for sending; after the commit the text goes to the provider from
 * this job (`TextDelivery.deliver`: the provider call and one statement for its answer) instead of a
 * `notification.requested` hop (a relay pass, a job, a claim). The text is still exactly once: its
 * row exists exactly when the assignment committed; should the send fail (a transient error throws,
 * the job is retried) or the worker die after the commit (Bull runs the job again), the next run
 * finds the job claimed and re-drives the text of the order's current assignment
 * (`TextDelivery.resend`: only a queued or stale `sending` row, the provider asked first).
 */
@Injectable()
export class AssignJob {
  constructor(
    private readonly assignment: AssignmentService,
    private readonly texts: TextDelivery,
  ) {}

  async run(ctx: RequestContext, orderId: string, job: JobEnvelope): Promise<void> {
    const done = await this.assignment.autoAssign(
      ctx,
      orderId,
      { consumer: CONSUMER, key: job.outboxId },
      { agentText: 'claimed' },
    );
    if (done.text) await this.texts.deliver(ctx, done.text, job);
    else if (done.replayedTextKey) await this.texts.resend(ctx, done.replayedTextKey, job);
  }
}
