import { Inject, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerRequest } from '@nestjs/throttler';
import { AppConfig, APP_CONFIG } from '@campus/core';

/**
 * One budget per client address for the whole public catalogue (every /api/shop route together):
 * SHOP_RATE_LIMIT_PER_MINUTE requests a minute. The address is Fastify's `req.ip`, which follows
 * X-Forwarded-For only from the proxies TRUST_PROXY names. Off with RATE_LIMITS=false (benchmarks).
 */
@Injectable()
export class ShopThrottlerGuard extends ThrottlerGuard {
  @Inject(APP_CONFIG) private readonly config: AppConfig;

  protected override handleRequest(request: ThrottlerRequest): Promise<boolean> {
    return super.handleRequest({
      ...request,
      limit: this.config.shopRateLimitPerMinute,
      ttl: 60_000,
      blockDuration: 60_000,
      generateKey: (_ctx, tracker, name) => `shop:${name}:${tracker}`,
    });
  }
}
