import Redis, { Cluster, ClusterOptions, RedisOptions } from 'ioredis';

/** Where Redis is: one server, or one seed node of a Redis Cluster (REDIS_CLUSTER=true). */
export interface RedisTarget {
  url: string;
  cluster: boolean;
}

export type RedisClient = Redis | Cluster;

/** The credentials and TLS of a redis:/rediss: URL, as per-node options (database 0 only on a cluster). */
function nodeOptions(url: URL): RedisOptions {
  return {
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    tls: url.protocol === 'rediss:' ? { servername: url.hostname } : undefined,
  };
}

/**
 * A Redis connection for `target`: a plain client, or an ioredis Cluster seeded from the URL's node
 * (it discovers the other masters and follows MOVED/ASK redirections). `options` are per-connection
 * options; `keyPrefix`, `enableOfflineQueue` and `lazyConnect` apply to the cluster as a whole.
 */
export function createRedisClient(target: RedisTarget, options: RedisOptions = {}): RedisClient {
  if (!target.cluster) return new Redis(target.url, options);
  const url = new URL(target.url);
  const { keyPrefix, enableOfflineQueue, lazyConnect, retryStrategy, ...perNode } = options;
  const clusterOptions: ClusterOptions = {
    keyPrefix,
    enableOfflineQueue,
    lazyConnect,
    clusterRetryStrategy: retryStrategy ? (times) => retryStrategy(times) ?? null : undefined,
    redisOptions: { ...nodeOptions(url), ...perNode },
  };
  return new Cluster([{ host: url.hostname, port: Number(url.port || 6379) }], clusterOptions);
}

type BullClientType = 'client' | 'subscriber' | 'bclient';

/**
 * Bull's connections on a Redis Cluster (Bull's `createClient`): one command client and one
 * subscriber shared by every queue, one blocking client per queue, as Bull's docs recommend. Bull
 * does not close connections it did not create, so `close` does (after the queues are closed).
 */
export class BullClusterConnections {
  private readonly shared = new Map<BullClientType, RedisClient>();
  private readonly made: RedisClient[] = [];

  constructor(private readonly target: RedisTarget) {}

  readonly createClient = (type: BullClientType): RedisClient => {
    const existing = this.shared.get(type);
    if (existing) return existing;
    // Bull refuses blocking and subscriber clients that retry commands or check readiness.
    const client = createRedisClient(
      this.target,
      type === 'client' ? {} : { maxRetriesPerRequest: null, enableReadyCheck: false },
    );
    this.made.push(client);
    if (type !== 'bclient') {
      // Every queue adds its listeners to the shared clients.
      client.setMaxListeners(0);
      this.shared.set(type, client);
    }
    return client;
  };

  close(): void {
    // The queues are closed (no job runs); a blocking client would hold a QUIT until its timeout.
    for (const c of this.made.splice(0)) c.disconnect();
    this.shared.clear();
  }
}
