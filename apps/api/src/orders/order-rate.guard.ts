import { Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  type ThrottlerModuleOptions,
  type ThrottlerRequest,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import { AppConfig, InjectConfig, type Principal } from '@campus/core';

/**
 * Order creation per caller (issue 17.4): at most ORDER_RATE_PER_MINUTE orders a minute per account
 * (customer or staff), counted in Redis so it holds across API replicas; beyond it 429 problem+json
 * with Retry-After. Runs after the token check, so the caller is known; replays count too.
 */
@Injectable()
export class OrderRateGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    @InjectConfig() private readonly config: AppConfig,
  ) {
    super(options, storage, reflector);
  }

  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const user = req.user as Principal | undefined;
    return user ? `orders:${user.kind}:${user.id}` : `orders:ip:${String(req.ip)}`;
  }

  protected override handleRequest(props: ThrottlerRequest): Promise<boolean> {
    return super.handleRequest({
      ...props,
      limit: this.config.orderRatePerMinute,
      ttl: 60_000,
      getTracker: (req) => this.getTracker(req),
    });
  }
}
