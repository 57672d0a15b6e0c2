import { AgentLoad, chooseAgent, needsAgent } from './assignment-policy';

describe('chooseAgent', () => {
  const agent = (id: string, openDeliveries: number, lastAssignedAt: string | null): AgentLoad => ({
    id,
    openDeliveries,
    lastAssignedAt: lastAssignedAt ? new Date(lastAssignedAt) : null,
  });

  it('has no choice without candidates', () => {
    expect(chooseAgent([])).toBeNull();
  });

  it('picks the agent with the fewest open deliveries', () => {
    const sut = chooseAgent([
      agent('a', 3, null),
      agent('b', 1, '2025-11-01T10:00:00Z'),
      agent('c', 2, '2025-01-01T00:00:00Z'),
    ]);
    expect(sut?.id).toBe('b');
  });

  it('breaks a tie by the longest idle: never assigned first, then the oldest assignment', () => {
    expect(
      chooseAgent([agent('a', 1, '2025-11-01T10:00:00Z'), agent('b', 1, '2025-11-01T09:00:00Z')])?.id,
    ).toBe('b');
    expect(chooseAgent([agent('a', 1, '2025-11-01T09:00:00Z'), agent('b', 1, null)])?.id).toBe('b');
  });

  it('is deterministic when everything ties', () => {
    expect(chooseAgent([agent('b', 0, null), agent('a', 0, null)])?.id).toBe('a');
  });
});

describe('needsAgent', () => {
  it('sends delivery, locker and remotely bought counter orders to an agent', () => {
    expect(needsAgent({ fulfilmentType: 'delivery', channel: 'phone' })).toBe(true);
    expect(needsAgent({ fulfilmentType: 'locker', channel: 'pickup_point' })).toBe(true);
    expect(needsAgent({ fulfilmentType: 'counter', channel: 'web' })).toBe(true);
  });

  it('leaves counter sales keyed at the counter to the pickup staff', () => {
    expect(needsAgent({ fulfilmentType: 'counter', channel: 'pickup_point' })).toBe(false);
  });
});
