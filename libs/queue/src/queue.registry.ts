import type { Queue } from 'bull';
import { ALL_QUEUES, QueueName } from './queue-names';

export const QUEUE_DEFAULTS = Symbol('QUEUE_DEFAULTS');
export interface QueueDefaults {
  attempts: number;
  backoffMs: number;
  backoffMaxMs: number;
  retryHours: number;
}

export interface QueueCounts {
  name: string;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
}

/** The registered queues by name. */
export class QueueRegistry {
  private readonly byName = new Map<QueueName, Queue>();

  constructor(queues: Queue[]) {
    queues.forEach((q, i) => this.byName.set(ALL_QUEUES[i], q));
  }

  get(name: QueueName): Queue {
    const q = this.byName.get(name);
    if (!q) throw new Error(`queue ${name} is not registered`);
    return q;
  }

  all(): Queue[] {
    return [...this.byName.values()];
  }

  /** Resolves true once every queue's Redis connection is ready, false after `ms` (an outage). */
  async waitReady(ms: number): Promise<boolean> {
    if (this.ready()) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
    const ready = Promise.all(this.all().map((q) => q.isReady())).then(
      () => this.ready(),
      () => false,
    );
    try {
      return await Promise.race([ready, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** True when every queue's Redis connection is ready (false during an outage). */
  ready(): boolean {
    return this.all().every((q) => q.client.status === 'ready');
  }

  async counts(): Promise<QueueCounts[]> {
    return Promise.all(
      [...this.byName.entries()].map(async ([name, q]) => {
        const c = await q.getJobCounts();
        return { name, waiting: c.waiting, active: c.active, delayed: c.delayed, failed: c.failed };
      }),
    );
  }
}
