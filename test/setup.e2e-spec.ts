import { randomUUID } from 'node:crypto';
import type { Fixtures, TestApp, World } from '@campus/testing';
import { phoneOrder, STAFF_PASSWORD } from '@campus/testing';
import { auth, startApp } from './support/app';

describe('Setup endpoints (e2e)', () => {
  let app: TestApp;
  let fx: Fixtures;
  let w: World;

  beforeAll(async () => {
    ({ app, fx } = await startApp());
    w = await fx.world();
  });
  afterAll(() => app?.close());

  const uniq = () => randomUUID().slice(0, 6).toUpperCase();
  const post = (token: string, path: string, body: object) =>
    app.http().post(path).set(auth(token)).send(body);
  const get = (token: string, path: string, query: Record<string, string | number> = {}) =>
    app.http().get(path).query(query).set(auth(token));
  const patch = (token: string, path: string, body: object) =>
    app.http().patch(path).set(auth(token)).send(body);
  const place = (token: string, body: object) =>
    app.http().post('/api/orders').set(auth(token)).set('Idempotency-Key', randomUUID()).send(body);
  const fields = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field).sort();

  describe('regions and campuses', () => {
    it('admin creates a region (codes upper-cased); a duplicate code is 409', async () => {
      const code = `r${uniq()}`;
      const res = await post(w.tokens.admin, '/api/regions', { code, name: ' Shanghai ' });
      expect(res.status).toBe(201);
      expect(res.body).toEqual(
        expect.objectContaining({ id: expect.any(String), code: code.toUpperCase(), name: 'Shanghai' }),
      );
      const dup = await post(w.tokens.admin, '/api/regions', { code: code.toUpperCase(), name: 'Again' });
      expect(dup.status).toBe(409);
      expect(dup.body.code).toBe('code_taken');
    });

    it('a regional manager creates campuses in their own region only (another region is 404)', async () => {
      const own = await post(w.tokens.managerA, '/api/campuses', {
        code: `C${uniq()}`,
        name: 'New campus',
        regionId: w.regionA.id,
      });
      expect(own.status).toBe(201);
      expect(own.body).toMatchObject({ regionId: w.regionA.id, name: 'New campus' });
      const other = await post(w.tokens.managerA, '/api/campuses', {
        code: `C${uniq()}`,
        name: 'Elsewhere',
        regionId: w.regionB.id,
      });
      expect(other.status).toBe(404);
      const missing = await post(w.tokens.admin, '/api/campuses', {
        code: `C${uniq()}`,
        name: 'Nowhere',
        regionId: randomUUID(),
      });
      expect(missing.status).toBe(404);
      const dup = await post(w.tokens.admin, '/api/campuses', {
        code: w.campusA1.code,
        name: 'Copy',
        regionId: w.regionA.id,
      });
      expect(dup.status).toBe(409);
    });

    it('lists are scoped: a manager sees their region and its campuses only', async () => {
      const regions = await get(w.tokens.managerA, '/api/regions');
      expect(regions.status).toBe(200);
      expect(regions.body.map((r: { id: string }) => r.id)).toEqual([w.regionA.id]);
      const all = await get(w.tokens.admin, '/api/regions');
      expect(all.body.map((r: { id: string }) => r.id)).toEqual(
        expect.arrayContaining([w.regionA.id, w.regionB.id]),
      );
      const campuses = await get(w.tokens.managerA, '/api/campuses');
      const ids = campuses.body.map((c: { id: string }) => c.id);
      expect(ids).toEqual(expect.arrayContaining([w.campusA1.id, w.campusA2.id]));
      expect(ids).not.toContain(w.campusB1.id);
      expect(campuses.body.every((c: { regionId: string }) => c.regionId === w.regionA.id)).toBe(true);
      const mine = await get(w.agentA1.token, '/api/campuses');
      expect(mine.body.map((c: { id: string }) => c.id)).toEqual([w.campusA1.id]);
      const filtered = await get(w.tokens.admin, '/api/campuses', { regionId: w.regionB.id });
      expect(filtered.body.map((c: { id: string }) => c.id)).toEqual([w.campusB1.id]);
      expect((await get(w.tokens.admin, '/api/campuses', { regionId: 'nope' })).status).toBe(400);
    });
  });

  describe('pickup points and lockers', () => {
    it('creates a pickup point on a campus the caller manages; other regions 404; duplicate 409', async () => {
      const res = await post(w.tokens.managerA, '/api/pickup-points', {
        code: `P${uniq()}`,
        name: 'Library lobby',
        campusId: w.campusA2.id,
        address: 'East door',
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ campusId: w.campusA2.id, address: 'East door' });
      const other = await post(w.tokens.managerA, '/api/pickup-points', {
        code: `P${uniq()}`,
        name: 'Not mine',
        campusId: w.campusB1.id,
      });
      expect(other.status).toBe(404);
      const dup = await post(w.tokens.admin, '/api/pickup-points', {
        code: w.pointA1.code,
        name: 'Copy',
        campusId: w.campusA1.id,
      });
      expect(dup.status).toBe(409);
      const list = await get(w.tokens.admin, '/api/pickup-points', { campusId: w.campusA2.id });
      expect(list.body.map((p: { id: string }) => p.id)).toEqual([res.body.id]);
    });

    it('creates a locker with labelled, sized compartments and shows it at GET /api/lockers/:id', async () => {
      const code = `L${uniq()}`;
      const res = await post(w.tokens.managerA, '/api/lockers', {
        code,
        pickupPointId: w.pointA1.id,
        compartments: { S: 3, M: 2, L: 1 },
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ id: expect.any(String), code, pickupPointId: w.pointA1.id });
      const compartments = res.body.compartments as {
        id: string;
        label: string;
        size: string;
        state: string;
      }[];
      expect(compartments.map((c) => [c.label, c.size, c.state])).toEqual([
        ['L01', 'L', 'free'],
        ['M01', 'M', 'free'],
        ['M02', 'M', 'free'],
        ['S01', 'S', 'free'],
        ['S02', 'S', 'free'],
        ['S03', 'S', 'free'],
      ]);
      expect(new Set(compartments.map((c) => c.id)).size).toBe(6);

      const shown = await get(w.tokens.managerA, `/api/lockers/${res.body.id}`);
      expect(shown.status).toBe(200);
      expect(shown.body).toEqual(res.body);
      expect((await get(w.agentA1.token, `/api/lockers/${res.body.id}`)).status).toBe(200);
      expect((await get(w.tokens.managerB, `/api/lockers/${res.body.id}`)).status).toBe(404);
      expect((await get(w.agentB1.token, `/api/lockers/${res.body.id}`)).status).toBe(404);
      expect((await get(w.tokens.pickupB1, `/api/lockers/${res.body.id}`)).status).toBe(404);
      expect((await get(w.tokens.admin, `/api/lockers/${randomUUID()}`)).status).toBe(404);
      expect((await get(w.tokens.admin, `/api/lockers/not-a-uuid`)).status).toBe(400);

      const listB = await get(w.tokens.managerB, '/api/lockers');
      expect(listB.body.map((l: { id: string }) => l.id)).not.toContain(res.body.id);
      const listA = await get(w.tokens.managerA, '/api/lockers', { pickupPointId: w.pointA1.id });
      expect(listA.body.map((l: { id: string }) => l.id)).toEqual(
        expect.arrayContaining([w.lockerA1.id, res.body.id]),
      );
    });

    it('refuses a locker without compartments (400), elsewhere (404) or with a taken code (409)', async () => {
      const empty = await post(w.tokens.admin, '/api/lockers', {
        code: `L${uniq()}`,
        pickupPointId: w.pointA1.id,
        compartments: {},
      });
      expect(empty.status).toBe(400);
      expect(fields(empty.body)).toEqual(['compartments']);
      const bad = await post(w.tokens.admin, '/api/lockers', {
        code: `L${uniq()}`,
        pickupPointId: w.pointA1.id,
        compartments: { S: -1, XL: 2 },
      });
      expect(bad.status).toBe(400);
      expect(fields(bad.body)).toEqual(['compartments.S', 'compartments.XL']);
      const other = await post(w.tokens.managerA, '/api/lockers', {
        code: `L${uniq()}`,
        pickupPointId: w.pointB1.id,
        compartments: { S: 1 },
      });
      expect(other.status).toBe(404);
      const dup = await post(w.tokens.admin, '/api/lockers', {
        code: w.lockerA1.code,
        pickupPointId: w.pointA1.id,
        compartments: { S: 1 },
      });
      expect(dup.status).toBe(409);
      const lockers = await app.sql(`SELECT 1 FROM lockers WHERE code = $1`, [w.lockerA1.code]);
      expect(lockers).toHaveLength(1);
    });
  });

  describe('users', () => {
    const newUser = (role: string, extra: Record<string, unknown> = {}) => ({
      username: `u.${role}.${uniq()}`.toLowerCase(),
      password: STAFF_PASSWORD,
      role,
      ...extra,
    });

    it('admin creates a user of every staff role, each tied to its scope, and each can sign in', async () => {
      const bodies = [
        newUser('admin'),
        newUser('regional_manager', { regionId: w.regionB.id }),
        newUser('call_center', { displayName: 'Chen', phone: '13800000009' }),
        newUser('agent', { campusId: w.campusA2.id, displayName: 'New agent', phone: '13912340000' }),
        newUser('pickup_staff', { pickupPointId: w.pointB1.id }),
      ];
      for (const body of bodies) {
        const res = await post(w.tokens.admin, '/api/users', body);
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({ id: expect.any(String), username: body.username, role: body.role });
        // Never the password or its hash (mustChangePassword is a flag, not a secret).
        expect(JSON.stringify(res.body).replace('"mustChangePassword"', '')).not.toMatch(/password|argon2/i);
        const me = await get(await fx.login(body.username), '/api/auth/me');
        expect(me.body.role).toBe(body.role);
      }
      const [, manager, callCenter, agent, pickup] = await Promise.all(
        bodies.map(
          async (b) =>
            (await app.sql(`SELECT * FROM users WHERE username = $1`, [b.username]))[0] as Record<
              string,
              unknown
            >,
        ),
      );
      expect(manager).toMatchObject({ region_id: w.regionB.id, campus_id: null });
      expect(callCenter).toMatchObject({ region_id: null, phone: '+8613800000009' });
      expect(agent).toMatchObject({ region_id: w.regionA.id, campus_id: w.campusA2.id });
      expect(pickup).toMatchObject({
        region_id: w.regionB.id,
        campus_id: w.campusB1.id,
        pickup_point_id: w.pointB1.id,
      });
      const agents = await app.sql(`SELECT campus_id, status FROM agents WHERE id = $1`, [agent.id]);
      expect(agents).toEqual([{ campus_id: w.campusA2.id, status: 'active' }]);
    });

    it.each<[string, (w: World) => Record<string, unknown>, string[]]>([
      ['regional_manager', () => ({}), ['regionId']],
      ['agent', () => ({ displayName: 'A', phone: '13900000000' }), ['campusId']],
      ['agent', (w) => ({ campusId: w.campusA1.id, phone: '13900000000' }), ['displayName']],
      ['agent', (w) => ({ campusId: w.campusA1.id, displayName: 'A' }), ['phone']],
      ['pickup_staff', () => ({}), ['pickupPointId']],
    ])('a %s without its scope is a 400 naming the field', async (role, extra, expected) => {
      const body = newUser(role, extra(w));
      const res = await post(w.tokens.admin, '/api/users', body);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(fields(res.body)).toEqual(expected);
      expect(await app.sql(`SELECT 1 FROM users WHERE username = $1`, [body.username])).toHaveLength(0);
    });

    it('refuses bad fields: unknown role, short password, unknown field, bad phone (400 naming them)', async () => {
      const res = await post(w.tokens.admin, '/api/users', {
        username: 'x'.repeat(65),
        password: 'short',
        role: 'customer',
        phone: 'call me',
        isAdmin: true,
      });
      expect(res.status).toBe(400);
      expect(fields(res.body)).toEqual(['isAdmin', 'password', 'phone', 'role', 'username']);
    });

    it('scope ids that do not exist are 404', async () => {
      for (const extra of [
        { role: 'regional_manager', regionId: randomUUID() },
        { role: 'pickup_staff', pickupPointId: randomUUID() },
        { role: 'agent', campusId: randomUUID(), displayName: 'Ghost', phone: '13900000001' },
      ]) {
        const res = await post(w.tokens.admin, '/api/users', newUser(extra.role, extra));
        expect(res.status).toBe(404);
      }
    });

    it('a duplicate username is 409, whatever its case', async () => {
      const body = newUser('call_center');
      expect((await post(w.tokens.admin, '/api/users', body)).status).toBe(201);
      const dup = await post(w.tokens.admin, '/api/users', {
        ...body,
        username: body.username.toUpperCase(),
      });
      expect(dup.status).toBe(409);
      expect(dup.body.code).toBe('username_taken');
    });

    it('a regional manager creates agents and pickup staff in their own region only', async () => {
      const agent = await post(
        w.tokens.managerA,
        '/api/users',
        newUser('agent', { campusId: w.campusA1.id, displayName: 'Mine', phone: '13900000002' }),
      );
      expect(agent.status).toBe(201);
      const pickup = await post(
        w.tokens.managerA,
        '/api/users',
        newUser('pickup_staff', { pickupPointId: w.pointA1.id }),
      );
      expect(pickup.status).toBe(201);

      const otherAgent = await post(
        w.tokens.managerA,
        '/api/users',
        newUser('agent', { campusId: w.campusB1.id, displayName: 'Theirs', phone: '13900000003' }),
      );
      expect(otherAgent.status).toBe(404);
      const otherPickup = await post(
        w.tokens.managerA,
        '/api/users',
        newUser('pickup_staff', { pickupPointId: w.pointB1.id }),
      );
      expect(otherPickup.status).toBe(404);
      const otherViaAgents = await post(w.tokens.managerA, '/api/agents', {
        username: `theirs.${uniq()}`,
        password: STAFF_PASSWORD,
        displayName: 'Theirs',
        phone: '13900000004',
        campusId: w.campusB1.id,
      });
      expect(otherViaAgents.status).toBe(404);
    });

    it.each(['admin', 'regional_manager', 'call_center'])(
      'a regional manager may not create a %s (403)',
      async (role) => {
        const body = newUser(role, role === 'regional_manager' ? { regionId: w.regionA.id } : {});
        const res = await post(w.tokens.managerA, '/api/users', body);
        expect(res.status).toBe(403);
        expect(await app.sql(`SELECT 1 FROM users WHERE username = $1`, [body.username])).toHaveLength(0);
      },
    );

    it('other staff may not create users at all (403)', async () => {
      for (const token of [w.tokens.callCenter, w.agentA1.token, w.tokens.pickupA1]) {
        expect((await post(token, '/api/users', newUser('call_center'))).status).toBe(403);
      }
    });
  });

  describe('agents', () => {
    const agentBody = (campusId: string, extra: Record<string, unknown> = {}) => ({
      username: `agent.${uniq()}`.toLowerCase(),
      password: STAFF_PASSWORD,
      displayName: 'Zhang Wei',
      phone: '+8613911112222',
      campusId,
      ...extra,
    });

    it('POST /api/agents answers the agent with a unique referral code', async () => {
      const created = [];
      for (let i = 0; i < 8; i++) {
        const res = await post(w.tokens.admin, '/api/agents', agentBody(w.campusA2.id));
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({
          id: expect.any(String),
          userId: res.body.id,
          campusId: w.campusA2.id,
          referralCode: expect.stringMatching(/^[A-Z2-9]{6}$/),
          status: 'active',
        });
        created.push(res.body.referralCode as string);
      }
      const all = await app.sql<{ referral_code: string }>(`SELECT referral_code FROM agents`);
      expect(new Set(all.map((a) => a.referral_code)).size).toBe(all.length);
      // The database refuses a copied code too.
      await expect(
        app.sql(`UPDATE agents SET referral_code = $1 WHERE referral_code = $2`, [created[0], created[1]]),
      ).rejects.toThrow(/agents_referral_code_key/);
    });

    it('validates the agent body (400 naming each field)', async () => {
      const res = await post(w.tokens.admin, '/api/agents', {
        username: 'x',
        campusId: 'nope',
        phone: '123',
      });
      expect(res.status).toBe(400);
      expect(fields(res.body)).toEqual(['campusId', 'displayName', 'password', 'phone']);
    });

    it('PATCH suspends and reactivates; a suspended agent’s code attributes nothing', async () => {
      const agent = await fx.agent(w.campusA1.id, 'to-suspend');
      const suspended = await patch(w.tokens.managerA, `/api/agents/${agent.id}`, { status: 'suspended' });
      expect(suspended.status).toBe(200);
      expect(suspended.body).toMatchObject({ id: agent.id, status: 'suspended' });
      // Issue 17.5: the order goes through, unattributed, saying the code was refused.
      const refused = await place(w.tokens.callCenter, phoneOrder(w, { agentCode: agent.referralCode }));
      expect(refused.status).toBe(201);
      expect(refused.body.agentId).toBeNull();
      expect(refused.body.notices).toEqual([
        expect.objectContaining({ code: 'agent_code_refused', agentCode: agent.referralCode }),
      ]);
      const listed = await get(w.tokens.managerA, '/api/agents', { status: 'suspended' });
      expect(listed.body.items.map((a: { id: string }) => a.id)).toContain(agent.id);

      const active = await patch(w.tokens.admin, `/api/agents/${agent.id}`, { status: 'active' });
      expect(active.body.status).toBe('active');
      const ok = await place(w.tokens.callCenter, phoneOrder(w, { agentCode: agent.referralCode }));
      expect(ok.status).toBe(201);
      expect(ok.body.agentId).toBe(agent.id);

      expect((await patch(w.tokens.admin, `/api/agents/${agent.id}`, { status: 'fired' })).status).toBe(400);
      expect((await patch(w.tokens.admin, `/api/agents/${randomUUID()}`, { status: 'active' })).status).toBe(
        404,
      );
    });

    it('a manager may not touch another region’s agent, nor move theirs out of the region (404)', async () => {
      expect(
        (await patch(w.tokens.managerA, `/api/agents/${w.agentB1.id}`, { status: 'suspended' })).status,
      ).toBe(404);
      const mine = await fx.agent(w.campusA1.id, 'stay-home');
      expect(
        (await patch(w.tokens.managerA, `/api/agents/${mine.id}`, { campusId: w.campusB1.id })).status,
      ).toBe(404);
      const [row] = await app.sql(`SELECT campus_id FROM agents WHERE id = $1`, [mine.id]);
      expect(row.campus_id).toBe(w.campusA1.id);
      const statuses = await app.sql(`SELECT status FROM agents WHERE id = $1`, [w.agentB1.id]);
      expect(statuses[0].status).toBe('active');
    });

    it('moving an agent to another campus moves their order scope with them', async () => {
      const agent = await fx.agent(w.campusA1.id, 'mover');
      const oldOrder = await place(agent.token, phoneOrder(w));
      expect(oldOrder.status).toBe(201);
      const pointA2 = await fx.post<{ id: string }>(w.tokens.admin, '/api/pickup-points', {
        code: `PA2${uniq()}`,
        name: 'A2 point',
        campusId: w.campusA2.id,
      });
      const a2Order = { ...phoneOrder(w), fulfillment: { type: 'locker', pickupPointId: pointA2.id } };
      expect((await place(agent.token, a2Order)).status).toBe(404);

      const moved = await patch(w.tokens.managerA, `/api/agents/${agent.id}`, { campusId: w.campusA2.id });
      expect(moved.status).toBe(200);
      expect(moved.body).toMatchObject({ campusId: w.campusA2.id, regionId: w.regionA.id });

      // The same token now acts on the new campus, and no longer on the old one.
      const me = await get(agent.token, '/api/auth/me');
      expect(me.body.campusId).toBe(w.campusA2.id);
      const newOrder = await place(agent.token, a2Order);
      expect(newOrder.status).toBe(201);
      expect(newOrder.body).toMatchObject({ campusId: w.campusA2.id, agentId: agent.id });
      expect((await place(agent.token, phoneOrder(w))).status).toBe(404);
      expect((await get(agent.token, `/api/orders/${oldOrder.body.id}`)).status).toBe(404);
      const list = await get(agent.token, '/api/orders');
      expect(list.body.items.map((o: { id: string }) => o.id)).toEqual([newOrder.body.id]);
      const campuses = await get(agent.token, '/api/campuses');
      expect(campuses.body.map((c: { id: string }) => c.id)).toEqual([w.campusA2.id]);
    });

    it('lists are scoped: manager their region, call centre all, agents only themselves', async () => {
      const mgrA = await get(w.tokens.managerA, '/api/agents', { limit: 200 });
      expect(mgrA.status).toBe(200);
      const idsA = mgrA.body.items.map((a: { id: string }) => a.id);
      expect(idsA).toEqual(expect.arrayContaining([w.agentA1.id, w.agentA1b.id]));
      expect(idsA).not.toContain(w.agentB1.id);
      expect(mgrA.body.items.every((a: { regionId: string }) => a.regionId === w.regionA.id)).toBe(true);
      const cc = await get(w.tokens.callCenter, '/api/agents', { limit: 200 });
      expect(cc.body.items.map((a: { id: string }) => a.id)).toEqual(
        expect.arrayContaining([w.agentA1.id, w.agentB1.id]),
      );
      const byCampus = await get(w.tokens.admin, '/api/agents', { campusId: w.campusB1.id });
      expect(byCampus.body.items.map((a: { id: string }) => a.id)).toEqual([w.agentB1.id]);

      expect((await get(w.agentA1.token, `/api/agents/${w.agentA1.id}`)).status).toBe(200);
      expect((await get(w.agentA1.token, `/api/agents/${w.agentA1b.id}`)).status).toBe(404);
      expect((await get(w.tokens.managerB, `/api/agents/${w.agentA1.id}`)).status).toBe(404);
      expect((await get(w.agentA1.token, '/api/agents')).status).toBe(403);
    });

    it('pages agents with a cursor', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res: { status: number; body: { items: { id: string }[]; nextCursor: string | null } } =
          await get(w.tokens.admin, '/api/agents', { limit: 2, ...(cursor ? { cursor } : {}) });
        expect(res.status).toBe(200);
        expect(res.body.items.length).toBeLessThanOrEqual(2);
        seen.push(...res.body.items.map((a) => a.id));
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor && pages < 100);
      const [{ n }] = await app.sql<{ n: number }>(`SELECT count(*)::int AS n FROM agents`);
      expect(seen).toHaveLength(n);
      expect(new Set(seen).size).toBe(n);
      expect((await get(w.tokens.admin, '/api/agents', { cursor: 'garbage' })).status).toBe(400);
    });
  });

  describe('cursor pagination', () => {
    /** Follows nextCursor to the end; returns every id in the order seen. */
    const pageAll = async (token: string, path: string, query: Record<string, string | number>) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      for (let pages = 0; pages < 200; pages++) {
        const res: { status: number; body: { items: { id: string }[]; nextCursor: string | null } } =
          await get(token, path, { ...query, ...(cursor ? { cursor } : {}) });
        expect(res.status).toBe(200);
        seen.push(...res.body.items.map((i) => i.id));
        cursor = res.body.nextCursor;
        if (!cursor) break;
      }
      return seen;
    };

    it('rows created in the same millisecond are neither repeated nor skipped (orders, messages)', async () => {
      const phone = '+8613599990000';
      const placed = [];
      for (let i = 0; i < 5; i++) placed.push(await place(w.tokens.callCenter, phoneOrder(w, { phone })));
      expect(placed.every((r) => r.status === 201)).toBe(true);
      const ids = placed.map((r) => r.body.id as string);
      // Busy hours put many rows into one millisecond; PostgreSQL keeps microseconds, JS Dates do not.
      await app.sql(
        `UPDATE orders o SET created_at = timestamptz '2030-01-01 00:00:00.0001+00' + x.n * interval '100 microseconds'
           FROM unnest($1::uuid[]) WITH ORDINALITY AS x(id, n) WHERE o.id = x.id`,
        [ids],
      );
      const orders = await pageAll(w.tokens.callCenter, '/api/orders', { phone, limit: 1 });
      expect(orders).toEqual([...ids].reverse());

      const phones = ['+8613599990001', '+8613599990002', '+8613599990003', '+8613599990004'];
      for (const p of phones) await fx.customer(p);
      const texts = await app.sql<{ id: string }>(
        `UPDATE notifications n SET created_at = timestamptz '2030-01-01 00:00:00.0001+00' + x.n * interval '100 microseconds'
           FROM unnest($1::text[]) WITH ORDINALITY AS x(phone, n) WHERE n.to_phone = x.phone RETURNING n.id`,
        [phones],
      );
      expect(texts).toHaveLength(4);
      const messages = await pageAll(w.tokens.admin, '/api/notifications', { limit: 1 });
      expect(messages.slice(0, 4).sort()).toEqual(texts.map((t) => t.id).sort());
      expect(new Set(messages).size).toBe(messages.length);
    });
  });

  describe('products and stock', () => {
    it('admin creates a product with stock; SKUs are upper-cased; a duplicate is 409', async () => {
      const sku = `kb-${uniq()}`;
      const res = await post(w.tokens.admin, '/api/products', {
        sku,
        name: 'Keyboard',
        category: 'Accessories',
        priceCents: 8900,
        stock: 12,
        lowStockThreshold: 3,
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        sku: sku.toUpperCase(),
        name: 'Keyboard',
        category: 'accessories',
        priceCents: 8900,
        requiresInstallation: false,
        installFeeCents: 0,
        active: true,
        stock: { onHand: 12, reserved: 0, available: 12, lowStockThreshold: 3 },
      });
      const dup = await post(w.tokens.admin, '/api/products', {
        sku: sku.toUpperCase(),
        name: 'Copy',
        category: 'x',
        priceCents: 1,
      });
      expect(dup.status).toBe(409);
      expect(dup.body.code).toBe('sku_taken');
      const got = await get(w.tokens.callCenter, `/api/products/${sku}`);
      expect(got.status).toBe(200);
      expect(got.body.stock).toEqual({ onHand: 12, reserved: 0, available: 12, lowStockThreshold: 3 });
    });

    it('refuses money as floats or negatives, and unknown fields (400 naming them)', async () => {
      const res = await post(w.tokens.admin, '/api/products', {
        sku: `F-${uniq()}`,
        name: 'Float',
        category: 'x',
        priceCents: 19.99,
        installFeeCents: -1,
        stock: -5,
        colour: 'red',
      });
      expect(res.status).toBe(400);
      expect(fields(res.body)).toEqual(['colour', 'installFeeCents', 'priceCents', 'stock']);
    });

    it('stock adjustments add and remove units; removing below what is reserved is 409', async () => {
      const sku = await fx.product(`ADJ-${uniq()}`, { stock: 5 });
      const up = await post(w.tokens.admin, `/api/products/${sku}/stock-adjustments`, {
        delta: 10,
        reason: 'delivery from supplier',
      });
      expect(up.status).toBe(200);
      expect(up.body.stock).toMatchObject({ onHand: 15, reserved: 0, available: 15 });
      const order = await place(w.tokens.callCenter, phoneOrder(w, { sku, quantity: 4 }));
      expect(order.status).toBe(201);
      const down = await post(w.tokens.admin, `/api/products/${sku}/stock-adjustments`, {
        delta: -11,
        reason: 'damaged',
      });
      expect(down.status).toBe(200);
      expect(down.body.stock).toMatchObject({ onHand: 4, reserved: 4, available: 0 });
      const tooMuch = await post(w.tokens.admin, `/api/products/${sku}/stock-adjustments`, {
        delta: -1,
        reason: 'lost',
      });
      expect(tooMuch.status).toBe(409);
      expect(tooMuch.body).toMatchObject({ code: 'stock_below_reserved', onHand: 4, reserved: 4 });
      const movements = await app.sql<{ on_hand_delta: number; reason: string }>(
        `SELECT on_hand_delta, reason FROM stock_movements m JOIN products p ON p.id = m.product_id
          WHERE p.sku = $1 AND m.order_id IS NULL ORDER BY m.id`,
        [sku],
      );
      expect(movements).toEqual([
        { on_hand_delta: 5, reason: 'initial stock' },
        { on_hand_delta: 10, reason: 'delivery from supplier' },
        { on_hand_delta: -11, reason: 'damaged' },
      ]);
    });

    it('refuses a zero, fractional or missing delta (400), an unknown SKU (404) and non-admins (403)', async () => {
      const sku = w.skus.pen;
      for (const body of [
        { delta: 0, reason: 'x' },
        { delta: 1.5, reason: 'x' },
        { reason: 'x' },
        { delta: 1 },
      ]) {
        const res = await post(w.tokens.admin, `/api/products/${sku}/stock-adjustments`, body);
        expect(res.status).toBe(400);
      }
      const unknown = await post(w.tokens.admin, `/api/products/NOPE-${uniq()}/stock-adjustments`, {
        delta: 1,
        reason: 'x',
      });
      expect(unknown.status).toBe(404);
      const byManager = await post(w.tokens.managerA, `/api/products/${sku}/stock-adjustments`, {
        delta: 1,
        reason: 'x',
      });
      expect(byManager.status).toBe(403);
    });

    it('customers and order takers see only active products; admins see all', async () => {
      const sku = await fx.product(`OLD-${uniq()}`, { stock: 3 });
      await patch(w.tokens.admin, `/api/products/${sku}`, { active: false }).expect(200);
      const customer = await fx.customer('+8613711112222');
      for (const token of [customer.token, w.tokens.callCenter, w.agentA1.token]) {
        const list = await get(token, '/api/products', { limit: 200 });
        expect(list.status).toBe(200);
        expect(list.body.items.map((p: { sku: string }) => p.sku)).not.toContain(sku);
        expect(list.body.items.every((p: { active: boolean }) => p.active)).toBe(true);
        expect((await get(token, `/api/products/${sku}`)).status).toBe(404);
      }
      const adminList = await get(w.tokens.admin, '/api/products', { limit: 200 });
      expect(adminList.body.items.map((p: { sku: string }) => p.sku)).toContain(sku);
      expect((await get(w.tokens.admin, `/api/products/${sku}`)).status).toBe(200);
      // And an inactive product cannot be ordered.
      const order = await place(w.tokens.callCenter, phoneOrder(w, { sku }));
      expect(order.status).toBe(400);
      expect(order.body.code).toBe('unknown_sku');
    });

    it('lists with filters and a cursor', async () => {
      const category = `cat${uniq()}`.toLowerCase();
      for (let i = 0; i < 3; i++) await fx.product(`PG${i}-${uniq()}`, { category });
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: { body: { items: { sku: string; category: string }[]; nextCursor: string | null } } =
          await get(w.tokens.callCenter, '/api/products', {
            category,
            limit: 2,
            ...(cursor ? { cursor } : {}),
          });
        expect(res.body.items.every((p) => p.category === category)).toBe(true);
        seen.push(...res.body.items.map((p) => p.sku));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(seen).toHaveLength(3);
      const search = await get(w.tokens.callCenter, '/api/products', { q: w.skus.router.toLowerCase() });
      expect(search.body.items.map((p: { sku: string }) => p.sku)).toEqual([w.skus.router]);
      const wildcard = await get(w.tokens.callCenter, '/api/products', { q: '%' });
      expect(wildcard.body.items).toEqual([]);
    });
  });
});
