import { createBullBoard } from '@bull-board/api';
import { BullAdapter } from '@bull-board/api/bullAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyPluginCallback } from 'fastify';
import type { QueueRegistry } from './queue.registry';

/**
 * Bull Board over every registered queue (jobs of each state, failed jobs retried from the page), as
 * a Fastify plugin to register under `basePath`. It stays here because every use of Bull lives in this
 * lib; the app that mounts it decides who may open it (it has no authentication of its own).
 */
export function queueBoardPlugin(registry: QueueRegistry, basePath: string): FastifyPluginCallback {
  const server = new FastifyAdapter();
  server.setBasePath(basePath);
  createBullBoard({
    queues: registry.all().map((q) => new BullAdapter(q, { allowRetries: true, readOnlyMode: false })),
    serverAdapter: server,
    options: { uiConfig: { boardTitle: 'Campus Orders queues' } },
  });
  return server.registerPlugin();
}
