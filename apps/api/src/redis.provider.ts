import { Global, Inject, Module, OnApplicationShutdown, Provider } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@campus/core';
import { createRedisClient, RedisClient } from '@campus/queue';

export const REDIS = Symbol('REDIS');

/**
 * The API's own Redis connection (health, rate limits). It fails fast instead of queueing commands
 * while Redis is away, so neither blocks a request during an outage. On a Redis Cluster
 * (REDIS_CLUSTER=true) it is a cluster client; the rate-limit keys carry their own hash tags.
 */
export const redisProvider: Provider = {
  provide: REDIS,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) =>
    createRedisClient(
      { url: config.redisUrl, cluster: config.redisCluster },
      {
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        lazyConnect: false,
        // Without the queues' hash tag: each rate-limit key has its own tag, so a cluster spreads them.
        keyPrefix: `${config.queuePrefix.replace(/[{}]/g, '')}:`,
        retryStrategy: (times) => Math.min(times * 200, 2_000),
      },
    ),
};

@Global()
@Module({ providers: [redisProvider], exports: [REDIS] })
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: RedisClient) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
