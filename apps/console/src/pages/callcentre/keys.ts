/** The call centre's server data. Any change to an order invalidates `['orders']` and `['order', id]`. */
export const callKeys = {
  search: (criteria: { phone?: string; number?: string }) => ['orders', 'search', criteria] as const,
  order: (id: string) => ['order', id] as const,
  timeline: (id: string) => ['order', id, 'events'] as const,
  agent: (id: string) => ['agent-profile', id] as const,
  points: ['pickup-points', 'all'] as const,
};
