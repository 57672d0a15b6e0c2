import { randomUUID } from 'node:crypto';
import { shanghaiPeriod } from '@campus/core';
import type { AgentRef, Fixtures, Ref, TestApp } from '@campus/testing';
import { STAFF_PASSWORD, TestClock } from '@campus/testing';
import { auth, startApp } from './support/app';
import { newPhone } from './support/fulfilment';

jest.setTimeout(90_000);

interface Entry {
  id: string;
  agentId: string;
  amountCents: number;
  period: string;
  statementId: string | null;
  locked: boolean;
}

interface Settlement {
  id: string;
  period: string;
  status: string;
  statements: {
    id: string;
    agentId: string;
    adjustmentCents: number;
    netCents: number;
    entryCount: number;
  }[];
}

/**
 * Issue 18.5: a settlement claims by watermark — it records the highest ledger ids it covers instead
 * of marking every entry — and "unsettled" is derived. These tests pin what that must keep: a
 * settlement takes exactly what it covers (its region, its month and earlier, nothing a previous
 * settlement took), a late entry rolls into the next one, entries written while a settlement is drawn
 * up are neither lost nor counted twice, approved statements never change, the ledger stays
 * append-only, and of two concurrent drafts of one month one is 409.
 */
describe('Settlement by watermark (e2e)', () => {
  const clock = new TestClock();
  const period = () => shanghaiPeriod(clock.now());
  let app: TestApp;
  let fx: Fixtures;
  let admin: string;

  beforeAll(async () => {
    ({ app, fx } = await startApp({ clock }));
    admin = await fx.admin();
  });
  afterAll(() => app?.close());

  /** A region of its own with `n` agents and two managers (one drafts, the other approves). */
  const area = async (n: number) => {
    const s = randomUUID().slice(0, 6).toUpperCase();
    const region = await fx.post<Ref>(admin, '/api/regions', { code: `WM${s}`, name: `Region ${s}` });
    const campus = await fx.post<Ref>(admin, '/api/campuses', {
      code: `WC${s}`,
      name: `Campus ${s}`,
      regionId: region.id,
    });
    const manager = await fx.user({ username: `wm.${s}`, role: 'regional_manager', regionId: region.id });
    const checker = await fx.user({ username: `wc.${s}`, role: 'regional_manager', regionId: region.id });
    const agents: AgentRef[] = [];
    for (let i = 0; i < n; i++) {
      const username = `wa.${s}.${i}`;
      const a = await fx.post<AgentRef>(admin, '/api/agents', {
        username,
        password: STAFF_PASSWORD,
        displayName: `Agent ${i}`,
        phone: newPhone(),
        campusId: campus.id,
      });
      agents.push({ ...a, token: await fx.login(username) });
    }
    return { region, manager: manager.token, checker: checker.token, agents };
  };

  /** A ledger entry through the API: an admin's adjustment, dated by the app's clock. */
  const entry = (agentId: string, amountCents: number) =>
    fx.post<Entry>(admin, '/api/commissions/adjustments', { agentId, amountCents, reason: 'bonus' });

  const settle = (token: string, regionId: string, p = period()) =>
    app.http().post('/api/settlements').set(auth(token)).send({ regionId, period: p });

  const entriesOf = async (agentId: string): Promise<Entry[]> =>
    (await app.http().get('/api/commissions/entries').query({ agentId, limit: 200 }).set(auth(admin))).body
      .items;

  const lines = async (settlementId: string, agentId: string) =>
    (await app.http().get(`/api/settlements/${settlementId}/statements/${agentId}`).set(auth(admin))).body
      .entries as Entry[];

  it('a settlement claims exactly what it covers: its region, its month and before, nothing settled already', async () => {
    const a = await area(2);
    const other = await area(1);
    const [x, y] = a.agents;
    const e1 = await entry(x.id, 100);
    const e2 = await entry(y.id, 250);
    const e3 = await entry(x.id, -30);
    const foreign = await entry(other.agents[0].id, 999);

    const res = await settle(a.manager, a.region.id);
    expect(res.status).toBe(201);
    const s = res.body as Settlement;
    const byAgent = Object.fromEntries(s.statements.map((st) => [st.agentId, st]));
    expect(byAgent[x.id]).toMatchObject({ adjustmentCents: 70, entryCount: 2, netCents: 70 });
    expect(byAgent[y.id]).toMatchObject({ adjustmentCents: 250, entryCount: 1 });
    expect(s.statements).toHaveLength(2);
    expect((await lines(s.id, x.id)).map((e) => e.id)).toEqual([e1.id, e3.id]);
    expect((await lines(s.id, y.id)).map((e) => e.id)).toEqual([e2.id]);

    // Each entry names the statement that took it; the other region's stays unsettled.
    const xs = await entriesOf(x.id);
    expect(xs.every((e) => e.statementId === byAgent[x.id].id && !e.locked)).toBe(true);
    expect((await entriesOf(other.agents[0].id)).map((e) => [e.id, e.statementId])).toEqual([
      [foreign.id, null],
    ]);

    // A second draft of the same region (another month, discarded in between) does not take them again.
    const discard = await app.http().delete(`/api/settlements/${s.id}`).set(auth(a.manager));
    expect(discard.status).toBe(204);
    expect((await entriesOf(x.id)).every((e) => e.statementId === null)).toBe(true);
    const again = (await settle(a.manager, a.region.id)).body as Settlement;
    expect(again.statements.map((st) => st.entryCount).sort()).toEqual([1, 2]);
    expect((await app.http().post(`/api/settlements/${again.id}/approve`).set(auth(a.checker))).status).toBe(
      200,
    );
    expect((await entriesOf(y.id)).map((e) => e.locked)).toEqual([true]);
  });

  it('entries written while a settlement is drawn up are either in it or wait for the next: none lost, none twice', async () => {
    const a = await area(3);
    const writes = Array.from({ length: 30 }, (_, i) => entry(a.agents[i % 3].id, 10 + i));
    const [drafted] = await Promise.all([settle(a.manager, a.region.id), ...writes]);
    expect(drafted.status).toBe(201);
    const s = drafted.body as Settlement;
    const all = (await Promise.all(a.agents.map((g) => entriesOf(g.id)))).flat();
    expect(all).toHaveLength(30);
    const settled = all.filter((e) => e.statementId !== null);
    const statementIds = new Set(s.statements.map((st) => st.id));
    for (const e of settled) expect(statementIds.has(e.statementId!)).toBe(true);
    const inStatements = s.statements.reduce((sum, st) => sum + st.adjustmentCents, 0);
    expect(inStatements).toBe(settled.reduce((sum, e) => sum + e.amountCents, 0));
    expect(s.statements.reduce((n, st) => n + st.entryCount, 0)).toBe(settled.length);
    const integrity = await app
      .http()
      .get('/api/commissions/integrity')
      .query({ period: period() })
      .set(auth(admin));
    expect(integrity.body).toMatchObject({ ok: true, problems: [] });
  });

  it('approved statements are immutable; the ledger stays append-only; nothing can be slipped under a watermark', async () => {
    const a = await area(1);
    const [x] = a.agents;
    const first = await entry(x.id, 500);
    const s = (await settle(a.manager, a.region.id)).body as Settlement;
    const approved = await app.http().post(`/api/settlements/${s.id}/approve`).set(auth(a.checker));
    expect(approved.status).toBe(200);

    await expect(
      app.sql(`UPDATE commission_entries SET amount_cents = 1 WHERE id = $1`, [first.id]),
    ).rejects.toThrow(/locked by approved settlement/);
    await expect(app.sql(`DELETE FROM commission_entries WHERE id = $1`, [first.id])).rejects.toThrow(
      /locked/,
    );
    // An entry forced below the watermark (an id the settlement covers) is refused by the database.
    const [{ seqBefore }] = await app.sql<{ seqBefore: string }>(
      `SELECT (id - 1)::text AS "seqBefore" FROM commission_entries WHERE id = $1`,
      [first.id],
    );
    await expect(
      app.sql(
        `INSERT INTO commission_entries (id, agent_id, region_id, kind, amount_cents, source_id, period, earned_at,
           rule_description, reason, created_by_id, created_by_role)
         VALUES ($1, $2, $3, 'adjustment', 777, gen_random_uuid(), $4, now(), 'slipped in', 'x', $2, 'admin')`,
        [seqBefore, x.id, a.region.id, period()],
      ),
    ).rejects.toThrow(/already drawn up/);

    // A correction is a new entry: unsettled, outside the approved statement, which stays as it was.
    const correction = await entry(x.id, -200);
    expect(correction).toMatchObject({ statementId: null, locked: false });
    const after = (await app.http().get(`/api/settlements/${s.id}`).set(auth(admin))).body as Settlement;
    expect(after.statements).toEqual(s.statements);
    expect((await lines(s.id, x.id)).map((e) => e.id)).toEqual([first.id]);
    // Unsettled entries are append-only too.
    await expect(
      app.sql(`UPDATE commission_entries SET reason = 'edited' WHERE id = $1`, [correction.id]),
    ).rejects.toThrow(/append-only/);
    await expect(app.sql(`DELETE FROM commission_entries WHERE id = $1`, [correction.id])).rejects.toThrow(
      /append-only/,
    );
  });

  it('of two concurrent drafts of one month, one is created and the other is 409', async () => {
    const a = await area(1);
    await entry(a.agents[0].id, 300);
    const results = await Promise.all([settle(a.manager, a.region.id), settle(a.checker, a.region.id)]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    const conflict = results.find((r) => r.status === 409)!;
    expect(conflict.body).toMatchObject({
      code: 'settlement_exists',
      settlementId: results.find((r) => r.status === 201)!.body.id,
    });
    const [{ n }] = await app.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM settlements WHERE region_id = $1`,
      [a.region.id],
    );
    expect(n).toBe(1);
  });

  // Last: it moves the clock into the next month.
  it('a late entry rolls into the next settlement; a later month is not taken early; only the latest draft may be discarded', async () => {
    const a = await area(1);
    const [x] = a.agents;
    const b = await area(1);
    const [z] = b.agents;
    const p0 = period();
    const early = await entry(x.id, 100);
    const zEarly = await entry(z.id, 11);
    const s0 = (await settle(a.manager, a.region.id, p0)).body as Settlement;
    expect(s0.statements[0]).toMatchObject({ adjustmentCents: 100, entryCount: 1 });
    const late = await entry(x.id, 40); // still in p0, after its settlement was drawn up
    expect(late).toMatchObject({ period: p0, statementId: null });

    while (period() === p0) clock.advance(24 * 3600_000);
    const p1 = period();
    const next = await entry(x.id, 7); // month p1
    // Closing p0 again is 409; a draft of p1 takes the late p0 entry and the p1 one.
    expect((await settle(a.manager, a.region.id, p0)).status).toBe(409);
    const s1 = (await settle(a.manager, a.region.id, p1)).body as Settlement;
    expect(s1.statements[0]).toMatchObject({ adjustmentCents: 47, entryCount: 2 });
    expect((await lines(s1.id, x.id)).map((e) => [e.id, e.period])).toEqual([
      [late.id, p0],
      [next.id, p1],
    ]);
    expect((await lines(s0.id, x.id)).map((e) => e.id)).toEqual([early.id]);

    // Closing p0 after p1 started takes p0 only: the p1 entry waits for p1's settlement.
    const zNext = await entry(z.id, 22);
    const z0 = (await settle(b.manager, b.region.id, p0)).body as Settlement;
    expect((await lines(z0.id, z.id)).map((e) => e.id)).toEqual([zEarly.id]);
    const z1 = (await settle(b.manager, b.region.id, p1)).body as Settlement;
    expect((await lines(z1.id, z.id)).map((e) => e.id)).toEqual([zNext.id]);

    // s0 is a draft, but s1 was drawn up around it: discarding s0 would leave its entries nowhere.
    const refused = await app.http().delete(`/api/settlements/${s0.id}`).set(auth(a.manager));
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('settlement_not_latest');
    expect((await app.http().delete(`/api/settlements/${s1.id}`).set(auth(a.manager))).status).toBe(204);
    expect((await app.http().delete(`/api/settlements/${s0.id}`).set(auth(a.manager))).status).toBe(204);
    for (const p of [p0, p1]) {
      const integrity = await app
        .http()
        .get('/api/commissions/integrity')
        .query({ period: p })
        .set(auth(admin));
      expect(integrity.body.ok).toBe(true);
    }
  });
});
