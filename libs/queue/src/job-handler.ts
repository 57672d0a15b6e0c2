import { SetMetadata } from '@nestjs/common';
import type { RequestContext } from '@campus/core';
import type { EventPayloads, EventType } from './events';
import type { QueueName } from './queue-names';

export const JOB_HANDLER = Symbol('JOB_HANDLER');

/** What a consumer receives: the outbox row it came from, its type and typed payload. */
export interface JobEnvelope<E extends EventType = EventType> {
  outboxId: string;
  type: E;
  payload: EventPayloads[E];
  /** 1 on the first delivery, 2 on the first retry... */
  attempt: number;
  /** Set when this is the last attempt: handlers record a final failure instead of throwing. */
  lastAttempt: boolean;
}

/** A consumer of one event on one queue. Handlers must be idempotent: a job may arrive twice. */
export interface JobHandler<E extends EventType = EventType> {
  handle(ctx: RequestContext, job: JobEnvelope<E>): Promise<void>;
}

export interface JobHandlerMeta {
  queue: QueueName;
  type: EventType;
}

/** Marks a provider as the handler of `type` events on `queue` (see SUBSCRIPTIONS). */
export const ConsumesEvent = (queue: QueueName, type: EventType): ClassDecorator =>
  SetMetadata(JOB_HANDLER, { queue, type } satisfies JobHandlerMeta);

/** Thrown by a handler when retrying cannot help (bad data, a permanent provider error). */
export class PermanentJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentJobError';
  }
}
