import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import Redis from 'ioredis';
import { ALL_QUEUES } from '@campus/queue';
import { eventually } from '@campus/testing';

const ROOT = resolve(__dirname, '../../..');
const REGISTER = join(__dirname, 'register-ts.js');
const ENTRY = { api: 'apps/api/src/main.ts', worker: 'apps/worker/src/main.ts' } as const;

/** One API or worker replica: the app's real entry point (`main.ts`) in its own Node process. */
export interface Replica {
  kind: 'api' | 'worker';
  child: ChildProcess;
  /** The API's base URL (API replicas only). */
  url?: string;
  /** What the process wrote to stdout and stderr (for a failing test's message). */
  output: () => string;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
  /** SIGKILL: no shutdown hook runs, connections drop, jobs in hand are left locked. */
  kill: () => Promise<void>;
  /** SIGTERM, the orderly shutdown (falls back to SIGKILL after 10 s). */
  stop: () => Promise<void>;
}

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

function spawnReplica(kind: 'api' | 'worker', env: Record<string, string>): Replica {
  const child = spawn(process.execPath, ['-r', REGISTER, ENTRY[kind]], {
    cwd: ROOT,
    // Only the test's variables (a developer's .env is not read over them: dotenv never overrides).
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (chunk: Buffer) => {
    out = (out + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const signal = async (sig: NodeJS.Signals, graceMs: number) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(sig);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  return {
    kind,
    child,
    output: () => out,
    exited,
    kill: () => signal('SIGKILL', 0),
    stop: () => signal('SIGTERM', 10_000),
  };
}

async function bootOrFail<T>(replica: Replica, ready: () => Promise<T>, timeoutMs: number): Promise<T> {
  const died = replica.exited.then((code) => {
    throw new Error(`${replica.kind} replica exited (${code}) while starting:\n${replica.output()}`);
  });
  try {
    return await Promise.race([eventually(ready, timeoutMs), died]);
  } catch (err) {
    await replica.kill();
    throw new Error(`${(err as Error).message}\n--- ${replica.kind} output ---\n${replica.output()}`);
  }
}

/** Starts `node apps/api/src/main.ts` on a free port and waits until /api/health answers 200. */
export async function startApiReplica(env: Record<string, string>, timeoutMs = 60_000): Promise<Replica> {
  const port = await freePort();
  const replica = spawnReplica('api', { ...env, PORT: String(port) });
  replica.url = `http://127.0.0.1:${port}`;
  await bootOrFail(
    replica,
    async () => (await fetch(`${replica.url}/api/health`).catch(() => undefined))?.status === 200,
    timeoutMs,
  );
  return replica;
}

/** Bull's name for a queue's blocking connection: one per queue in every worker consuming it. */
function workerConnections(clientList: string, prefix: string): number {
  const names = new Set(ALL_QUEUES.map((q) => `${prefix}:${Buffer.from(q).toString('base64')}`));
  return clientList.split('\n').filter((line) => names.has(/ name=(\S*)/.exec(line)?.[1] ?? '')).length;
}

/**
 * Starts `node apps/worker/src/main.ts` and waits until Redis shows it consuming every queue
 * (its named blocking connections), so the test knows it takes jobs before a burst begins.
 */
export async function startWorkerReplica(env: Record<string, string>, timeoutMs = 60_000): Promise<Replica> {
  const redis = new Redis(env.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  const prefix = env.QUEUE_PREFIX;
  const before = workerConnections(String(await redis.client('LIST')), prefix);
  const replica = spawnReplica('worker', env);
  try {
    await bootOrFail(
      replica,
      async () => workerConnections(String(await redis.client('LIST')), prefix) >= before + ALL_QUEUES.length,
      timeoutMs,
    );
  } finally {
    redis.disconnect();
  }
  return replica;
}
