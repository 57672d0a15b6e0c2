import Redis, { Cluster } from 'ioredis';
import { BullClusterConnections, createRedisClient } from './redis-connections';

// Nothing listens on port 1: the clients are inspected, never used.
const NODE = 'redis://user:s%40cret@127.0.0.1:1';

describe('createRedisClient', () => {
  it('makes a plain client unless the target is a cluster', () => {
    const sut = createRedisClient({ url: NODE, cluster: false }, { lazyConnect: true, keyPrefix: 'campus:' });
    expect(sut).toBeInstanceOf(Redis);
    expect(sut.options).toMatchObject({ port: 1, password: 's@cret', keyPrefix: 'campus:' });
    sut.disconnect();
  });

  it('seeds a cluster client from the URL: credentials per node, prefix and offline queue for the cluster', () => {
    const sut = createRedisClient(
      { url: NODE, cluster: true },
      { lazyConnect: true, keyPrefix: 'campus:', enableOfflineQueue: false, maxRetriesPerRequest: 1 },
    ) as Cluster;
    expect(sut).toBeInstanceOf(Cluster);
    expect(sut.options).toMatchObject({ keyPrefix: 'campus:', enableOfflineQueue: false, lazyConnect: true });
    expect(sut.options.redisOptions).toMatchObject({
      username: 'user',
      password: 's@cret',
      maxRetriesPerRequest: 1,
    });
    expect(sut.options.redisOptions).not.toHaveProperty('keyPrefix');
    expect((sut as unknown as { startupNodes: unknown[] }).startupNodes).toEqual([
      { host: '127.0.0.1', port: 1 },
    ]);
    sut.disconnect();
  });
});

describe('BullClusterConnections', () => {
  it('shares the command and subscriber clients, gives each queue its own blocking client, and closes all', async () => {
    const sut = new BullClusterConnections({ url: NODE, cluster: true });
    const made = [
      sut.createClient('client'),
      sut.createClient('client'),
      sut.createClient('subscriber'),
      sut.createClient('subscriber'),
      sut.createClient('bclient'),
      sut.createClient('bclient'),
    ] as Cluster[];
    made.forEach((c) => c.on('error', () => undefined));
    expect(made[0]).toBe(made[1]);
    expect(made[2]).toBe(made[3]);
    expect(made[4]).not.toBe(made[5]);
    // Bull refuses blocking and subscriber connections that retry commands or check readiness.
    for (const c of [made[2], made[4]]) {
      expect(c.options.redisOptions).toMatchObject({ maxRetriesPerRequest: null, enableReadyCheck: false });
    }
    const unique = [made[0], made[2], made[4], made[5]];
    const disconnects = unique.map((c) => jest.spyOn(c, 'disconnect'));
    sut.close();
    disconnects.forEach((d) => expect(d).toHaveBeenCalledTimes(1));
  });
});
