import { randomUUID } from 'node:crypto';
import { shanghaiPeriod } from '@campus/core';
import type { Fixtures, Ref, TestApp } from '@campus/testing';
import { STAFF_PASSWORD } from '@campus/testing';
import { auth, startApp } from '../support/app';
import { newPhone } from '../support/fulfilment';

/**
 * Issue 17.6: money approvals are four-eyes. A settlement is approved by someone other than who drew
 * it up (or by an admin); commission rates and tier bonuses above COMMISSION_MAX_BPS are an admin's
 * decision; the audit log records who drew up and who approved.
 */
describe('four-eyes money approvals (e2e)', () => {
  let app: TestApp;
  let fx: Fixtures;
  let admin: string;
  let region: Ref;
  let drafter: { id: string; token: string };
  let checker: { id: string; token: string };
  let agentId: string;

  beforeAll(async () => {
    ({ app, fx } = await startApp({ env: { COMMISSION_MAX_BPS: '1500' } }));
    admin = await fx.admin();
    const s = randomUUID().slice(0, 6).toUpperCase();
    region = await fx.post<Ref>(admin, '/api/regions', { code: `FE${s}`, name: `Region ${s}` });
    const campus = await fx.post<Ref>(admin, '/api/campuses', {
      code: `FC${s}`,
      name: 'C',
      regionId: region.id,
    });
    drafter = await fx.user({ username: `fe.d.${s}`, role: 'regional_manager', regionId: region.id });
    checker = await fx.user({ username: `fe.c.${s}`, role: 'regional_manager', regionId: region.id });
    agentId = (
      await fx.post<{ id: string }>(admin, '/api/agents', {
        username: `fe.a.${s}`,
        password: STAFF_PASSWORD,
        displayName: 'Agent',
        phone: newPhone(),
        campusId: campus.id,
      })
    ).id;
  });
  afterAll(() => app?.close());

  const post = (token: string, path: string, body: object = {}) =>
    app.http().post(path).set(auth(token)).send(body);
  const auditOf = (entityId: string) =>
    app.sql<{ action: string; actor_id: string; actor_role: string; region_id: string }>(
      `SELECT action, actor_id, actor_role, region_id FROM audit_log WHERE entity_id = $1 ORDER BY id`,
      [entityId],
    );

  it('a manager cannot approve the settlement they drew up; another manager can; both are in the audit log', async () => {
    await fx.post(admin, '/api/commissions/adjustments', { agentId, amountCents: 1234, reason: 'bonus' });
    const created = await post(drafter.token, '/api/settlements', {
      regionId: region.id,
      period: shanghaiPeriod(new Date()),
    });
    expect(created.status).toBe(201);
    expect(created.body.createdById).toBe(drafter.id);

    const own = await post(drafter.token, `/api/settlements/${created.body.id}/approve`);
    expect(own.status).toBe(422);
    expect(own.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(own.body).toMatchObject({ code: 'four_eyes_required', settlementId: created.body.id });
    expect((await app.http().get(`/api/settlements/${created.body.id}`).set(auth(admin))).body.status).toBe(
      'draft',
    );

    const approved = await post(checker.token, `/api/settlements/${created.body.id}/approve`);
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', approvedById: checker.id });

    expect(await auditOf(created.body.id)).toEqual([
      {
        action: 'settlement.create',
        actor_id: drafter.id,
        actor_role: 'regional_manager',
        region_id: region.id,
      },
      {
        action: 'settlement.approve',
        actor_id: checker.id,
        actor_role: 'regional_manager',
        region_id: region.id,
      },
    ]);
    // The database holds the rule too: no row where a manager approved their own settlement.
    await expect(
      app.sql(
        `UPDATE settlements SET approved_by_id = created_by_id, approved_by_role = 'regional_manager' WHERE id = $1`,
        [created.body.id],
      ),
    ).rejects.toThrow(/settlements_approver_not_creator/);
  });

  it('an admin may approve a settlement they drew up', async () => {
    const other = await fx.post<Ref>(admin, '/api/regions', {
      code: `FA${randomUUID().slice(0, 6)}`,
      name: 'R',
    });
    const created = await post(admin, '/api/settlements', {
      regionId: other.id,
      period: shanghaiPeriod(new Date()),
    });
    expect(created.status).toBe(201);
    expect((await post(admin, `/api/settlements/${created.body.id}/approve`)).status).toBe(200);
  });

  it('tier bonuses above COMMISSION_MAX_BPS are refused for managers and recorded when an admin sets them', async () => {
    const tier = (token: string, bonusBps: number) =>
      post(token, '/api/commission-tiers', { regionId: region.id, fromOrder: 10, bonusBps });
    const over = await tier(drafter.token, 1501);
    expect(over.status).toBe(403);
    expect(over.body).toMatchObject({
      code: 'commission_above_cap',
      field: 'bonusBps',
      bps: 1501,
      capBps: 1500,
    });
    const [{ n }] = await app.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM commission_tiers WHERE region_id = $1`,
      [region.id],
    );
    expect(n).toBe(0);

    const atCap = await tier(drafter.token, 1500);
    expect(atCap.status).toBe(201);
    const byAdmin = await tier(admin, 2500);
    expect(byAdmin.status).toBe(201);
    expect(await auditOf(byAdmin.body.id)).toEqual([
      expect.objectContaining({
        action: 'commission_tier.create',
        actor_role: 'admin',
        region_id: region.id,
      }),
    ]);
    expect(await auditOf(atCap.body.id)).toEqual([
      expect.objectContaining({ action: 'commission_tier.create', actor_id: drafter.id }),
    ]);
  });

  it('commission rules above the cap: an admin may set them (recorded); a manager may not post rules at all', async () => {
    const rule = await post(admin, '/api/commission-rules', {
      category: `cap-${randomUUID().slice(0, 6)}`,
      rateBps: 2000,
    });
    expect(rule.status).toBe(201);
    expect(await auditOf(rule.body.id)).toEqual([
      expect.objectContaining({ action: 'commission_rule.create', actor_role: 'admin' }),
    ]);
    expect((await post(drafter.token, '/api/commission-rules', { rateBps: 2000 })).status).toBe(403);
  });
});
