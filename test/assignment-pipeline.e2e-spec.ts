import { RequestContext } from '@campus/core';
import { AGENT_ORDER_SQL, AssignJob, chooseAgent, OPEN_DELIVERY_STATUSES } from '@campus/fulfilment';
import { SmsSender } from '@campus/notifications';
import { OutboxRelay } from '@campus/queue';
import type { Fixtures, TestApp, World } from '@campus/testing';
import { eventually } from '@campus/testing';
import { startApp } from './support/app';
import { FulfilmentDriver, newPhone } from './support/fulfilment';

jest.setTimeout(60_000);

/**
 * Issue 18, the worker's cost per order: the auto-assignment is three statements (the order's move,
 * the agent's mark and the agent's text with its alert in one), the agent's text is sent from the
 * assignment job after its commit (no `notification.requested` hop), and the relay claims rows with
 * a lease in one autocommit statement. What must not change: every guarantee around them.
 */
describe('Auto-assignment and relay at fewer statements (e2e)', () => {
  let app: TestApp;
  let fx: Fixtures;
  let w: World;
  let d: FulfilmentDriver;

  beforeAll(async () => {
    ({ app, fx } = await startApp({ worker: true }));
    w = await fx.world();
    d = new FulfilmentDriver(app, fx, w);
  });
  afterAll(() => app?.close());

  const agentTexts = (orderId: string) =>
    app.sql<{ id: string; status: string; attempts: number; to_phone: string }>(
      `SELECT id, status, attempts, to_phone FROM notifications
        WHERE order_id = $1 AND template = 'agent_order_assigned' ORDER BY id`,
      [orderId],
    );

  /** The job that assigned the order, as Bull delivered it, run again. */
  const replay = async (orderId: string, attempt = 2) => {
    const [row] = await app.sql<{ id: string; payload: Record<string, unknown> }>(
      `SELECT id, payload FROM outbox WHERE aggregate_id = $1 AND event_type = 'order.placed'`,
      [orderId],
    );
    await app.worker!.get(AssignJob).run(RequestContext.system('test-replay'), orderId, {
      outboxId: String(row.id),
      type: 'order.placed',
      payload: row.payload as never,
      attempt,
      lastAttempt: false,
    });
  };

  describe('one order, assigned by the worker', () => {
    let orderId: string;
    let agent: { id: string; userId: string };

    it('moves the order, tells the agent (text sent from the job, alert) and publishes the order’s facts', async () => {
      const site = await d.site({ agents: 1 });
      agent = site.agents[0];
      const order = await d.order(d.doorOrder(site.campus.id, newPhone()));
      orderId = order.id;
      expect(await d.assigned(order.id)).toBe(agent.id);

      const text = await eventually(async () => {
        const rows = await agentTexts(order.id);
        return rows.length === 1 && rows[0].status === 'sent' ? rows[0] : null;
      });
      expect(text.attempts).toBe(1);
      const [{ phone }] = await app.sql<{ phone: string }>(`SELECT phone FROM agents WHERE id = $1`, [
        agent.id,
      ]);
      expect(text.to_phone).toBe(phone);
      // no second hop for it
      const hops = await app.sql(
        `SELECT 1 FROM outbox WHERE event_type = 'notification.requested' AND payload->>'notificationId' = $1`,
        [text.id],
      );
      expect(hops).toHaveLength(0);
      const alerts = await app.sql<{ kind: string; data: Record<string, unknown> }>(
        `SELECT kind, data FROM alerts WHERE user_id = $1`,
        [agent.userId],
      );
      expect(alerts).toEqual([
        expect.objectContaining({
          kind: 'order_assigned',
          data: expect.objectContaining({
            orderId: order.id,
            agentId: agent.id,
            collectCents: 7800,
            install: false,
          }),
        }),
      ]);
      const [mark] = await app.sql<{ at: Date | null }>(
        `SELECT last_assigned_at AS at FROM agents WHERE id = $1`,
        [agent.id],
      );
      expect(mark.at).not.toBeNull();

      // the event carries what OrderService.transition would publish (orderFacts + the move)
      const [placed] = await app.sql<{ payload: Record<string, unknown> }>(
        `SELECT payload FROM outbox WHERE aggregate_id = $1 AND event_type = 'order.placed'`,
        [order.id],
      );
      const [moved] = await app.sql<{ payload: Record<string, unknown> }>(
        `SELECT payload FROM outbox WHERE aggregate_id = $1 AND event_type = 'order.status_changed'`,
        [order.id],
      );
      expect(moved.payload).toEqual({
        ...placed.payload,
        status: 'assigned',
        assignedAgentId: agent.id,
        action: 'assign',
        fromStatus: 'confirmed',
        toStatus: 'assigned',
        actorId: '00000000-0000-0000-0000-000000000000',
        actorRole: 'system',
        reason: null,
        data: { agentId: agent.id, mode: 'auto', openDeliveries: 0, candidates: 1 },
      });
      const events = await d.events(order.id);
      expect(events.filter((e) => e.type === 'assign')).toEqual([
        expect.objectContaining({
          fromStatus: 'confirmed',
          toStatus: 'assigned',
          actor: expect.objectContaining({ role: 'system' }),
          data: { agentId: agent.id, mode: 'auto', openDeliveries: 0, candidates: 1 },
        }),
      ]);
    });

    it('a replayed job assigns nothing twice and texts the agent once', async () => {
      const sender = app.worker!.get(SmsSender, { strict: false });
      const send = jest.spyOn(sender, 'send');
      try {
        await replay(orderId);
        expect(send).not.toHaveBeenCalled();
        expect((await d.events(orderId)).filter((e) => e.type === 'assign')).toHaveLength(1);
        expect(await agentTexts(orderId)).toEqual([expect.objectContaining({ status: 'sent', attempts: 1 })]);
      } finally {
        send.mockRestore();
      }
    });

    it('a replayed job re-drives a text left queued (transient failure) or stale in sending, and waits on one in flight', async () => {
      const [text] = await agentTexts(orderId);
      await app.sql(`UPDATE notifications SET status = 'queued' WHERE id = $1`, [text.id]);
      await replay(orderId);
      expect(await agentTexts(orderId)).toEqual([expect.objectContaining({ status: 'sent', attempts: 2 })]);

      // a send in flight (fresh `sending`): the job looks again later, nothing is sent now
      await app.sql(`UPDATE notifications SET status = 'sending', updated_at = now() WHERE id = $1`, [
        text.id,
      ]);
      await expect(replay(orderId)).rejects.toThrow(/in flight/);
      expect(await agentTexts(orderId)).toEqual([
        expect.objectContaining({ status: 'sending', attempts: 2 }),
      ]);

      // its outcome unknown for long (the worker died after the commit): claimed again, provider asked first
      await app.sql(
        `UPDATE notifications SET status = 'sending', updated_at = now() - interval '1 day' WHERE id = $1`,
        [text.id],
      );
      await replay(orderId);
      expect(await agentTexts(orderId)).toEqual([expect.objectContaining({ status: 'sent', attempts: 3 })]);
      expect((await d.events(orderId)).filter((e) => e.type === 'assign')).toHaveLength(1);
    });
  });

  it('an order cancelled before its job runs is left alone: no move, no text, no mark', async () => {
    const site = await d.site({ agents: 1 });
    await app.stopWorker();
    let orderId: string;
    try {
      orderId = (await d.order(d.doorOrder(site.campus.id, newPhone()))).id;
      const res = await d.post(w.tokens.callCenter, `/api/orders/${orderId}/cancel`, {
        reason: 'changed mind',
      });
      expect(res.status).toBe(200);
    } finally {
      await app.startWorker();
    }
    // the worker takes the order.placed job (its idempotency record says it ran)
    const [placed] = await app.sql<{ id: string }>(
      `SELECT id FROM outbox WHERE aggregate_id = $1 AND event_type = 'order.placed'`,
      [orderId],
    );
    await eventually(
      async () =>
        (
          await app.sql(
            `SELECT 1 FROM processed_jobs WHERE consumer = 'fulfilment:auto-assign' AND key = $1`,
            [String(placed.id)],
          )
        ).length === 1,
    );
    expect(await agentTexts(orderId)).toHaveLength(0);
    expect((await d.events(orderId)).filter((e) => e.type === 'assign')).toHaveLength(0);
    const [mark] = await app.sql<{ at: Date | null }>(
      `SELECT last_assigned_at AS at FROM agents WHERE id = $1`,
      [site.agents[0].id],
    );
    expect(mark.at).toBeNull();
  });

  it('the statement chooses the agent chooseAgent chooses (fewest open deliveries, longest idle, id)', async () => {
    const site = await d.site({ agents: 3 });
    for (let i = 0; i < 4; i++) await d.assigned((await d.order(d.doorOrder(site.campus.id, newPhone()))).id);
    const rows = await app.sql<{ id: string; open_deliveries: number; last_assigned_at: Date | null }>(
      `SELECT id, open_deliveries, last_assigned_at FROM fulfilment_agent_loads($1, $2)`,
      [site.campus.id, OPEN_DELIVERY_STATUSES],
    );
    expect(rows.map((r) => r.open_deliveries).sort()).toEqual([1, 1, 2]);
    const [first] = await app.sql<{ id: string }>(
      `SELECT id FROM fulfilment_agent_loads($1, $2) ORDER BY ${AGENT_ORDER_SQL} LIMIT 1`,
      [site.campus.id, OPEN_DELIVERY_STATUSES],
    );
    const mirror = chooseAgent(
      rows.map((r) => ({ id: r.id, openDeliveries: r.open_deliveries, lastAssignedAt: r.last_assigned_at })),
    );
    expect(first.id).toBe(mirror?.id);
    // and the next order goes to that agent
    expect(await d.assigned((await d.order(d.doorOrder(site.campus.id, newPhone()))).id)).toBe(first.id);
  });

  describe('the relay’s lease', () => {
    it('leaves a row claimed by a live relay alone and publishes one whose claimer died once its lease ran out', async () => {
      const relay = app.worker!.get(OutboxRelay);
      const [row] = await app.sql<{ id: string }>(
        `INSERT INTO outbox (event_type, aggregate_id, payload, available_at, claimed_until)
         VALUES ('sms.preference_changed', NULL, '{"phone": "+8613844449001", "language": "en"}', now(),
                 now() + interval '1 hour') RETURNING id`,
      );
      const published = async () =>
        (
          await app.sql<{ published: boolean }>(
            `SELECT published_at IS NOT NULL AS published FROM outbox WHERE id = $1`,
            [row.id],
          )
        )[0].published;
      await relay.relayBatch();
      expect(await published()).toBe(false);

      // the claimer died: its lease runs out, the next pass (the safety poll at the latest) takes it
      await app.sql(`UPDATE outbox SET claimed_until = now() - interval '1 second' WHERE id = $1`, [row.id]);
      await relay.relayBatch();
      expect(await published()).toBe(true);
      const [after] = await app.sql<{ claimed_until: Date | null; attempts: number }>(
        `SELECT claimed_until, attempts FROM outbox WHERE id = $1`,
        [row.id],
      );
      expect(after).toEqual({ claimed_until: null, attempts: 1 });
    });
  });
});
