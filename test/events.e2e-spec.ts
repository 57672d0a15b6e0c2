import { randomUUID } from 'node:crypto';
import { QueueName, QueueRegistry } from '@campus/queue';
import { eventually, Fixtures, phoneOrder, TestApp, TestClock, World } from '@campus/testing';
import { auth, startApp } from './support/app';

const DEAD_REDIS = 'redis://127.0.0.1:6399';

describe('Reliable events: outbox → Bull → idempotent consumers (e2e)', () => {
  describe('Redis outage', () => {
    let app: TestApp;
    let fx: Fixtures;

    beforeAll(async () => {
      // The API itself runs without Redis: placing an order must not need it.
      ({ app, fx } = await startApp({ env: { REDIS_URL: DEAD_REDIS } }));
    });
    afterAll(() => app?.close());

    it('accepts orders while Redis is down, then delivers every event exactly once when it returns', async () => {
      const w = await fx.world();
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await app
          .http()
          .post('/api/orders')
          .set(auth(w.tokens.callCenter))
          .set('Idempotency-Key', randomUUID())
          .send(phoneOrder(w, { phone: `+8613811110${String(i).padStart(3, '0')}` }));
        expect(res.status).toBe(201);
        ids.push(res.body.id);
      }
      const health = await app.http().get('/api/health');
      expect(health.status).toBe(503);
      expect(health.body).toMatchObject({ status: 'error', db: 'up', redis: 'down', down: ['redis'] });

      // A worker that cannot reach Redis backs off and publishes nothing.
      await app.startWorker({ redisUrl: DEAD_REDIS });
      await new Promise((r) => setTimeout(r, 1_500));
      const pending = await app.sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL AND event_type = 'order.placed'`,
      );
      expect(pending[0].n).toBe(5);
      await app.stopWorker();

      // Redis is back: the relay catches up and each order gets exactly one "placed" text.
      await app.startWorker({ redisUrl: 'redis://127.0.0.1:6379' });
      await eventually(async () => {
        const rows = await app.sql<{ n: number }>(
          `SELECT count(*)::int AS n FROM notifications WHERE template = 'order_placed' AND order_id = ANY($1::uuid[]) AND status = 'sent'`,
          [ids],
        );
        return rows[0].n === 5;
      }, 45_000);
      await new Promise((r) => setTimeout(r, 500));
      const perOrder = await app.sql<{ order_id: string; n: number }>(
        // The customer's texts (each order's agent is texted too, once per assignment).
        `SELECT order_id, count(*)::int AS n FROM notifications WHERE order_id = ANY($1::uuid[]) AND template = 'order_placed'
          GROUP BY order_id`,
        [ids],
      );
      expect(perOrder.map((r) => r.n)).toEqual([1, 1, 1, 1, 1]);
      // The texts no longer wait for a second outbox hop, so the assignments' rows may still be on
      // their way: wait until everything is relayed, then check each row went out exactly once.
      const outbox = await eventually(async () => {
        const rows = await app.sql<{ published: boolean; attempts: number }>(
          `SELECT published_at IS NOT NULL AS published, attempts FROM outbox`,
        );
        return rows.every((o) => o.published) && rows;
      }, 20_000);
      expect(outbox.every((o) => o.published && o.attempts === 1)).toBe(true);
    });
  });

  describe('with a worker', () => {
    let app: TestApp;
    let fx: Fixtures;
    let w: World;
    const clock = new TestClock();

    beforeAll(async () => {
      ({ app, fx } = await startApp({ clock, env: { PAYMENT_WINDOW_MINUTES: '30' } }));
      w = await fx.world();
    });
    afterAll(() => app?.close());

    const place = (body: object, token = w.tokens.callCenter) =>
      app.http().post('/api/orders').set(auth(token)).set('Idempotency-Key', randomUUID()).send(body);

    it('two workers relaying at once never publish a row twice', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 40; i++) {
        ids.push(
          (await place(phoneOrder(w, { sku: w.skus.pen, phone: `+8613822220${String(i).padStart(3, '0')}` })))
            .body.id,
        );
      }
      await Promise.all([app.startWorker(), app.startWorker()]);
      await eventually(async () => {
        const rows = await app.sql<{ n: number }>(
          `SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL AND available_at <= now()`,
        );
        return rows[0].n === 0;
      }, 20_000);
      const twice = await app.sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM outbox WHERE attempts <> 1 AND published_at IS NOT NULL`,
      );
      expect(twice[0].n).toBe(0);
      await eventually(async () => {
        const rows = await app.sql<{ n: number }>(
          `SELECT count(*)::int AS n FROM notifications WHERE order_id = ANY($1::uuid[]) AND template = 'order_placed'
              AND status = 'sent'`,
          [ids],
        );
        return rows[0].n === 40;
      }, 20_000);
      const dup = await app.sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM (SELECT order_id, template FROM notifications WHERE order_id = ANY($1::uuid[])
           GROUP BY order_id, template HAVING count(*) > 1) d`,
        [ids],
      );
      expect(dup[0].n).toBe(0);
    });
    it('a job delivered twice has one effect (one text)', async () => {
      if (!app.worker) await app.startWorker();
      const order = await place(phoneOrder(w, { sku: w.skus.pen, phone: '+8613833330001' }));
      const sent = await eventually(async () => {
        const rows = await app.sql<{ id: string }>(
          `SELECT id FROM notifications WHERE order_id = $1 AND template = 'order_placed' AND status = 'sent'`,
          [order.body.id],
        );
        return rows[0];
      });
      const [row] = await app.sql<{ id: string; payload: object }>(
        `SELECT id, payload FROM outbox WHERE aggregate_id = $1 AND event_type = 'order.placed'`,
        [order.body.id],
      );
      // Redeliver the same outbox event under a fresh job id (as after a crash or a Redis flush).
      const queue = app.worker!.get(QueueRegistry).get(QueueName.Notifications);
      const again = await queue.add(
        'order.placed',
        { outboxId: String(row.id), type: 'order.placed', payload: row.payload },
        // Kept after completion: a fast job removed at once could leave finished() waiting forever.
        { jobId: `redelivery-${row.id}`, removeOnComplete: false },
      );
      await again.finished();
      const texts = await app.sql<{ id: string }>(
        `SELECT id FROM notifications WHERE order_id = $1 AND template = 'order_placed'`,
        [order.body.id],
      );
      expect(texts.map((t) => t.id)).toEqual([sent.id]);
    });

    describe('unpaid online orders', () => {
      const onlineOrder = async (phone: string, sku = w.skus.usb) => {
        const c = await fx.customer(phone);
        const res = await place(
          {
            lines: [{ sku, quantity: 2 }],
            fulfillment: { type: 'locker', pickupPointId: w.pointA1.id },
            paymentMethod: 'online',
          },
          c.token,
        );
        expect(res.status).toBe(201);
        expect(res.body.status).toBe('pending_payment');
        return res.body as { id: string; number: string };
      };

      it('get a reminder halfway through the window and are cancelled at its end, stock released', async () => {
        if (!app.worker) await app.startWorker();
        const sku = await fx.product(`UNPAID-${randomUUID().slice(0, 6)}`, { stock: 10 });
        const order = await onlineOrder('+8613844440001', sku);
        const stock = async () =>
          (await app.http().get(`/api/products/${sku}`).set(auth(w.tokens.admin))).body.stock as {
            reserved: number;
          };
        expect((await stock()).reserved).toBe(2);

        clock.advanceMinutes(10);
        await new Promise((r) => setTimeout(r, 600));
        expect(
          await app.sql(`SELECT 1 FROM notifications WHERE order_id = $1 AND template = 'payment_reminder'`, [
            order.id,
          ]),
        ).toHaveLength(0);

        clock.advanceMinutes(6); // 16 of 30 minutes
        const reminder = await eventually(async () => {
          const rows = await app.sql<{ body: string }>(
            `SELECT body FROM notifications WHERE order_id = $1 AND template = 'payment_reminder'`,
            [order.id],
          );
          return rows[0];
        });
        expect(reminder.body).toContain(order.number);
        expect((await app.http().get(`/api/orders/${order.id}`).set(auth(w.tokens.admin))).body.status).toBe(
          'pending_payment',
        );

        clock.advanceMinutes(15); // 31 of 30 minutes
        const cancelled = await eventually(async () => {
          const res = await app.http().get(`/api/orders/${order.id}`).set(auth(w.tokens.admin));
          return res.body.status === 'cancelled' && res.body;
        });
        expect(cancelled.cancelledAt).not.toBeNull();
        expect((await stock()).reserved).toBe(0);
        const events = await app
          .http()
          .get(`/api/orders/${order.id}/events`)
          .query({ texts: false })
          .set(auth(w.tokens.admin));
        expect(events.body.map((e: { type: string }) => e.type)).toEqual([
          'placed',
          'payment_reminder',
          'cancel',
        ]);
        expect(events.body[2]).toMatchObject({
          reason: 'payment window expired',
          data: { cause: 'unpaid_timeout' },
          actor: { role: 'system' },
        });
        await eventually(
          async () =>
            (
              await app.sql(
                `SELECT 1 FROM notifications WHERE order_id = $1 AND template = 'order_cancelled'`,
                [order.id],
              )
            ).length === 1,
        );
        const reminders = await app.sql(
          `SELECT 1 FROM notifications WHERE order_id = $1 AND template = 'payment_reminder'`,
          [order.id],
        );
        expect(reminders).toHaveLength(1);
      });

      it('do nothing once paid: no reminder, no cancellation', async () => {
        if (!app.worker) await app.startWorker();
        const order = await onlineOrder('+8613844440002');
        const total = (await app.http().get(`/api/orders/${order.id}`).set(auth(w.tokens.admin))).body
          .totalCents;
        const { signedNotice } = await import('./support/payments');
        const paid = await signedNotice(app, {
          orderId: order.id,
          amountCents: total,
          providerRef: `ref-${order.id}`,
        });
        expect(paid.status).toBe(200);
        clock.advanceMinutes(40);
        // Both timers come due and are relayed; neither may act.
        await eventually(async () => {
          const rows = await app.sql<{ n: number }>(
            `SELECT count(*)::int AS n FROM outbox WHERE aggregate_id = $1 AND event_type = 'order.payment_timer' AND published_at IS NOT NULL`,
            [order.id],
          );
          return rows[0].n === 2;
        });
        await eventually(async () => {
          const rows = await app.sql<{ n: number }>(
            `SELECT count(*)::int AS n FROM processed_jobs WHERE key = $1`,
            [order.id],
          );
          return rows[0].n === 2;
        });
        const res = await app.http().get(`/api/orders/${order.id}`).set(auth(w.tokens.admin));
        // Paid, then (auto-)assigned to an agent: never cancelled by the expired timer.
        expect(['confirmed', 'assigned']).toContain(res.body.status);
        expect(res.body.cancelledAt).toBeNull();
        expect(
          await app.sql(`SELECT 1 FROM notifications WHERE order_id = $1 AND template = 'payment_reminder'`, [
            order.id,
          ]),
        ).toHaveLength(0);
      });
    });

    it('alerts admins once per crossing below the low-stock threshold', async () => {
      if (!app.worker) await app.startWorker();
      const sku = await fx.product(`LOW-${randomUUID().slice(0, 6)}`, { stock: 10, lowStockThreshold: 5 });
      const alerts = () =>
        app.sql<{ body: string }>(
          `SELECT body FROM notifications WHERE template = 'low_stock' AND body LIKE $1`,
          [`%${sku}%`],
        );
      await place(phoneOrder(w, { sku, quantity: 4 })); // 6 left: above
      await place(phoneOrder(w, { sku, quantity: 2 })); // 4 left: crosses
      await place(phoneOrder(w, { sku, quantity: 1 })); // 3 left: still below, no new alert
      await eventually(async () => (await alerts()).length === 1);
      await app
        .http()
        .post(`/api/products/${sku}/stock-adjustments`)
        .set(auth(w.tokens.admin))
        .send({ delta: 10, reason: 'restock' })
        .expect(200);
      await place(phoneOrder(w, { sku, quantity: 9 })); // 13 → 4: crosses again
      await eventually(async () => (await alerts()).length === 2);
      await new Promise((r) => setTimeout(r, 500));
      expect(await alerts()).toHaveLength(2);
      const log = await app
        .http()
        .get('/api/notifications')
        .query({ to: 'role:admin', type: 'low_stock' })
        .set(auth(w.tokens.admin));
      expect(log.body.items.filter((n: { body: string }) => n.body.includes(sku))).toHaveLength(2);
    });

    it('a stock adjustment that takes a SKU below its threshold alerts once too', async () => {
      if (!app.worker) await app.startWorker();
      const sku = await fx.product(`LOWADJ-${randomUUID().slice(0, 6)}`, { stock: 10, lowStockThreshold: 5 });
      const adjust = (delta: number) =>
        app
          .http()
          .post(`/api/products/${sku}/stock-adjustments`)
          .set(auth(w.tokens.admin))
          .send({ delta, reason: 'stocktake' })
          .expect(200);
      await adjust(-6); // 4 left: crosses
      await adjust(-1); // 3 left: still below
      const alerts = () =>
        app.sql<{ n: number }>(
          `SELECT count(*)::int AS n FROM notifications WHERE template = 'low_stock' AND body LIKE $1`,
          [`%${sku}%`],
        );
      await eventually(async () => (await alerts())[0].n === 1);
      await new Promise((r) => setTimeout(r, 500));
      expect((await alerts())[0].n).toBe(1);
    });
  });
});
