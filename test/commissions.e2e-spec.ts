import { randomUUID } from 'node:crypto';
import { shanghaiPeriod } from '@campus/core';
import { QueueName, QueueRegistry } from '@campus/queue';
import type { AgentRef, Fixtures, Ref, TestApp, World } from '@campus/testing';
import { eventually, STAFF_PASSWORD, TestClock } from '@campus/testing';
import { auth, startApp } from './support/app';
import { FulfilmentDriver, newPhone } from './support/fulfilment';

// The tests wait on the worker (assignment, completion, the ledger consumers).
jest.setTimeout(120_000);

interface Entry {
  id: string;
  agentId: string;
  regionId: string;
  kind: string;
  amountCents: number;
  sourceId: string;
  orderId: string | null;
  period: string;
  ruleIds: string[];
  tierId: string | null;
  rule: string;
  lines: { sku: string; scope: string | null; ruleId: string | null; amountCents: number }[] | null;
  reason: string | null;
  statementId: string | null;
  locked: boolean;
}

interface Statement {
  agentId: string;
  agentName: string;
  commissionCents: number;
  reversalCents: number;
  installFeeCents: number;
  adjustmentCents: number;
  codHeldCents: number;
  netCents: number;
  entryCount: number;
}

/** A region of its own (settlements are one per region and month) with a campus, a manager and agents. */
interface Area {
  region: Ref;
  campus: Ref;
  manager: string;
  agents: AgentRef[];
}

let seq = 0;

/** Drives orders to completion through the API and reads the ledger, as staff would. */
class CommissionDriver {
  constructor(
    readonly app: TestApp,
    readonly fx: Fixtures,
    readonly w: World,
    readonly d: FulfilmentDriver,
  ) {}

  get admin() {
    return this.w.tokens.admin;
  }

  async area(agentNames: string[]): Promise<Area> {
    const s = `${seq++}${randomUUID().slice(0, 4)}`.toUpperCase();
    const region = await this.fx.post<Ref>(this.admin, '/api/regions', { code: `CR${s}`, name: `华北 ${s}` });
    const campus = await this.fx.post<Ref>(this.admin, '/api/campuses', {
      code: `CC${s}`,
      name: `北京大学 ${s}`,
      regionId: region.id,
    });
    const manager = await this.fx.user({
      username: `cmgr.${s}`,
      role: 'regional_manager',
      regionId: region.id,
    });
    const agents: AgentRef[] = [];
    for (const [i, name] of agentNames.entries()) {
      const username = `cagent.${s}.${i}`;
      const a = await this.fx.post<{ id: string; userId: string; campusId: string; referralCode: string }>(
        this.admin,
        '/api/agents',
        { username, password: STAFF_PASSWORD, displayName: name, phone: newPhone(), campusId: campus.id },
      );
      agents.push({ ...a, token: await this.fx.login(username) });
    }
    return { region, campus, manager: manager.token, agents };
  }

  async product(opts: { priceCents: number; category: string; installFeeCents?: number }): Promise<string> {
    return this.fx.product(`CM-${randomUUID().slice(0, 8)}`, {
      priceCents: opts.priceCents,
      category: opts.category,
      stock: 500,
      requiresInstallation: (opts.installFeeCents ?? 0) > 0,
      installFeeCents: opts.installFeeCents ?? 0,
    });
  }

  async rule(body: Record<string, unknown>): Promise<{ id: string }> {
    return this.fx.post(this.admin, '/api/commission-rules', body);
  }

  /** A door-delivery COD order attributed to `earner`, taken out by `deliverer` (reassigned if need be). */
  async assignedOrder(
    area: Area,
    lines: { sku: string; quantity: number }[],
    earner: AgentRef | null,
    deliverer: AgentRef,
  ): Promise<{ id: string; number: string; totalCents: number }> {
    const res = await this.d.place(this.w.tokens.callCenter, {
      customer: { phone: newPhone(), name: '韩梅梅' },
      lines,
      fulfillment: { type: 'delivery', campusId: area.campus.id, address: 'Dorm 3, room 210' },
      paymentMethod: 'cod',
      ...(earner ? { agentCode: earner.referralCode } : {}),
    } as never);
    expect(res.status).toBe(201);
    const order = res.body as { id: string; number: string; totalCents: number };
    const assigned = await this.d.assigned(order.id);
    if (assigned !== deliverer.id) {
      const moved = await this.d.post(area.manager, `/api/orders/${order.id}/assign`, {
        agentId: deliverer.id,
      });
      expect(moved.status).toBe(200);
    }
    return order;
  }

  async deliver(orderId: string, totalCents: number, deliverer: AgentRef): Promise<void> {
    expect((await this.d.post(deliverer.token, `/api/orders/${orderId}/dispatch`)).status).toBe(200);
    const res = await this.d.post(deliverer.token, `/api/orders/${orderId}/deliver`, {
      codCollectedCents: totalCents,
    });
    expect(res.status).toBe(200);
  }

  /** An order placed, delivered with its COD cash and completed; waits for its commission entry. */
  async completedOrder(
    area: Area,
    lines: { sku: string; quantity: number }[],
    earner: AgentRef,
    deliverer: AgentRef = earner,
  ): Promise<{ id: string; totalCents: number; entry: Entry }> {
    const order = await this.assignedOrder(area, lines, earner, deliverer);
    await this.deliver(order.id, order.totalCents, deliverer);
    await this.d.completed(order.id);
    const entry = await this.entry(order.id, 'order_commission');
    await this.cod(order.id);
    return { ...order, entry };
  }

  /** The ledger entry of a source, once the consumer has booked it (read through the API as admin). */
  async entry(sourceId: string, kind: string): Promise<Entry> {
    const row = await eventually(async () => {
      const rows = await this.app.sql<{ id: string; agent_id: string }>(
        `SELECT id, agent_id FROM commission_entries WHERE source_id = $1 AND kind = $2`,
        [sourceId, kind],
      );
      return rows[0];
    });
    const res = await this.app
      .http()
      .get('/api/commissions/entries')
      .query({ agentId: row.agent_id, kind, limit: 200 })
      .set(auth(this.admin));
    return (res.body.items as Entry[]).find((e) => e.id === String(row.id))!;
  }

  async entries(sourceId: string): Promise<{ kind: string; amount_cents: string }[]> {
    return this.app.sql(
      `SELECT kind, amount_cents FROM commission_entries WHERE source_id = $1 ORDER BY id`,
      [sourceId],
    );
  }

  /** Waits until the COD cash of an order reached the commissions ledger. */
  async cod(orderId: string): Promise<void> {
    await eventually(async () => {
      const rows = await this.app.sql(`SELECT 1 FROM commission_cod WHERE order_id = $1`, [orderId]);
      return rows.length === 1;
    });
  }

  async earnings(agentId: string, token = this.admin, period?: string) {
    return this.app
      .http()
      .get(`/api/agents/${agentId}/earnings`)
      .query(period ? { period } : {})
      .set(auth(token));
  }

  /** Delivers outbox rows to the commissions queue once more (as a relay retry would) and waits. */
  async redeliver(where: string, params: unknown[]): Promise<number> {
    const rows = await this.app.sql<{ id: string; event_type: string; payload: object }>(
      `SELECT id, event_type, payload FROM outbox WHERE ${where} ORDER BY id`,
      params,
    );
    const queue = this.app.worker!.get(QueueRegistry).get(QueueName.Commissions);
    for (const round of [1, 2]) {
      for (const row of rows) {
        const job = await queue.add(
          row.event_type,
          { outboxId: String(row.id), type: row.event_type, payload: row.payload },
          // Kept after completion: a fast job removed at once would leave finished() waiting forever.
          { jobId: `redelivery-${round}-${row.id}`, removeOnComplete: false },
        );
        await job.finished();
      }
    }
    return rows.length;
  }

  async integrity(period: string) {
    const res = await this.app
      .http()
      .get('/api/commissions/integrity')
      .query({ period })
      .set(auth(this.admin));
    expect(res.status).toBe(200);
    return res.body as { ok: boolean; problems: string[]; statements: number; entries: number };
  }
}

describe('Commissions: rules, ledger, earnings and settlement (e2e)', () => {
  let app: TestApp;
  let fx: Fixtures;
  let w: World;
  let d: FulfilmentDriver;
  let c: CommissionDriver;
  const clock = new TestClock();
  const period = () => shanghaiPeriod(clock.now());
  // Rules are global: each test uses its own categories; this default applies to everything else.
  const DEFAULT_BPS = 100;

  beforeAll(async () => {
    ({ app, fx } = await startApp({ worker: true, clock }));
    w = await fx.world();
    d = new FulfilmentDriver(app, fx, w);
    c = new CommissionDriver(app, fx, w, d);
    await c.rule({ rateBps: DEFAULT_BPS });
  });
  afterAll(() => app?.close());

  it('rule precedence: SKU over category over the default, only valid rules; completion books an entry for the attributed agent with the rules applied', async () => {
    const area = await c.area(['李雷']);
    const [agent] = area.agents;
    const cat = `gadgets-${randomUUID().slice(0, 6)}`;
    const p1 = await c.product({ priceCents: 3900, category: cat });
    const p2 = await c.product({ priceCents: 1000, category: cat });
    const p3 = await c.product({ priceCents: 2000, category: `misc-${randomUUID().slice(0, 6)}` });
    const skuRule = await c.rule({ sku: p1, rateBps: 500, fixedCents: 20 });
    const catRule = await c.rule({ category: cat, rateBps: 300 });
    // A SKU rule for p2 that only starts tomorrow, and one that ended yesterday: neither applies.
    const day = 24 * 3600_000;
    const tomorrow = shanghaiDate(new Date(Date.now() + day));
    const yesterday = shanghaiDate(new Date(Date.now() - day));
    await c.rule({ sku: p2, rateBps: 9000, validFrom: tomorrow });
    await c.rule({ sku: p2, rateBps: 8000, validFrom: '2020-01-01', validTo: yesterday });
    // Bad rules are 400 naming the field.
    const both = await d.post(w.tokens.admin, '/api/commission-rules', {
      sku: p1,
      category: cat,
      rateBps: 1,
    });
    expect(both.status).toBe(400);
    expect(both.body.errors).toEqual([expect.objectContaining({ field: 'category' })]);
    const none = await d.post(w.tokens.admin, '/api/commission-rules', { category: cat });
    expect(none.status).toBe(400);
    const tooHigh = await d.post(w.tokens.admin, '/api/commission-rules', { rateBps: 10_001 });
    expect(tooHigh.body.errors).toEqual([expect.objectContaining({ field: 'rateBps' })]);
    expect((await d.post(w.tokens.managerA, '/api/commission-rules', { rateBps: 1 })).status).toBe(403);

    const order = await c.completedOrder(
      area,
      [
        { sku: p1, quantity: 2 },
        { sku: p2, quantity: 1 },
        { sku: p3, quantity: 1 },
      ],
      agent,
    );
    // p1: 500 bps of 7800 = 390, + 2 × 20; p2: category 300 bps of 1000 = 30; p3: default 100 bps of 2000 = 20
    expect(order.entry).toMatchObject({
      kind: 'order_commission',
      agentId: agent.id,
      regionId: area.region.id,
      amountCents: 430 + 30 + 20,
      sourceId: order.id,
      orderId: order.id,
      period: period(),
      tierId: null,
      statementId: null,
      locked: false,
    });
    expect(order.entry.lines!.map((l) => [l.sku, l.scope, l.ruleId, l.amountCents])).toEqual([
      [p1, 'sku', skuRule.id, 430],
      [p2, 'category', catRule.id, 30],
      [p3, 'default', expect.any(String), 20],
    ]);
    expect(order.entry.ruleIds).toEqual(expect.arrayContaining([skuRule.id, catRule.id]));
    expect(order.entry.rule).toContain(`${p1}×2: sku rule 500 bps + 20/unit = 430`);

    // The agent sees it among their own entries and earnings.
    const mine = await app
      .http()
      .get('/api/commissions/entries')
      .query({ agentId: 'me' })
      .set(auth(agent.token));
    expect(mine.body.items.map((e: Entry) => e.sourceId)).toEqual([order.id]);
    const earnings = await c.earnings(agent.id, agent.token);
    expect(earnings.status).toBe(200);
    expect(earnings.body).toMatchObject({
      period: period(),
      commissionCents: 480,
      reversalCents: 0,
      installFeeCents: 0,
      codHeldCents: order.totalCents,
      netCents: 480 - order.totalCents,
    });
  });

  it('an order without an attributed agent books nothing', async () => {
    const area = await c.area(['Wang']);
    const [agent] = area.agents;
    const order = await c.assignedOrder(area, [{ sku: w.skus.pen, quantity: 1 }], null, agent);
    await c.deliver(order.id, order.totalCents, agent);
    await d.completed(order.id);
    await c.cod(order.id);
    // The completion event was consumed (its COD twin arrived): still no entry for the order.
    expect(
      await c.redeliver(`aggregate_id = $1 AND event_type = 'order.status_changed'`, [order.id]),
    ).toBeGreaterThanOrEqual(4);
    expect(await c.entries(order.id)).toEqual([]);
  });

  it('return after completion → a reversal of exactly the amount; replayed events write nothing; the ledger refuses edits', async () => {
    const area = await c.area(['Zhang']);
    const [agent] = area.agents;
    const sku = await c.product({ priceCents: 12345, category: `ret-${randomUUID().slice(0, 6)}` });
    const order = await c.completedOrder(area, [{ sku, quantity: 1 }], agent);
    expect(order.entry.amountCents).toBe(123); // 100 bps of 12345 = 123.45 → 123

    const returned = await d.post(area.manager, `/api/orders/${order.id}/return`, { reason: 'faulty' });
    expect(returned.status).toBe(200);
    const reversal = await c.entry(order.id, 'reversal');
    expect(reversal).toMatchObject({
      kind: 'reversal',
      agentId: agent.id,
      amountCents: -123,
      orderId: order.id,
      reason: 'faulty',
      period: period(),
    });
    expect(reversal.rule).toContain(`reverses entry ${order.entry.id}`);

    // Every event of the order (placed … completed, returned) delivered twice more: nothing new.
    const n = await c.redeliver(
      `aggregate_id = $1 AND event_type IN ('order.status_changed', 'cod.collected')`,
      [order.id],
    );
    expect(n).toBeGreaterThanOrEqual(6);
    expect(await c.entries(order.id)).toEqual([
      { kind: 'order_commission', amount_cents: '123' },
      { kind: 'reversal', amount_cents: '-123' },
    ]);
    const earnings = await c.earnings(agent.id, area.manager);
    expect(earnings.body).toMatchObject({ commissionCents: 123, reversalCents: -123 });

    // The database keeps the ledger append-only.
    await expect(
      app.sql(`UPDATE commission_entries SET amount_cents = 1 WHERE source_id = $1`, [order.id]),
    ).rejects.toThrow(/append-only/);
    await expect(app.sql(`DELETE FROM commission_entries WHERE source_id = $1`, [order.id])).rejects.toThrow(
      /append-only/,
    );
  });

  it('install fee: booked once for the agent even when task.completed is delivered twice', async () => {
    const area = await c.area(['Li']);
    const [agent] = area.agents;
    const router = await c.product({
      priceCents: 29900,
      category: `net-${randomUUID().slice(0, 6)}`,
      installFeeCents: 2500,
    });
    const phone = newPhone();
    const res = await d.place(w.tokens.callCenter, {
      customer: { phone, name: 'Li Lei' },
      lines: [{ sku: router, quantity: 2 }],
      fulfillment: { type: 'delivery', campusId: area.campus.id, address: 'Dorm 1' },
      paymentMethod: 'cod',
    });
    expect(res.status).toBe(201);
    const order = res.body as { id: string; totalCents: number };
    expect(await d.assigned(order.id)).toBe(agent.id);
    const task = await eventually(async () => {
      const r = await app.http().get('/api/tasks').query({ orderId: order.id }).set(auth(agent.token));
      return r.body.items?.[0] as { id: string } | undefined;
    });
    const start = new Date(clock.now().getTime() + 3600_000);
    const window = {
      windowStart: start.toISOString(),
      windowEnd: new Date(start.getTime() + 7200_000).toISOString(),
    };
    expect((await d.post(agent.token, `/api/tasks/${task.id}/schedule`, window)).status).toBe(200);
    const code = await fx.taskCode(phone);
    expect((await d.post(agent.token, `/api/tasks/${task.id}/start`)).status).toBe(200);
    await c.deliver(order.id, order.totalCents, agent);
    expect(
      (await d.post(agent.token, `/api/tasks/${task.id}/complete`, { confirmationCode: code })).status,
    ).toBe(200);

    const fee = await c.entry(task.id, 'install_fee');
    expect(fee).toMatchObject({
      kind: 'install_fee',
      agentId: agent.id,
      amountCents: 5000,
      orderId: order.id,
    });
    expect(await c.redeliver(`aggregate_id = $1 AND event_type = 'task.completed'`, [task.id])).toBe(1);
    expect(await c.entries(task.id)).toEqual([{ kind: 'install_fee', amount_cents: '5000' }]);
    const earnings = await c.earnings(agent.id, agent.token);
    expect(earnings.body.installFeeCents).toBe(5000);
  });

  it('tiers: the order that crosses the threshold mid-month earns the bonus; the tier is recorded', async () => {
    const area = await c.area(['Tier']);
    const [agent] = area.agents;
    const sku = await c.product({ priceCents: 10_000, category: `tier-${randomUUID().slice(0, 6)}` });
    // A manager may not set a tier for another region (404); their own is fine.
    const other = await d.post(w.tokens.managerA, '/api/commission-tiers', {
      regionId: area.region.id,
      fromOrder: 3,
      bonusBps: 100,
    });
    expect(other.status).toBe(404);
    const tier = await fx.post<{ id: string }>(area.manager, '/api/commission-tiers', {
      regionId: area.region.id,
      fromOrder: 3,
      bonusBps: 100,
    });
    const amounts: number[] = [];
    const tiers: (string | null)[] = [];
    for (let i = 0; i < 4; i++) {
      const o = await c.completedOrder(area, [{ sku, quantity: 1 }], agent);
      amounts.push(o.entry.amountCents);
      tiers.push(o.entry.tierId);
    }
    // 100 bps of 10000 = 100; from the 3rd completed order of the month +100 bps = 200
    expect(amounts).toEqual([100, 100, 200, 200]);
    expect(tiers).toEqual([null, null, tier.id, tier.id]);
    // Another region's orders are not affected by this region's tier.
    const plain = await c.area(['Plain']);
    const o = await c.completedOrder(plain, [{ sku, quantity: 1 }], plain.agents[0]);
    expect(o.entry.amountCents).toBe(100);
  });

  it('settlement: statements with COD netting (positive and negative net), 409 twice, scoping 404, CSV cell by cell, concurrent approve, locks, mark-paid clears COD, integrity', async () => {
    const area = await c.area(['李雷', 'Han, "Meimei"']);
    const [x, y] = area.agents;
    const sku = await c.product({ priceCents: 10_000, category: `set-${randomUUID().slice(0, 6)}` });
    await c.rule({ sku, rateBps: 1000 });
    // Earned by y, delivered (cash collected) by x; then one earned and delivered by x.
    const o1 = await c.completedOrder(area, [{ sku, quantity: 1 }], y, x);
    const o2 = await c.completedOrder(area, [{ sku, quantity: 1 }], x, x);
    const adj = await d.post(w.tokens.admin, '/api/commissions/adjustments', {
      agentId: y.id,
      amountCents: 500,
      reason: 'campus fair bonus',
    });
    expect(adj.status).toBe(201);
    expect(adj.body).toMatchObject({ kind: 'adjustment', amountCents: 500, reason: 'campus fair bonus' });
    const noReason = await d.post(w.tokens.admin, '/api/commissions/adjustments', {
      agentId: y.id,
      amountCents: 5,
    });
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors).toEqual([expect.objectContaining({ field: 'reason' })]);

    const xEarnings = await c.earnings(x.id, x.token);
    expect(xEarnings.body).toMatchObject({ commissionCents: 1000, codHeldCents: 20_000, netCents: -19_000 });
    expect((await c.earnings(y.id, x.token)).status).toBe(404);

    // Scoping: another region's manager cannot settle this region, nor see its settlement.
    const foreign = await d.post(w.tokens.managerA, '/api/settlements', {
      regionId: area.region.id,
      period: period(),
    });
    expect(foreign.status).toBe(404);
    const created = await d.post(area.manager, '/api/settlements', {
      regionId: area.region.id,
      period: period(),
    });
    expect(created.status).toBe(201);
    const s = created.body as { id: string; status: string; statements: Statement[] };
    expect(s.status).toBe('draft');
    const byAgent = Object.fromEntries(s.statements.map((st) => [st.agentId, st]));
    expect(byAgent[y.id]).toMatchObject({
      agentName: 'Han, "Meimei"',
      commissionCents: 1000,
      reversalCents: 0,
      installFeeCents: 0,
      adjustmentCents: 500,
      codHeldCents: 0,
      netCents: 1500,
      entryCount: 2,
    });
    expect(byAgent[x.id]).toMatchObject({
      agentName: '李雷',
      commissionCents: 1000,
      codHeldCents: o1.totalCents + o2.totalCents,
      netCents: 1000 - 20_000,
      entryCount: 1,
    });
    expect(s.statements).toHaveLength(2);
    expect(
      (await d.post(area.manager, '/api/settlements', { regionId: area.region.id, period: period() })).status,
    ).toBe(409);
    expect((await app.http().get(`/api/settlements/${s.id}`).set(auth(w.tokens.managerA))).status).toBe(404);
    const listed = await app
      .http()
      .get('/api/settlements')
      .query({ regionId: area.region.id })
      .set(auth(area.manager));
    expect(listed.body.items).toEqual([
      expect.objectContaining({
        id: s.id,
        status: 'draft',
        totals: expect.objectContaining({ netCents: 1500 - 19_000 }),
      }),
    ]);
    const foreignList = await app
      .http()
      .get('/api/settlements')
      .query({ regionId: area.region.id })
      .set(auth(w.tokens.managerA));
    expect(foreignList.body.items).toEqual([]);
    expect((await d.post(w.tokens.managerA, `/api/settlements/${s.id}/approve`)).status).toBe(404);

    // Statement lines as JSON: the agent their own; another agent's is 404.
    const lines = await app.http().get(`/api/settlements/${s.id}/statements/${y.id}`).set(auth(y.token));
    expect(lines.status).toBe(200);
    expect(lines.body.entries.map((e: Entry) => [e.kind, e.amountCents])).toEqual([
      ['order_commission', 1000],
      ['adjustment', 500],
    ]);
    const xLines = await app
      .http()
      .get(`/api/settlements/${s.id}/statements/${x.id}`)
      .set(auth(area.manager));
    expect(xLines.body.cod.map((k: { orderId: string }) => k.orderId).sort()).toEqual([o1.id, o2.id].sort());
    expect(
      (await app.http().get(`/api/settlements/${s.id}/statements/${x.id}`).set(auth(y.token))).status,
    ).toBe(404);

    // Four eyes: whoever drew it up does not approve it. Two other managers approve at once: one
    // wins, the other gets 409.
    const own = await d.post(area.manager, `/api/settlements/${s.id}/approve`);
    expect(own.status).toBe(422);
    expect(own.body.code).toBe('four_eyes_required');
    const otherManager = () =>
      fx.user({
        username: `cmgr2.${randomUUID().slice(0, 6)}`,
        role: 'regional_manager',
        regionId: area.region.id,
      });
    const [second, third] = [await otherManager(), await otherManager()];
    const approvals = await Promise.all([
      d.post(third.token, `/api/settlements/${s.id}/approve`),
      d.post(second.token, `/api/settlements/${s.id}/approve`),
    ]);
    expect(approvals.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(approvals.find((r) => r.status === 409)!.body.currentStatus).toBe('approved');

    // Approved: entries locked, the database refuses to move them; a correction is a new entry.
    const locked: Entry[] = [];
    for (const agent of [x, y]) {
      const res = await app
        .http()
        .get('/api/commissions/entries')
        .query({ agentId: agent.id })
        .set(auth(area.manager));
      locked.push(...res.body.items);
    }
    expect(locked).toHaveLength(3);
    expect(locked.every((e) => e.locked && e.statementId !== null)).toBe(true);
    await expect(
      app.sql(`UPDATE commission_entries SET amount_cents = 0 WHERE agent_id = $1`, [y.id]),
    ).rejects.toThrow(/locked/);
    const correction = await d.post(w.tokens.admin, '/api/commissions/adjustments', {
      agentId: y.id,
      amountCents: -200,
      reason: 'bonus was 300, not 500',
    });
    expect(correction.body).toMatchObject({ statementId: null, locked: false, amountCents: -200 });

    // CSV for finance, checked cell by cell.
    const csv = await app
      .http()
      .get(`/api/settlements/${s.id}/export.csv`)
      .set(auth(area.manager))
      .buffer(true);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    const text = csv.text;
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const rows = text.slice(1).split('\r\n');
    expect(rows.pop()).toBe('');
    const regionCode = (
      await app.sql<{ code: string }>(`SELECT code FROM regions WHERE id = $1`, [area.region.id])
    )[0].code;
    expect(rows[0].split(',')).toEqual([
      'region',
      'period',
      'status',
      'agent_id',
      'agent_name',
      'campus',
      'commission',
      'reversals',
      'install_fees',
      'adjustments',
      'cod_held',
      'cash_refunds',
      'net_payable',
      'entries',
    ]);
    const campusName = (
      await app.sql<{ name: string }>(`SELECT name FROM campuses WHERE id = $1`, [area.campus.id])
    )[0].name;
    // Sorted by agent name: "Han…" before "李雷".
    expect(rows.slice(1)).toEqual([
      [
        regionCode,
        period(),
        'approved',
        y.id,
        '"Han, ""Meimei"""',
        campusName,
        '10.00',
        '0.00',
        '0.00',
        '5.00',
        '0.00',
        '0.00',
        '15.00',
        '2',
      ].join(','),
      [
        regionCode,
        period(),
        'approved',
        x.id,
        '李雷',
        campusName,
        '10.00',
        '0.00',
        '0.00',
        '0.00',
        '200.00',
        '0.00',
        '-190.00',
        '1',
      ].join(','),
      [
        regionCode,
        period(),
        'approved',
        'TOTAL',
        '',
        '',
        '20.00',
        '0.00',
        '0.00',
        '5.00',
        '200.00',
        '0.00',
        '-175.00',
        '3',
      ].join(','),
    ]);

    // mark-paid: admin only; clears the COD cash settled, later cash still counts.
    expect((await d.post(area.manager, `/api/settlements/${s.id}/mark-paid`)).status).toBe(403);
    const paid = await d.post(w.tokens.admin, `/api/settlements/${s.id}/mark-paid`, {
      paymentReference: 'BATCH-42',
    });
    expect(paid.status).toBe(200);
    expect(paid.body).toMatchObject({ status: 'paid', paymentReference: 'BATCH-42' });
    expect((await d.post(w.tokens.admin, `/api/settlements/${s.id}/mark-paid`)).status).toBe(409);
    expect((await c.earnings(x.id, x.token)).body.codHeldCents).toBe(0);
    const o3 = await c.completedOrder(area, [{ sku, quantity: 1 }], y, x);
    expect((await c.earnings(x.id, x.token)).body.codHeldCents).toBe(o3.totalCents);
    // The manager's leaderboard agrees with the ledger: cash cleared by the paid settlement is not held.
    const board = await app
      .http()
      .get('/api/reports/agents')
      .query({ period: period(), regionId: area.region.id })
      .set(auth(area.manager));
    expect(board.status).toBe(200);
    const xEarned = (await c.earnings(x.id, x.token)).body;
    expect(board.body.agents.find((a: { agentId: string }) => a.agentId === x.id)).toMatchObject({
      codCollectedCents: 20_000 + o3.totalCents,
      codHeldCents: o3.totalCents,
      earningsCents:
        xEarned.commissionCents + xEarned.reversalCents + xEarned.installFeeCents + xEarned.adjustmentCents,
    });

    const check = await c.integrity(period());
    expect(check.problems).toEqual([]);
    expect(check.ok).toBe(true);
    expect(check.entries).toBeGreaterThanOrEqual(3);
  });

  it('a draft can be discarded: its entries are unsettled again and the month drafted anew; approved is 409; scoped', async () => {
    const area = await c.area(['王五']);
    const [a] = area.agents;
    const sku = await c.product({ priceCents: 20_000, category: `disc-${randomUUID().slice(0, 6)}` });
    await c.rule({ sku, rateBps: 500 });
    const o = await c.completedOrder(area, [{ sku, quantity: 1 }], a, a);
    const body = { regionId: area.region.id, period: period() };
    const expected = [
      expect.objectContaining({
        agentId: a.id,
        commissionCents: 1000,
        codHeldCents: o.totalCents,
        netCents: 1000 - o.totalCents,
      }),
    ];
    const first = await d.post(area.manager, '/api/settlements', body);
    expect(first.status).toBe(201);
    expect(first.body.statements).toEqual(expected);
    const del = (token: string, id: string) => app.http().delete(`/api/settlements/${id}`).set(auth(token));

    expect((await del(w.tokens.managerA, first.body.id)).status).toBe(404);
    expect((await del(a.token, first.body.id)).status).toBe(403);
    expect((await del(area.manager, first.body.id)).status).toBe(204);
    expect((await app.http().get(`/api/settlements/${first.body.id}`).set(auth(area.manager))).status).toBe(
      404,
    );
    expect((await del(area.manager, first.body.id)).status).toBe(404);
    const entries = await app
      .http()
      .get('/api/commissions/entries')
      .query({ agentId: a.id })
      .set(auth(area.manager));
    expect(entries.body.items.length).toBeGreaterThan(0);
    expect(entries.body.items.filter((e: Entry) => e.statementId !== null)).toEqual([]);

    const again = await d.post(area.manager, '/api/settlements', body);
    expect(again.status).toBe(201);
    expect(again.body.statements).toEqual(expected);
    expect((await d.post(w.tokens.admin, `/api/settlements/${again.body.id}/approve`)).status).toBe(200);
    const refused = await del(area.manager, again.body.id);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'illegal_transition', currentStatus: 'approved' });
    expect((await c.integrity(period())).ok).toBe(true);
  });

  it('scoping of the ledger: agents see their own entries, managers their region', async () => {
    const area = await c.area(['A', 'B']);
    const [a, b] = area.agents;
    const sku = await c.product({ priceCents: 5000, category: `scope-${randomUUID().slice(0, 6)}` });
    const oa = await c.completedOrder(area, [{ sku, quantity: 1 }], a);
    await c.completedOrder(area, [{ sku, quantity: 1 }], b);
    const asA = await app.http().get('/api/commissions/entries').query({ agentId: b.id }).set(auth(a.token));
    expect(asA.status).toBe(200);
    expect(asA.body.items).toEqual([]);
    const all = await app.http().get('/api/commissions/entries').set(auth(a.token));
    expect(all.body.items.map((e: Entry) => e.sourceId)).toEqual([oa.id]);
    const foreign = await app
      .http()
      .get('/api/commissions/entries')
      .query({ agentId: a.id })
      .set(auth(w.tokens.managerA));
    expect(foreign.body.items).toEqual([]);
    const own = await app
      .http()
      .get('/api/commissions/entries')
      .query({ agentId: a.id })
      .set(auth(area.manager));
    expect(own.body.items).toHaveLength(1);
    expect((await c.earnings(a.id, w.tokens.managerA)).status).toBe(404);
    const bad = await app
      .http()
      .get('/api/commissions/entries')
      .query({ period: '2026-13' })
      .set(auth(w.tokens.admin));
    expect(bad.status).toBe(400);
  });

  it('COD cash taken at a counter is published (cod.collected) and held by the pickup point, not an agent', async () => {
    const sale = await d.place(w.tokens.pickupA1, {
      customer: { phone: newPhone() },
      lines: [{ sku: w.skus.pen, quantity: 3 }],
      fulfillment: { type: 'counter', pickupPointId: w.shopA1.id },
      paymentMethod: 'cod',
    });
    expect(sale.status).toBe(201);
    const order = sale.body as { id: string; totalCents: number };
    const handed = await d.post(w.tokens.pickupA1, `/api/orders/${order.id}/hand-over`, {
      codCollectedCents: order.totalCents,
    });
    expect(handed.status).toBe(200);
    const [published] = await app.sql<{ payload: Record<string, unknown> }>(
      `SELECT payload FROM outbox WHERE event_type = 'cod.collected' AND aggregate_id = $1`,
      [order.id],
    );
    expect(published.payload).toMatchObject({
      orderId: order.id,
      agentId: null,
      pickupPointId: w.shopA1.id,
      regionId: w.regionA.id,
      amountCents: order.totalCents,
    });
    await c.cod(order.id);
    const [held] = await app.sql(
      `SELECT agent_id, pickup_point_id, region_id, amount_cents::int AS amount, period FROM commission_cod WHERE order_id = $1`,
      [order.id],
    );
    expect(held).toEqual({
      agent_id: null,
      pickup_point_id: w.shopA1.id,
      region_id: w.regionA.id,
      amount: order.totalCents,
      period: period(),
    });
  });

  // Last: it moves the clock into the next month.
  it('a late entry (completed after its month was settled) rolls into the next period’s settlement', async () => {
    const area = await c.area(['Late']);
    const [agent] = area.agents;
    const sku = await c.product({ priceCents: 10_000, category: `late-${randomUUID().slice(0, 6)}` });
    const p = period();
    const early = await c.completedOrder(area, [{ sku, quantity: 1 }], agent);
    const first = await fx.post<{ id: string; statements: Statement[] }>(area.manager, '/api/settlements', {
      regionId: area.region.id,
      period: p,
    });
    expect(first.statements).toMatchObject([{ agentId: agent.id, commissionCents: 100, entryCount: 1 }]);
    // A settlement of a month that has not started is refused.
    const next = nextPeriod(p);
    const tooEarly = await d.post(area.manager, '/api/settlements', {
      regionId: area.region.id,
      period: next,
    });
    expect(tooEarly.status).toBe(422);

    const late = await c.completedOrder(area, [{ sku, quantity: 2 }], agent);
    expect(late.entry).toMatchObject({ period: p, statementId: null });
    expect((await d.post(w.tokens.admin, `/api/settlements/${first.id}/approve`)).status).toBe(200);

    while (period() === p) clock.advance(24 * 3600_000);
    const second = await fx.post<{ id: string; period: string; statements: Statement[] }>(
      area.manager,
      '/api/settlements',
      { regionId: area.region.id, period: next },
    );
    expect(second.period).toBe(next);
    expect(second.statements).toMatchObject([
      { agentId: agent.id, commissionCents: 200, codHeldCents: late.totalCents, entryCount: 1 },
    ]);
    const lines = await app
      .http()
      .get(`/api/settlements/${second.id}/statements/${agent.id}`)
      .set(auth(agent.token));
    expect(lines.body.entries.map((e: Entry) => [e.sourceId, e.period])).toEqual([[late.id, p]]);
    const firstLines = await app
      .http()
      .get(`/api/settlements/${first.id}/statements/${agent.id}`)
      .set(auth(agent.token));
    expect(firstLines.body.entries.map((e: Entry) => e.sourceId)).toEqual([early.id]);
    expect((await c.integrity(p)).ok).toBe(true);
    expect((await c.integrity(next)).ok).toBe(true);
  });
});

/** YYYY-MM-DD of an instant in Asia/Shanghai. */
function shanghaiDate(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

function nextPeriod(p: string): string {
  const [y, m] = p.split('-').map(Number);
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}
