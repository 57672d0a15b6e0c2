import { randomBytes, randomUUID } from 'node:crypto';
import twilio from 'twilio';
import type { AgentRef, Fixtures, TestApp, World } from '@campus/testing';
import { auth, startApp } from '../support/app';
import { FulfilmentDriver, newPhone, OrderBody } from '../support/fulfilment';

jest.setTimeout(120_000);

/**
 * Issue 17.5: suspended and moved staff. A suspended agent's token keeps reading their own history
 * and changes nothing (403 `agent_suspended`); their code attributes no order in any channel (the
 * order goes through, unattributed, and says so); an agent moved to another region's campus takes
 * their account's region along, and the old region's manager loses every right over it.
 */
describe('suspended and moved staff (e2e)', () => {
  let app: TestApp;
  let fx: Fixtures;
  let w: World;
  let d: FulfilmentDriver;

  beforeAll(async () => {
    ({ app, fx } = await startApp());
    w = await fx.world();
    d = new FulfilmentDriver(app, fx, w);
  });
  afterAll(() => app?.close());

  const get = (token: string, path: string) => app.http().get(path).set(auth(token));
  const staffOrder = () => ({
    customer: { phone: newPhone(), name: 'Han' },
    lines: [{ sku: w.skus.pen, quantity: 1 }],
    fulfillment: { type: 'locker', pickupPointId: w.pointA1.id },
    paymentMethod: 'cod',
  });
  const patchAgent = (token: string, id: string, body: object) =>
    app.http().patch(`/api/agents/${id}`).set(auth(token)).send(body);
  const expectSuspended = (res: {
    status: number;
    body: { code?: string };
    headers: Record<string, string>;
  }) => {
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('agent_suspended');
  };

  it('a suspended agent reads their own history and can start nothing: no order, delivery, deposit or task', async () => {
    const agent = await fx.agent(w.campusA1.id, 'to-suspend');
    const own = await d.place(agent.token, {
      customer: { phone: newPhone(), name: 'Li' },
      lines: [{ sku: w.skus.usb, quantity: 1 }],
      fulfillment: { type: 'delivery', campusId: w.campusA1.id, address: 'Dorm 1' },
      paymentMethod: 'cod',
    });
    expect(own.status).toBe(201);
    const door = await d.order({ ...d.doorOrder(w.campusA1.id, newPhone()) });
    expect(
      (await d.post(w.tokens.managerA, `/api/orders/${door.id}/assign`, { agentId: agent.id })).status,
    ).toBe(200);
    const task = await d.post(w.tokens.callCenter, '/api/tasks', {
      customerPhone: newPhone(),
      campusId: w.campusA1.id,
      description: 'Laptop',
    });
    expect(
      (await d.post(w.tokens.managerA, `/api/tasks/${task.body.id}/assign`, { agentId: agent.id })).status,
    ).toBe(200);

    expect((await patchAgent(w.tokens.managerA, agent.id, { status: 'suspended' })).status).toBe(200);

    // Reading their own history still works...
    const mine = await get(agent.token, '/api/orders');
    expect(mine.status).toBe(200);
    expect((mine.body.items as { id: string }[]).map((o) => o.id)).toContain(own.body.id);
    expect((await get(agent.token, `/api/orders/${own.body.id}`)).status).toBe(200);
    expect((await get(agent.token, `/api/agents/${agent.id}/earnings`)).status).toBe(200);
    expect((await get(agent.token, `/api/agents/${agent.id}/cod`)).status).toBe(200);
    expect((await get(agent.token, '/api/auth/me')).body).toMatchObject({ id: agent.id, suspended: true });
    // ...and nothing new can be started.
    expectSuspended(
      await d.place(agent.token, {
        customer: { phone: newPhone() },
        lines: [{ sku: w.skus.usb, quantity: 1 }],
        fulfillment: { type: 'delivery', campusId: w.campusA1.id, address: 'Dorm 2' },
        paymentMethod: 'cod',
      }),
    );
    expectSuspended(await d.post(agent.token, `/api/orders/${door.id}/dispatch`));
    expectSuspended(
      await d.post(agent.token, `/api/orders/${door.id}/deliver`, { codCollectedCents: door.totalCents }),
    );
    expectSuspended(await d.post(agent.token, `/api/orders/${door.id}/deposit`, { lockerId: w.lockerA1.id }));
    const window = {
      windowStart: new Date(Date.now() + 3600_000).toISOString(),
      windowEnd: new Date(Date.now() + 7200_000).toISOString(),
    };
    expectSuspended(await d.post(agent.token, `/api/tasks/${task.body.id}/schedule`, window));
    expectSuspended(await d.post(agent.token, `/api/tasks/${task.body.id}/fail`, { reason: 'x' }));
    const [{ n }] = await app.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM orders WHERE created_by_id = $1`,
      [agent.id],
    );
    expect(n).toBe(1);

    // Reactivated, the same token works again.
    expect((await patchAgent(w.tokens.managerA, agent.id, { status: 'active' })).status).toBe(200);
    expect((await get(agent.token, '/api/auth/me')).body.suspended).toBeUndefined();
    expect(
      (await d.post(w.tokens.managerA, `/api/tasks/${task.body.id}/assign`, { agentId: agent.id })).status,
    ).toBe(200);
    expect((await d.post(agent.token, `/api/tasks/${task.body.id}/schedule`, window)).status).toBe(200);
  });

  it("a suspended agent's code attributes nothing: the order goes through unattributed, with a notice (web, phone, SMS)", async () => {
    const agent = await fx.agent(w.campusA1.id, 'code-owner');
    expect((await patchAgent(w.tokens.managerA, agent.id, { status: 'suspended' })).status).toBe(200);
    const customer = await fx.customer(newPhone());
    const bodies: [string, OrderBody][] = [
      [
        customer.token,
        {
          lines: [{ sku: w.skus.pen, quantity: 1 }],
          fulfillment: { type: 'locker', pickupPointId: w.pointA1.id },
          paymentMethod: 'cod',
          agentCode: agent.referralCode.toLowerCase(),
        },
      ],
      [w.tokens.callCenter, { ...staffOrder(), agentCode: agent.referralCode }],
    ];
    for (const [token, body] of bodies) {
      const res = await d.place(token, body);
      expect(res.status).toBe(201);
      expect(res.body.agentId).toBeNull();
      expect(res.body.notices).toEqual([
        expect.objectContaining({
          code: 'agent_code_refused',
          reason: 'agent_suspended',
          agentCode: agent.referralCode,
        }),
      ]);
      const placed = (await d.events(res.body.id)).find((e) => e.type === 'placed')!;
      expect(placed.data.attributionRefused).toMatchObject({ agentCode: agent.referralCode });
    }
    // An unknown code still fails the order (400 naming the field), as before.
    const unknown = await d.place(w.tokens.callCenter, { ...staffOrder(), agentCode: 'NOSUCH' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([expect.objectContaining({ field: 'agentCode' })]);

    // SMS: the quote says the code is inactive; YES places the order unattributed.
    const from = newPhone();
    const sms = async (body: string) => {
      const sid = `SM${randomBytes(16).toString('hex')}`;
      const params = {
        MessageSid: sid,
        SmsSid: sid,
        From: from,
        To: '+8613912345678',
        Body: body,
        AccountSid: `AC${'0'.repeat(32)}`,
      };
      const url = `${app.config.publicBaseUrl}/api/channels/sms/twilio`;
      const res = await app
        .http()
        .post('/api/channels/sms/twilio')
        .type('form')
        .set(
          'X-Twilio-Signature',
          twilio.getExpectedTwilioSignature(app.config.twilio.authToken!, url, params),
        )
        .send(params);
      expect(res.status).toBe(200);
      return res.text;
    };
    const quote = await sms(`BUY ${w.skus.pen} 1 @${w.shopA1.code} #${agent.referralCode}`);
    expect(quote).toContain(`Agent code ${agent.referralCode} is inactive: not credited.`);
    await sms('YES');
    const [order] = await app.sql<{ agent_id: string | null; channel: string }>(
      `SELECT agent_id, channel FROM orders WHERE customer_phone = $1`,
      [from],
    );
    expect(order).toEqual({ agent_id: null, channel: 'sms' });
  });

  it("moving an agent to another region's campus moves their account's region; the old manager loses every right", async () => {
    const agent: AgentRef = await fx.agent(w.campusA1.id, `mover-${randomUUID().slice(0, 4)}`);
    expect((await get(w.tokens.managerA, `/api/agents/${agent.id}`)).status).toBe(200);
    // A manager cannot move an agent out of their region (the other region's campus is not theirs).
    expect((await patchAgent(w.tokens.managerA, agent.id, { campusId: w.campusB1.id })).status).toBe(404);
    const moved = await patchAgent(w.tokens.admin, agent.id, { campusId: w.campusB1.id });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ campusId: w.campusB1.id, regionId: w.regionB.id });
    const [account] = await app.sql<{ region_id: string; campus_id: string }>(
      `SELECT region_id, campus_id FROM users WHERE id = $1`,
      [agent.id],
    );
    expect(account).toEqual({ region_id: w.regionB.id, campus_id: w.campusB1.id });
    expect((await get(agent.token, '/api/auth/me')).body).toMatchObject({
      regionId: w.regionB.id,
      campusId: w.campusB1.id,
    });

    // The old region's manager: nothing (404 like anything out of scope).
    expect((await get(w.tokens.managerA, `/api/agents/${agent.id}`)).status).toBe(404);
    expect((await patchAgent(w.tokens.managerA, agent.id, { status: 'suspended' })).status).toBe(404);
    expect(
      (await app.http().patch(`/api/users/${agent.id}`).set(auth(w.tokens.managerA)).send({ active: false }))
        .status,
    ).toBe(404);
    expect((await get(w.tokens.managerA, `/api/agents/${agent.id}/earnings`)).status).toBe(404);
    expect((await get(w.tokens.managerA, `/api/agents/${agent.id}/cod`)).status).toBe(404);
    const listed = await get(w.tokens.managerA, '/api/agents?limit=200');
    expect((listed.body.items as { id: string }[]).map((a) => a.id)).not.toContain(agent.id);
    // The new region's manager has them.
    expect((await get(w.tokens.managerB, `/api/agents/${agent.id}`)).status).toBe(200);
    const off = await app
      .http()
      .patch(`/api/users/${agent.id}`)
      .set(auth(w.tokens.managerB))
      .send({ active: false });
    expect(off.status).toBe(200);
    // Both moves are in the audit log.
    const audit = await app.sql<{ action: string }>(
      `SELECT action FROM audit_log WHERE entity_id = $1 ORDER BY id`,
      [agent.id],
    );
    expect(audit.map((a) => a.action)).toContain('agent.move');
  });
});
