import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  SetMetadata,
} from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { APP_CONFIG, RequestContext } from '@campus/core';
import type { AppConfig } from '@campus/core';
import { Db } from '@campus/database';

export const RETENTION_RULE = Symbol('RETENTION_RULE');

/**
 * Deletes old rows of ONE table its lib owns (each lib writes only its own tables), at most `limit`
 * per call, and returns how many it deleted. `purge` is called again while it deletes `limit`.
 */
export interface RetentionRule {
  purge(ctx: RequestContext, config: AppConfig, limit: number): Promise<number>;
}

/** Marks a provider as the retention rule of `table` (run by RetentionService in the worker). */
export const Retains = (table: string): ClassDecorator => SetMetadata(RETENTION_RULE, table);

const LIMIT = 5_000;
const MAX_ROUNDS = 200;

/**
 * The retention job (issue 17.8): every RETENTION_INTERVAL_MINUTES the worker runs every @Retains
 * rule until its table has nothing old left (in batches of 5 000, so no statement holds locks long).
 * Several workers may run it at once: deletes of the same rows just wait for each other.
 */
@Injectable()
export class RetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(RetentionService.name);
  private timer?: NodeJS.Timeout;
  private running = false;
  private current?: Promise<unknown>;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly db: Db,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.running = true;
    this.schedule();
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.current?.catch(() => undefined);
  }

  private schedule(): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.current = this.runOnce()
        .catch((err: Error) => this.log.warn(`retention failed: ${err.message}`))
        .finally(() => this.schedule());
    }, this.config.reliability.retentionIntervalMinutes * 60_000);
    this.timer.unref();
  }

  /** The rules found in the application, by table. */
  rules(): Map<string, RetentionRule> {
    const out = new Map<string, RetentionRule>();
    for (const wrapper of this.discovery.getProviders()) {
      if (!wrapper.metatype || !wrapper.instance) continue;
      const table = Reflect.getMetadata(RETENTION_RULE, wrapper.metatype) as string | undefined;
      if (table) out.set(table, wrapper.instance as RetentionRule);
    }
    return out;
  }

  /** Runs every rule to the end; returns the rows deleted per table. */
  async runOnce(): Promise<Record<string, number>> {
    const deleted: Record<string, number> = {};
    for (const [table, rule] of this.rules()) {
      let total = 0;
      for (let round = 0; round < MAX_ROUNDS; round++) {
        const n = await this.db.transaction(RequestContext.system(`retention:${table}`), (tx) =>
          rule.purge(tx, this.config, LIMIT),
        );
        total += n;
        if (n < LIMIT) break;
      }
      deleted[table] = total;
    }
    const sum = Object.values(deleted).reduce((a, b) => a + b, 0);
    if (sum) this.log.log(`retention deleted ${JSON.stringify(deleted)}`);
    return deleted;
  }
}

/** The queue lib's own rule: processed-job markers older than RETENTION_PROCESSED_JOBS_HOURS. */
@Injectable()
@Retains('processed_jobs')
export class ProcessedJobsRetention implements RetentionRule {
  constructor(private readonly db: Db) {}

  async purge(ctx: RequestContext, config: AppConfig, limit: number): Promise<number> {
    const [row] = await this.db.query<{ n: number }>(
      ctx,
      `WITH d AS (DELETE FROM processed_jobs WHERE (consumer, key) IN (
         SELECT consumer, key FROM processed_jobs WHERE processed_at < now() - make_interval(hours => $1) LIMIT $2)
         RETURNING 1)
       SELECT count(*)::int AS n FROM d`,
      [config.reliability.retentionProcessedJobsHours, limit],
    );
    return row.n;
  }
}
