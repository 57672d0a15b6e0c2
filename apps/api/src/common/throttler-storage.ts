import { Logger } from '@nestjs/common';
import { ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';

/**
 * Rate-limit counters in Redis (shared by every API replica), falling back to this process's memory
 * while Redis is unreachable: limits stay enforced per replica instead of failing requests.
 */
export class ResilientThrottlerStorage implements ThrottlerStorage {
  private readonly log = new Logger('Throttler');
  private readonly memory = new ThrottlerStorageService();
  private warned = false;

  constructor(private readonly shared: ThrottlerStorage) {}

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    try {
      const record = await this.shared.increment(key, ttl, limit, blockDuration, throttlerName);
      this.warned = false;
      return record;
    } catch (err) {
      if (!this.warned) this.log.warn(`Redis unavailable, limiting in memory: ${(err as Error).message}`);
      this.warned = true;
      return this.memory.increment(key, ttl, limit, blockDuration, throttlerName);
    }
  }
}
