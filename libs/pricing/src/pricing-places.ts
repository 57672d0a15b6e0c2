import type { RequestContext } from '@campus/core';

/**
 * What pricing needs to know about places and agents, which it may not read itself (network is not
 * among its imports): the app provides it from the network context. Both throw 404 for ids outside
 * the caller's scope.
 */
export abstract class PricingPlaces {
  /** The region of each campus. */
  abstract campusRegions(ctx: RequestContext, campusIds: readonly string[]): Promise<Map<string, string>>;
  /** The region of an agent. */
  abstract agentRegion(ctx: RequestContext, agentId: string): Promise<string>;
  /** 404 unless the region exists and is in the caller's scope. */
  abstract checkRegion(ctx: RequestContext, regionId: string): Promise<void>;
}
