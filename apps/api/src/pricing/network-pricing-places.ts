import { Injectable } from '@nestjs/common';
import { RequestContext } from '@campus/core';
import { AgentsService, NetworkService } from '@campus/network';
import { PricingPlaces } from '@campus/pricing';

/** Pricing's view of places and agents, answered by the network context (404 out of scope). */
@Injectable()
export class NetworkPricingPlaces extends PricingPlaces {
  constructor(
    private readonly network: NetworkService,
    private readonly agents: AgentsService,
  ) {
    super();
  }

  async campusRegions(ctx: RequestContext, campusIds: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const id of new Set(campusIds)) out.set(id, (await this.network.campusInScope(ctx, id)).regionId);
    return out;
  }

  async agentRegion(ctx: RequestContext, agentId: string): Promise<string> {
    return (await this.agents.get(ctx, agentId)).regionId;
  }

  async checkRegion(ctx: RequestContext, regionId: string): Promise<void> {
    await this.network.regionInScope(ctx, regionId);
  }
}
