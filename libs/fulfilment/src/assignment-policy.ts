/** Order statuses that count as an agent's open deliveries (assigned to them, not yet handed off). */
export const OPEN_DELIVERY_STATUSES = ['assigned', 'out_for_delivery'] as const;

/** An active agent of the order's campus, as seen under the assignment lock. */
export interface AgentLoad {
  id: string;
  openDeliveries: number;
  /** When the agent was last given an order; null = never (the longest idle of all). */
  lastAssignedAt: Date | null;
}

/**
 * The agent to give a new order to: the fewest open deliveries; on a tie the longest idle (never
 * assigned first, then the oldest last assignment); then the id, so the choice is deterministic.
 */
export function chooseAgent<T extends AgentLoad>(candidates: readonly T[]): T | null {
  let best: T | null = null;
  for (const c of candidates) {
    if (!best || compare(c, best) < 0) best = c;
  }
  return best;
}

/**
 * `chooseAgent` as the ORDER BY the auto-assignment's statement runs (issue 18: the choice is made
 * inside the one statement that holds the agent locks), over rows of `fulfilment_agent_loads`
 * (`open_deliveries`, `last_assigned_at`, `id`): the same three keys in the same order — NULLS FIRST is
 * "never assigned is the longest idle"; uuids compare as their lowercase text does. The e2e test
 * `assignment-pipeline` checks that both pick the same agent.
 */
export const AGENT_ORDER_SQL = 'open_deliveries, last_assigned_at NULLS FIRST, id';

function compare(a: AgentLoad, b: AgentLoad): number {
  if (a.openDeliveries !== b.openDeliveries) return a.openDeliveries - b.openDeliveries;
  const idleA = a.lastAssignedAt ? a.lastAssignedAt.getTime() : -Infinity;
  const idleB = b.lastAssignedAt ? b.lastAssignedAt.getTime() : -Infinity;
  if (idleA !== idleB) return idleA < idleB ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Whether a confirmed order needs an agent to carry it. Every delivery and locker order does, and so
 * does a counter order bought elsewhere (an agent brings it to the counter). A counter order keyed at
 * the counter itself is the pickup staff's: handed over at once, or assigned by a manager when the
 * goods are not on the shelf.
 */
export function needsAgent(order: { fulfilmentType: string; channel: string }): boolean {
  return !(order.fulfilmentType === 'counter' && order.channel === 'pickup_point');
}
