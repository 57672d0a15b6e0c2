import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { QueueName, QueueRegistry } from '@campus/queue';
import { STAFF_PASSWORD, TEST_ADMIN } from '@campus/testing';
import type { Fixtures, TestApp, World } from '@campus/testing';
import { auth, startApp } from './support/app';

interface AuditRow {
  id: string;
  action: string;
  entityType: string;
  entityId: string;
  regionId: string | null;
  actor: { id: string | null; role: string | null; username: string | null };
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

/**
 * The admin console's API (issue 15 items 4–6): passwords (change, reset, forced change, strength,
 * token revocation), the audit log (route, scoping, paging, append-only) and the audit row written by
 * each kind of admin and manager change, the stock-movement ledger, network edits, the user list,
 * the message-log filters, and the queue dashboard's session.
 */
describe('Admin console API (e2e)', () => {
  let app: TestApp;
  let fx: Fixtures;
  let w: World;
  const http = () => app.http();

  beforeAll(async () => {
    ({ app, fx } = await startApp());
    w = await fx.world();
  });
  afterAll(async () => {
    await app?.close();
  });

  const post = (token: string, path: string, body: object = {}) =>
    http().post(path).set(auth(token)).send(body);
  const patch = (token: string, path: string, body: object) => http().patch(path).set(auth(token)).send(body);
  const get = (token: string, path: string, query: Record<string, unknown> = {}) =>
    http().get(path).set(auth(token)).query(query);
  const login = (username: string, password: string) =>
    http().post('/api/auth/login').send({ username, password });
  const fields = (res: Response) => (res.body.errors as { field: string }[]).map((e) => e.field).sort();

  async function audit(query: Record<string, unknown>, token = w.tokens.admin): Promise<AuditRow[]> {
    const res = await get(token, '/api/audit', { limit: 200, ...query });
    expect(res.status).toBe(200);
    return res.body.items as AuditRow[];
  }

  async function staff(role: string, extra: Record<string, unknown> = {}) {
    const username = `${role}.${randomUUID().slice(0, 8)}`;
    const created = await fx.post<{ id: string }>(w.tokens.admin, '/api/users', {
      username,
      password: STAFF_PASSWORD,
      role,
      ...extra,
    });
    return { id: created.id, username, token: await fx.login(username) };
  }

  describe('passwords', () => {
    it('a staff member changes their own password: wrong current 422, weak 400, then 204 and old tokens revoked', async () => {
      const cc = await staff('call_center');
      const wrong = await post(cc.token, '/api/auth/password', {
        currentPassword: 'not-my-password',
        newPassword: 'lantern-harbour-42',
      });
      expect(wrong.status).toBe(422);
      expect(wrong.body.code).toBe('current_password_wrong');

      for (const [newPassword, code] of [
        ['short-pw1', 'password_too_short'],
        ['Password123', 'password_common'],
        [cc.username, 'password_same_as_username'],
        [STAFF_PASSWORD, 'password_unchanged'],
      ]) {
        const weak = await post(cc.token, '/api/auth/password', {
          currentPassword: STAFF_PASSWORD,
          newPassword,
        });
        expect(weak.status).toBe(400);
        expect(weak.headers['content-type']).toMatch(/application\/problem\+json/);
        expect(weak.body.code).toBe('weak_password');
        expect(weak.body.errors).toEqual([expect.objectContaining({ field: 'newPassword', code })]);
      }

      const missing = await post(cc.token, '/api/auth/password', { newPassword: 'lantern-harbour-42' });
      expect(missing.status).toBe(400);
      expect(fields(missing)).toEqual(['currentPassword']);
      expect(missing.body.errors[0].code).toBe('isString');

      const changed = await post(cc.token, '/api/auth/password', {
        currentPassword: STAFF_PASSWORD,
        newPassword: 'lantern-harbour-42',
      });
      expect(changed.status).toBe(204);
      expect((await get(cc.token, '/api/orders')).status).toBe(401);
      expect((await login(cc.username, STAFF_PASSWORD)).status).toBe(401);
      const again = await login(cc.username, 'lantern-harbour-42');
      expect(again.status).toBe(200);
      expect(again.body.user.mustChangePassword).toBe(false);
      expect((await get(again.body.accessToken, '/api/orders')).status).toBe(200);
      const [row] = await audit({ entityId: cc.id, action: 'user.password_change' });
      expect(row.after).toEqual({ mustChangePassword: false, tokensRevoked: true });
      expect(JSON.stringify(row)).not.toContain('lantern-harbour-42');
    });

    it('password changes are rate limited per account (429 after 10 tries)', async () => {
      const cc = await staff('call_center');
      const statuses: number[] = [];
      for (let i = 0; i < 11; i++) {
        const res = await post(cc.token, '/api/auth/password', {
          currentPassword: `guess-number-${i}`,
          newPassword: 'lantern-harbour-42',
        });
        statuses.push(res.status);
      }
      expect(statuses).toEqual([...Array(10).fill(422), 429]);
    });

    it('an admin resets a password: the temporary one must be changed before anything else', async () => {
      const pick = await staff('pickup_staff', { pickupPointId: w.shopA1.id });
      const reset = await post(w.tokens.admin, `/api/users/${pick.id}/password-reset`);
      expect(reset.status).toBe(200);
      const temporary = reset.body.temporaryPassword as string;
      expect(temporary).toMatch(/^[A-Za-z2-9]{14}$/);
      // The account's tokens stop working at once.
      expect((await get(pick.token, '/api/auth/me')).status).toBe(401);
      expect((await login(pick.username, STAFF_PASSWORD)).status).toBe(401);

      const signedIn = await login(pick.username, temporary);
      expect(signedIn.status).toBe(200);
      expect(signedIn.body.user.mustChangePassword).toBe(true);
      const token = signedIn.body.accessToken as string;
      const blocked = await get(token, `/api/pickup-points/${w.shopA1.id}/parcels`);
      expect(blocked.status).toBe(403);
      expect(blocked.body.code).toBe('password_change_required');
      expect((await get(token, '/api/auth/me')).body.mustChangePassword).toBe(true);

      expect(
        (
          await post(token, '/api/auth/password', {
            currentPassword: temporary,
            newPassword: 'counter-shift-2026',
          })
        ).status,
      ).toBe(204);
      const after = await login(pick.username, 'counter-shift-2026');
      expect(after.body.user.mustChangePassword).toBe(false);
      expect((await get(after.body.accessToken, `/api/pickup-points/${w.shopA1.id}/parcels`)).status).toBe(
        200,
      );

      const [row] = await audit({ entityId: pick.id, action: 'user.password_reset' });
      expect(row).toMatchObject({
        entityType: 'user',
        regionId: w.regionA.id,
        actor: { username: TEST_ADMIN.username, role: 'admin' },
        before: { mustChangePassword: false },
        after: { mustChangePassword: true, tokensRevoked: true },
      });
      expect(JSON.stringify(row)).not.toContain(temporary);
    });

    it('a manager resets their region’s agents and pickup staff only (others 404); nobody resets their own', async () => {
      const mine = await post(w.tokens.managerA, `/api/users/${w.agentA1b.userId}/password-reset`);
      expect(mine.status).toBe(200);
      expect((await post(w.tokens.managerA, `/api/users/${w.agentB1.userId}/password-reset`)).status).toBe(
        404,
      );
      const otherManager = await staff('regional_manager', { regionId: w.regionA.id });
      expect((await post(w.tokens.managerA, `/api/users/${otherManager.id}/password-reset`)).status).toBe(
        404,
      );
      expect((await post(w.tokens.managerA, `/api/users/${randomUUID()}/password-reset`)).status).toBe(404);
      expect((await post(w.tokens.callCenter, `/api/users/${w.agentA1.userId}/password-reset`)).status).toBe(
        403,
      );
      const me = (await get(w.tokens.admin, '/api/auth/me')).body.id as string;
      const self = await post(w.tokens.admin, `/api/users/${me}/password-reset`);
      expect(self.status).toBe(422);
      expect(self.body.code).toBe('cannot_reset_own_password');
      const bad = await post(w.tokens.admin, `/api/users/not-a-uuid/password-reset`);
      expect(bad.status).toBe(400);
      expect(fields(bad)).toEqual(['id']);
    });

    it('new accounts need a strong password too', async () => {
      const res = await post(w.tokens.admin, '/api/users', {
        username: `weak.${randomUUID().slice(0, 6)}`,
        password: 'qwertyuiop',
        role: 'call_center',
      });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([
        expect.objectContaining({ field: 'password', code: 'password_common' }),
      ]);
    });
  });

  describe('the audit log', () => {
    it('is admin-wide, manager-scoped to their region, refused to other roles, and validated', async () => {
      const all = await audit({});
      expect(all.some((r) => r.regionId === w.regionB.id)).toBe(true);
      const mine = await audit({}, w.tokens.managerA);
      expect(mine.length).toBeGreaterThan(0);
      expect(mine.every((r) => r.regionId === w.regionA.id)).toBe(true);
      expect((await get(w.tokens.callCenter, '/api/audit')).status).toBe(403);
      expect((await get(w.tokens.pickupA1, '/api/audit')).status).toBe(403);
      const bad = await get(w.tokens.admin, '/api/audit', {
        actorId: 'someone',
        from: 'yesterday',
        limit: 0,
      });
      expect(bad.status).toBe(400);
      expect(fields(bad)).toEqual(['actorId', 'from', 'limit']);
      expect((await get(w.tokens.admin, '/api/audit', { cursor: 'bm90LWEtY3Vyc29y' })).status).toBe(400);
    });

    it('filters by entity, actor, action and time, and pages with a cursor (newest first)', async () => {
      const regionRows = await audit({ entityType: 'region' });
      expect(regionRows.map((r) => r.entityId)).toEqual(expect.arrayContaining([w.regionA.id, w.regionB.id]));
      const adminId = (await get(w.tokens.admin, '/api/auth/me')).body.id as string;
      expect((await audit({ actorId: adminId })).every((r) => r.actor.id === adminId)).toBe(true);
      expect((await audit({ action: 'campus.create' })).every((r) => r.action === 'campus.create')).toBe(
        true,
      );
      expect(await audit({ from: '2999-01-01T00:00:00Z' })).toEqual([]);
      expect((await audit({ to: '2000-01-01' })).length).toBe(0);

      const seen: string[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 4; i++) {
        const res = await get(w.tokens.admin, '/api/audit', { limit: 2, entityType: 'campus', cursor });
        expect(res.status).toBe(200);
        seen.push(...(res.body.items as AuditRow[]).map((r) => r.id));
        cursor = res.body.nextCursor ?? undefined;
        if (!cursor) break;
      }
      const ids = (await audit({ entityType: 'campus' })).map((r) => r.id);
      expect(seen).toEqual(ids);
      expect(ids.length).toBeGreaterThanOrEqual(3);
      expect([...ids].sort((a, b) => Number(b) - Number(a))).toEqual(ids);
    });

    it('is append-only: the database refuses UPDATE and DELETE', async () => {
      await expect(app.sql(`UPDATE audit_log SET action = 'tampered'`)).rejects.toThrow(/append-only/);
      await expect(app.sql(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
      await expect(app.sql(`UPDATE stock_movements SET reason = 'tampered'`)).rejects.toThrow(/append-only/);
      await expect(app.sql(`DELETE FROM stock_movements`)).rejects.toThrow(/append-only/);
    });
  });

  describe('every admin and manager change writes its audit row, with the change', () => {
    it('catalogue: create, edit, stock adjustment', async () => {
      const sku = `AUD-${randomUUID().slice(0, 6)}`.toUpperCase();
      await fx.post(w.tokens.admin, '/api/products', {
        sku,
        name: 'Desk lamp',
        category: 'home',
        priceCents: 4900,
        stock: 5,
      });
      const edited = await patch(w.tokens.admin, `/api/products/${sku}`, { priceCents: 4500, active: false });
      expect(edited.status).toBe(200);
      expect(
        (
          await post(w.tokens.admin, `/api/products/${sku}/stock-adjustments`, {
            delta: 7,
            reason: 'delivery',
          })
        ).status,
      ).toBe(200);
      const rows = await audit({ entityType: 'product', entityId: sku });
      expect(rows.map((r) => r.action)).toEqual(['product.stock_adjust', 'product.update', 'product.create']);
      expect(rows[0]).toMatchObject({
        before: { onHand: 5 },
        after: { onHand: 12, delta: 7, reason: 'delivery' },
      });
      expect(rows[1]).toMatchObject({
        before: { priceCents: 4900, active: true },
        after: { priceCents: 4500, active: false },
      });
      expect(Object.keys(rows[1].after!).sort()).toEqual(['active', 'priceCents']);
      expect(rows[2].after).toMatchObject({ sku, name: 'Desk lamp', priceCents: 4900, onHand: 5 });
    });

    it('network: regions, campuses, pickup points, lockers and compartments', async () => {
      const region = await fx.post<{ id: string }>(w.tokens.admin, '/api/regions', {
        code: `NR${randomUUID().slice(0, 4)}`,
        name: 'North',
      });
      expect((await patch(w.tokens.admin, `/api/regions/${region.id}`, { name: 'North-east' })).status).toBe(
        200,
      );
      expect(
        (await patch(w.tokens.managerA, `/api/campuses/${w.campusA2.id}`, { name: 'Campus CA2 east' }))
          .status,
      ).toBe(200);
      expect(
        (
          await patch(w.tokens.managerA, `/api/pickup-points/${w.pointA1.id}`, {
            address: 'Dorm 3, ground floor',
          })
        ).status,
      ).toBe(200);
      const locker = await fx.post<{ id: string; compartments: { id: string }[] }>(
        w.tokens.managerA,
        '/api/lockers',
        {
          code: `LX${randomUUID().slice(0, 4)}`,
          pickupPointId: w.pointA1.id,
          compartments: { S: 1, M: 1 },
        },
      );
      const compartment = locker.compartments[0].id;
      const out = await patch(w.tokens.managerA, `/api/lockers/${locker.id}/compartments/${compartment}`, {
        state: 'out_of_service',
      });
      expect(out.status).toBe(200);

      expect((await audit({ entityId: region.id })).map((r) => [r.action, r.before, r.after])).toEqual([
        ['region.update', { name: 'North' }, { name: 'North-east' }],
        ['region.create', null, { code: expect.any(String), name: 'North' }],
      ]);
      const [campus] = await audit({ entityId: w.campusA2.id, action: 'campus.update' });
      expect(campus).toMatchObject({
        regionId: w.regionA.id,
        before: { name: 'Campus CA2' },
        after: { name: 'Campus CA2 east' },
      });
      const [point] = await audit({ entityId: w.pointA1.id, action: 'pickup_point.update' });
      expect(point).toMatchObject({ before: { address: null }, after: { address: 'Dorm 3, ground floor' } });
      expect((await audit({ entityId: locker.id }))[0]).toMatchObject({
        action: 'locker.create',
        regionId: w.regionA.id,
        after: { compartments: { S: 1, M: 1 } },
      });
      const [comp] = await audit({ entityId: compartment }, w.tokens.managerA);
      expect(comp).toMatchObject({
        action: 'compartment.out_of_service',
        before: { state: 'free' },
        after: { state: 'out_of_service' },
      });
    });

    it('users and agents: create, switch off and on, suspend and move', async () => {
      const pick = await staff('pickup_staff', { pickupPointId: w.pointA1.id });
      expect((await patch(w.tokens.managerA, `/api/users/${pick.id}`, { active: false })).status).toBe(200);
      expect((await patch(w.tokens.managerA, `/api/users/${pick.id}`, { active: true })).status).toBe(200);
      const rows = await audit({ entityId: pick.id }, w.tokens.managerA);
      expect(rows.map((r) => [r.action, r.before, r.after])).toEqual([
        ['user.activate', { active: false }, { active: true }],
        ['user.deactivate', { active: true }, { active: false }],
        [
          'user.create',
          null,
          expect.objectContaining({ username: pick.username, role: 'pickup_staff', active: true }),
        ],
      ]);
      expect(JSON.stringify(rows)).not.toContain(STAFF_PASSWORD);

      const agent = await fx.agent(w.campusA1.id, 'audited');
      expect(
        (await patch(w.tokens.managerA, `/api/agents/${agent.id}`, { status: 'suspended' })).status,
      ).toBe(200);
      expect(
        (await patch(w.tokens.managerA, `/api/agents/${agent.id}`, { campusId: w.campusA2.id })).status,
      ).toBe(200);
      const agentRows = await audit({ entityType: 'agent', entityId: agent.id });
      expect(agentRows.map((r) => [r.action, r.before, r.after])).toEqual([
        [
          'agent.move',
          expect.objectContaining({ campusId: w.campusA1.id }),
          expect.objectContaining({ campusId: w.campusA2.id }),
        ],
        [
          'agent.suspend',
          expect.objectContaining({ status: 'active' }),
          expect.objectContaining({ status: 'suspended' }),
        ],
      ]);
    });

    it('commissions: rules, tiers, adjustments and a settlement from draft to paid (and a discarded draft)', async () => {
      const rule = await fx.post<{ id: string }>(w.tokens.admin, '/api/commission-rules', {
        category: 'home',
        rateBps: 500,
      });
      const tier = await fx.post<{ id: string }>(w.tokens.managerA, '/api/commission-tiers', {
        regionId: w.regionA.id,
        fromOrder: 51,
        bonusBps: 100,
      });
      const entry = await fx.post<{ id: string }>(w.tokens.admin, '/api/commissions/adjustments', {
        agentId: w.agentA1.id,
        amountCents: 1200,
        reason: 'training bonus',
      });
      expect((await audit({ entityId: rule.id }))[0]).toMatchObject({
        action: 'commission_rule.create',
        after: expect.objectContaining({ category: 'home', rateBps: 500 }),
      });
      expect((await audit({ entityId: tier.id }, w.tokens.managerA))[0]).toMatchObject({
        action: 'commission_tier.create',
        after: expect.objectContaining({ fromOrder: 51, bonusBps: 100 }),
      });
      expect((await audit({ entityId: entry.id }, w.tokens.managerA))[0]).toMatchObject({
        action: 'commission.adjust',
        after: { agentId: w.agentA1.id, amountCents: 1200, reason: 'training bonus' },
      });

      const period = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' }).slice(0, 7);
      const draft = await fx.post<{ id: string }>(w.tokens.managerA, '/api/settlements', {
        regionId: w.regionA.id,
        period,
      });
      expect((await http().delete(`/api/settlements/${draft.id}`).set(auth(w.tokens.managerA))).status).toBe(
        204,
      );
      const settlement = await fx.post<{ id: string }>(w.tokens.managerA, '/api/settlements', {
        regionId: w.regionA.id,
        period,
      });
      // Four eyes (issue 17.6): the manager who drew it up does not approve it; an admin may.
      await fx.post(w.tokens.admin, `/api/settlements/${settlement.id}/approve`, {}, 200);
      await fx.post(
        w.tokens.admin,
        `/api/settlements/${settlement.id}/mark-paid`,
        { paymentReference: 'BANK-1' },
        200,
      );
      expect((await audit({ entityId: draft.id }, w.tokens.managerA)).map((r) => r.action)).toEqual([
        'settlement.discard',
        'settlement.create',
      ]);
      expect(
        (await audit({ entityId: settlement.id }, w.tokens.managerA)).map((r) => [r.action, r.after?.status]),
      ).toEqual([
        ['settlement.mark_paid', 'paid'],
        ['settlement.approve', 'approved'],
        ['settlement.create', 'draft'],
      ]);
    });

    it('a refused change writes no audit row (the row is in the change’s transaction)', async () => {
      const before = (await audit({ entityType: 'product' })).length;
      const res = await post(w.tokens.admin, `/api/products/${w.skus.pen}/stock-adjustments`, {
        delta: -100_000,
        reason: 'typo',
      });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect((await audit({ entityType: 'product' })).length).toBe(before);
    });
  });

  describe('stock movements', () => {
    it('adjustments, deliveries and returns are movements; a reservation is not', async () => {
      const sku = await fx.product(`MOV-${randomUUID().slice(0, 6)}`, { stock: 10 });
      await fx.post(
        w.tokens.admin,
        `/api/products/${sku}/stock-adjustments`,
        { delta: -2, reason: 'damaged' },
        200,
      );
      const placed = await http()
        .post('/api/orders')
        .set(auth(w.tokens.pickupA1))
        .set('Idempotency-Key', randomUUID())
        .send({
          customer: { phone: '+8613800138123' },
          lines: [{ sku, quantity: 3 }],
          fulfillment: { type: 'counter', pickupPointId: w.shopA1.id },
          paymentMethod: 'counter',
        });
      expect(placed.status).toBe(201);
      const movements = async () =>
        (await get(w.tokens.admin, `/api/products/${sku}/stock-movements`)).body.items;
      // Reserved, not moved: the shelf still holds the units.
      expect((await movements()).map((m: { kind: string }) => m.kind)).toEqual(['adjustment', 'initial']);
      await fx.post(w.tokens.pickupA1, `/api/orders/${placed.body.id}/hand-over`, {}, 200);
      await fx.post(w.tokens.admin, `/api/orders/${placed.body.id}/return`, { reason: 'wrong colour' }, 200);
      const list = await movements();
      expect(list.map((m: { kind: string; onHandDelta: number }) => [m.kind, m.onHandDelta])).toEqual([
        ['restocked', 3],
        ['consumed', -3],
        ['adjustment', -2],
        ['initial', 10],
      ]);
      expect(list[1]).toMatchObject({
        orderId: placed.body.id,
        reason: `order ${placed.body.number}: hand_over`,
      });
      expect(list[2]).toMatchObject({ reason: 'damaged', actorId: expect.any(String) });
      // The ledger adds up to what is on hand.
      const product = (await get(w.tokens.admin, `/api/products/${sku}`)).body;
      expect(list.reduce((n: number, m: { onHandDelta: number }) => n + m.onHandDelta, 0)).toBe(
        product.stock.onHand,
      );

      const page = await get(w.tokens.admin, `/api/products/${sku}/stock-movements`, { limit: 3 });
      expect(page.body.items).toHaveLength(3);
      const rest = await get(w.tokens.admin, `/api/products/${sku}/stock-movements`, {
        cursor: page.body.nextCursor,
      });
      expect(rest.body.items.map((m: { kind: string }) => m.kind)).toEqual(['initial']);
      expect((await get(w.tokens.managerA, `/api/products/${sku}/stock-movements`)).status).toBe(403);
      expect(
        (await get(w.tokens.admin, `/api/products/NOPE-${randomUUID().slice(0, 4)}/stock-movements`)).status,
      ).toBe(404);
    });
  });

  describe('network edits', () => {
    it('are scoped (another region 404), role-checked (403) and validated (400 naming the field)', async () => {
      expect(
        (await patch(w.tokens.managerB, `/api/campuses/${w.campusA1.id}`, { name: 'Mine now' })).status,
      ).toBe(404);
      expect(
        (await patch(w.tokens.managerB, `/api/pickup-points/${w.pointA1.id}`, { name: 'Mine now' })).status,
      ).toBe(404);
      expect(
        (await patch(w.tokens.managerA, `/api/regions/${w.regionA.id}`, { name: 'Renamed' })).status,
      ).toBe(403);
      expect((await patch(w.tokens.admin, `/api/regions/${randomUUID()}`, { name: 'Ghost' })).status).toBe(
        404,
      );
      const bad = await patch(w.tokens.admin, `/api/campuses/${w.campusA1.id}`, {
        name: 'x'.repeat(101),
        code: 'NEW',
      });
      expect(bad.status).toBe(400);
      expect(fields(bad)).toEqual(['code', 'name']);
      expect(bad.body.errors.find((e: { field: string }) => e.field === 'name').code).toBe('maxLength');
      const empty = await patch(w.tokens.admin, `/api/regions/${w.regionB.id}`, {});
      expect(empty.status).toBe(400);
      expect(fields(empty)).toEqual(['name']);
    });
  });

  describe('the user list', () => {
    it('shows an admin everyone and a manager only their region’s agents and pickup staff', async () => {
      const all = await get(w.tokens.admin, '/api/users', { limit: 200 });
      expect(all.status).toBe(200);
      const roles = new Set((all.body.items as { role: string }[]).map((u) => u.role));
      expect(roles).toEqual(new Set(['admin', 'regional_manager', 'call_center', 'agent', 'pickup_staff']));
      const mine = (await get(w.tokens.managerA, '/api/users', { limit: 200 })).body.items as {
        id: string;
        role: string;
      }[];
      expect(mine.map((u) => u.id)).toContain(w.agentA1.userId);
      expect(mine.map((u) => u.id)).not.toContain(w.agentB1.userId);
      expect(mine.every((u) => ['agent', 'pickup_staff'].includes(u.role))).toBe(true);
      const agents = (await get(w.tokens.admin, '/api/users', { role: 'agent', q: 'agent-a1b' })).body.items;
      expect(agents.every((u: { role: string }) => u.role === 'agent')).toBe(true);
      expect(agents.length).toBeGreaterThan(0);
      const bad = await get(w.tokens.admin, '/api/users', { role: 'customer', active: 'maybe' });
      expect(bad.status).toBe(400);
      expect(fields(bad)).toEqual(['active', 'role']);
      expect((await get(w.tokens.callCenter, '/api/users')).status).toBe(403);
    });
  });

  describe('the message log', () => {
    it('filters by recipient (any common form), type, status and time', async () => {
      await fx.customer('13800138777');
      const byPhone = await get(w.tokens.admin, '/api/notifications', { to: '138 0013 8777', type: 'otp' });
      expect(byPhone.status).toBe(200);
      expect(byPhone.body.items).toHaveLength(1);
      expect(byPhone.body.items[0]).toMatchObject({ to: '+8613800138777', template: 'otp' });
      const status = byPhone.body.items[0].status as string;
      expect(
        (await get(w.tokens.admin, '/api/notifications', { to: '+8613800138777', status })).body.items,
      ).toHaveLength(1);
      expect(
        (await get(w.tokens.admin, '/api/notifications', { to: '+8613800138777', from: '2999-01-01' })).body
          .items,
      ).toHaveLength(0);
      expect(
        (await get(w.tokens.admin, '/api/notifications', { to: '+8613800138777', until: '2000-01-01' })).body
          .items,
      ).toHaveLength(0);
      const bad = await get(w.tokens.admin, '/api/notifications', {
        status: 'lost',
        to: 'nobody',
        until: 'soon',
      });
      expect(bad.status).toBe(400);
      expect(fields(bad)).toEqual(['status', 'to', 'until']);
    });
  });

  describe('the queue dashboard at /admin/queues', () => {
    const cookieOf = (res: Response): string => {
      const set = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
      const c = set.find((x) => x.startsWith('campus_queues='));
      if (!c) throw new Error(`no board cookie in ${JSON.stringify(set)}`);
      return c;
    };
    const board = (path: string, cookie?: string) => {
      const req = http().get(`/admin/queues${path}`);
      return cookie ? req.set('Cookie', cookie.split(';')[0]) : req;
    };

    it('refuses anonymous callers and every role but admin', async () => {
      for (const path of ['', '/api/queues', '/queue/notifications']) {
        const res = await board(path);
        expect(res.status).toBe(401);
        expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      }
      for (const token of [w.tokens.managerA, w.tokens.callCenter, w.tokens.pickupA1, w.agentA1.token]) {
        const res = await post(token, '/api/admin/queue-session');
        expect(res.status).toBe(403);
        expect(res.headers['set-cookie']).toBeUndefined();
      }
      // An API token is not a board session, even an admin's.
      expect((await board('/api/queues', `campus_queues=${w.tokens.admin}`)).status).toBe(401);
      expect((await board('/api/queues', 'campus_queues=forged.token.value')).status).toBe(401);
      expect((await http().get('/admin/queues/api/queues').set(auth(w.tokens.admin))).status).toBe(401);
    });

    it('serves an admin every queue through a short-lived, HttpOnly, SameSite=Strict cookie, with retry of failed jobs', async () => {
      const opened = await post(w.tokens.admin, '/api/admin/queue-session');
      expect(opened.status).toBe(204);
      const cookie = cookieOf(opened);
      expect(cookie).toMatch(/; Path=\/admin\/queues/);
      expect(cookie).toMatch(/; HttpOnly/);
      expect(cookie).toMatch(/; SameSite=Strict/);
      expect(cookie).toMatch(/; Max-Age=900/);

      const page = await board('', cookie);
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toMatch(/text\/html/);
      expect(page.text).toContain('Campus Orders queues');

      // A failed job, as a consumer that gave up would leave it.
      const queue = app.api.get(QueueRegistry).get(QueueName.Notifications);
      const added = await queue.add('board.test', { n: 1 }, { jobId: `board-${randomUUID()}`, attempts: 1 });
      // No worker runs in this test: take the job as one would, and fail it.
      const job = (await queue.getNextJob())!;
      expect(job.id).toBe(added.id);
      await job.moveToFailed({ message: 'provider down' }, true);
      await job.releaseLock();
      expect(await job.getState()).toBe('failed');

      const queues = await board('/api/queues?activeQueue=notifications&status=failed', cookie);
      expect(queues.status).toBe(200);
      const names = (queues.body.queues as { name: string }[]).map((q) => q.name).sort();
      expect(names).toEqual(Object.values(QueueName).sort());
      const notifications = (queues.body.queues as { name: string; jobs: { id: string }[] }[]).find(
        (q) => q.name === 'notifications',
      )!;
      expect(notifications.jobs.map((j) => j.id)).toContain(job.id);

      const crossSite = await http()
        .put(`/admin/queues/api/queues/notifications/${job.id}/retry`)
        .set('Cookie', cookie.split(';')[0])
        .set('Host', 'campus.test')
        .set('Origin', 'https://evil.example');
      expect(crossSite.status).toBe(403);
      expect(await job.getState()).toBe('failed');
      const retried = await http()
        .put(`/admin/queues/api/queues/notifications/${job.id}/retry`)
        .set('Cookie', cookie.split(';')[0])
        .set('Host', 'campus.test')
        .set('Origin', 'http://campus.test');
      expect([retried.status, retried.text]).toEqual([204, '']);
      expect(await (await queue.getJob(job.id!))!.getState()).toBe('waiting');
      await (await queue.getJob(job.id!))!.remove();
    });

    it('a session stops working when its admin is switched off or changes password', async () => {
      const other = await staff('admin');
      const cookie = cookieOf(await post(other.token, '/api/admin/queue-session'));
      expect((await board('/api/queues', cookie)).status).toBe(200);
      expect((await patch(w.tokens.admin, `/api/users/${other.id}`, { active: false })).status).toBe(200);
      expect((await board('/api/queues', cookie)).status).toBe(401);
      expect((await patch(w.tokens.admin, `/api/users/${other.id}`, { active: true })).status).toBe(200);
      const token = await fx.login(other.username);
      const fresh = cookieOf(await post(token, '/api/admin/queue-session'));
      expect((await board('/api/queues', fresh)).status).toBe(200);
      expect((await post(w.tokens.admin, `/api/users/${other.id}/password-reset`)).status).toBe(200);
      expect((await board('/api/queues', fresh)).status).toBe(401);
    });
  });
});
