import type { Fixtures, TestApp, World } from '@campus/testing';
import { eventually, TestClock } from '@campus/testing';
import { auth, startApp } from './support/app';
import { FulfilmentDriver, newPhone, Site } from './support/fulfilment';

jest.setTimeout(90_000);

interface Ticket {
  id: string;
  ref: string;
  kind: string;
  status: string;
  orderId: string | null;
  orderNumber: string | null;
  regionId: string | null;
  dueAt: string;
  createdAt: string;
  firstReplyAt: string | null;
  overdue: boolean;
  outcome: string | null;
  compensationCents: number | null;
  refundIds: string[];
  messages: { author: string; authorRole: string; body: string; notificationId: string | null }[];
}

describe('After-sales tickets (e2e)', () => {
  let app: TestApp;
  let fx: Fixtures;
  let w: World;
  let d: FulfilmentDriver;
  let site: Site;
  // A one-hour SLA on a clock the test moves: "overdue" without waiting.
  const clock = new TestClock();

  beforeAll(async () => {
    ({ app, fx } = await startApp({ worker: true, clock, env: { TICKET_SLA_HOURS: '1' } }));
    w = await fx.world();
    d = new FulfilmentDriver(app, fx, w);
    site = await d.site({ agents: 1 });
  });
  afterAll(() => app?.close());

  const post = (token: string, path: string, body: object = {}) =>
    app.http().post(path).set(auth(token)).send(body);
  const get = (token: string, path: string, query: object = {}) =>
    app.http().get(path).query(query).set(auth(token));

  /** A COD door order on the test site, delivered with its cash (a receipt the ledger can refund from). */
  async function deliveredOrder(phone: string) {
    const order = await d.order(d.doorOrder(site.campus.id, phone));
    const agent = await d.outForDelivery(order.id, site);
    const res = await post(agent.token, `/api/orders/${order.id}/deliver`, {
      codCollectedCents: order.totalCents,
    });
    expect(res.status).toBe(200);
    return { ...order, agent };
  }

  async function textsTo(phone: string, template: string) {
    return app.sql<{ id: string; body: string; order_id: string | null }>(
      `SELECT id, body, order_id FROM notifications WHERE to_phone = $1 AND template = $2 ORDER BY created_at, id`,
      [phone, template],
    );
  }

  it('a customer complains about their order; the reply is texted; overdue without a first reply after TICKET_SLA_HOURS; resolved with compensation through the money ledger, once', async () => {
    const phone = newPhone();
    const order = await deliveredOrder(phone);
    const customer = await fx.customer(phone);

    // 1. opened from the shop about the customer's own order; texted its reference
    const opened = await post(customer.token, '/api/tickets', {
      orderId: order.id,
      kind: 'complaint',
      body: '  The USB stick arrived scratched  ',
    });
    expect(opened.status).toBe(201);
    const ticket = opened.body as Ticket;
    expect(ticket).toMatchObject({
      kind: 'complaint',
      status: 'open',
      orderId: order.id,
      orderNumber: order.number,
      regionId: w.regionA.id,
      firstReplyAt: null,
      overdue: false,
      messages: [{ author: 'customer', authorRole: 'customer', body: 'The USB stick arrived scratched' }],
    });
    expect(new Date(ticket.dueAt).getTime() - new Date(ticket.createdAt).getTime()).toBe(3_600_000);
    const [ack] = await textsTo(phone, 'ticket_opened');
    expect(ack.body).toContain(ticket.ref);
    expect(ack.order_id).toBe(order.id);

    // 2. not overdue yet; an hour later it is, on the region's manager's list (not the other region's)
    const overdue = (token: string) => get(token, '/api/tickets', { overdue: true });
    expect((await overdue(w.tokens.managerA)).body.items).toEqual([]);
    clock.advanceMinutes(61);
    const late = await overdue(w.tokens.managerA);
    expect(late.status).toBe(200);
    expect(late.body.items.map((t: Ticket) => t.id)).toEqual([ticket.id]);
    expect(late.body.items[0].overdue).toBe(true);
    expect((await overdue(w.tokens.managerB)).body.items).toEqual([]);

    // 3. the call centre replies: texted to the customer, the SLA clock stops, off the overdue list
    const reply = await post(w.tokens.callCenter, `/api/tickets/${ticket.id}/reply`, {
      body: 'Sorry! Please send us a photo; we will make it right.',
    });
    expect(reply.status).toBe(200);
    expect(reply.body.firstReplyAt).not.toBeNull();
    expect(reply.body.overdue).toBe(false);
    const staffMsg = reply.body.messages[1];
    expect(staffMsg).toMatchObject({ author: 'staff', authorRole: 'call_center' });
    const texted = await textsTo(phone, 'ticket_reply');
    expect(texted).toHaveLength(1);
    expect(texted[0].id).toBe(staffMsg.notificationId);
    expect(texted[0].body).toContain('Please send us a photo');
    expect((await overdue(w.tokens.managerA)).body.items).toEqual([]);
    // ...and it goes out (the worker sends it)
    await eventually(async () => {
      const [row] = await app.sql<{ status: string }>(`SELECT status FROM notifications WHERE id = $1`, [
        texted[0].id,
      ]);
      return row.status === 'sent';
    });

    // 4. the customer answers and sees the conversation
    const answer = await post(customer.token, `/api/tickets/${ticket.id}/reply`, {
      body: 'Photo sent by MMS',
    });
    expect(answer.status).toBe(200);
    expect(await textsTo(phone, 'ticket_reply')).toHaveLength(1);
    const mine = await get(customer.token, `/api/tickets/${ticket.id}`);
    expect(mine.body.messages.map((m: { author: string }) => m.author)).toEqual([
      'customer',
      'staff',
      'customer',
    ]);

    // 5. compensation: not by the call centre (403), not beyond what the order received (422, field named)
    const byCallCentre = await post(w.tokens.callCenter, `/api/tickets/${ticket.id}/resolve`, {
      outcome: 'compensated',
      compensationCents: 500,
    });
    expect(byCallCentre.status).toBe(403);
    expect(byCallCentre.body.code).toBe('compensation_needs_manager');
    const tooMuch = await post(w.tokens.managerA, `/api/tickets/${ticket.id}/resolve`, {
      outcome: 'compensated',
      compensationCents: order.totalCents + 1,
    });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.headers['content-type']).toContain('application/problem+json');
    expect(tooMuch.body).toMatchObject({
      code: 'compensation_exceeds_received',
      availableCents: order.totalCents,
      errors: [{ field: 'compensationCents' }],
    });
    expect(await app.sql(`SELECT 1 FROM refunds WHERE order_id = $1`, [order.id])).toHaveLength(0);

    // 6. the manager resolves with 5 yuan back: a cash refund owed by the agent who holds the cash,
    //    written with the resolution, its refund.cash_owed event, the customer texted
    const resolved = await post(w.tokens.managerA, `/api/tickets/${ticket.id}/resolve`, {
      outcome: 'compensated',
      compensationCents: 500,
      note: 'Five yuan back for the scratch',
    });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({
      status: 'resolved',
      outcome: 'compensated',
      compensationCents: 500,
    });
    const refunds = await app.sql<{
      id: string;
      amount_cents: string;
      method: string;
      status: string;
      cause: string;
      holder_agent_id: string;
    }>(`SELECT id, amount_cents, method, status, cause, holder_agent_id FROM refunds WHERE order_id = $1`, [
      order.id,
    ]);
    expect(refunds).toEqual([
      expect.objectContaining({
        amount_cents: '500',
        method: 'cash',
        status: 'owed',
        cause: 'compensation',
        holder_agent_id: order.agent.id,
      }),
    ]);
    expect(resolved.body.refundIds).toEqual([refunds[0].id]);
    const owed = await app.sql(
      `SELECT 1 FROM outbox WHERE event_type = 'refund.cash_owed' AND payload->>'refundId' = $1`,
      [refunds[0].id],
    );
    expect(owed).toHaveLength(1);
    const [done] = await textsTo(phone, 'ticket_resolved');
    expect(done.body).toContain(ticket.ref);
    const [audit] = await app.sql<{ action: string }>(`SELECT action FROM audit_log WHERE entity_id = $1`, [
      ticket.id,
    ]);
    expect(audit.action).toBe('ticket.resolve');

    // 7. a second resolution (a retried request) is 409 and gives nothing back twice; no more replies
    const again = await post(w.tokens.managerA, `/api/tickets/${ticket.id}/resolve`, {
      outcome: 'compensated',
      compensationCents: 500,
    });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'illegal_transition', currentStatus: 'resolved' });
    expect(await app.sql(`SELECT 1 FROM refunds WHERE order_id = $1`, [order.id])).toHaveLength(1);
    expect((await post(customer.token, `/api/tickets/${ticket.id}/reply`, { body: 'thanks' })).status).toBe(
      409,
    );
  });

  it('the call centre keys a ticket without an order by phone; the customer sees it once signed in', async () => {
    const phone = newPhone();
    const keyed = await post(w.tokens.callCenter, '/api/tickets', {
      kind: 'enquiry',
      body: 'Does the router support Wi-Fi 6?',
      customerPhone: phone,
    });
    expect(keyed.status).toBe(201);
    expect(keyed.body).toMatchObject({ orderId: null, regionId: null, customer: { id: null, phone } });
    const customer = await fx.customer(phone);
    const list = await get(customer.token, '/api/tickets');
    expect(list.body.items.map((t: Ticket) => t.id)).toEqual([keyed.body.id]);
    // no order to draw money from: 422 naming the field; answered instead
    const noOrder = await post(w.tokens.admin, `/api/tickets/${keyed.body.id}/resolve`, {
      outcome: 'compensated',
      compensationCents: 100,
    });
    expect(noOrder.status).toBe(422);
    expect(noOrder.body).toMatchObject({
      code: 'compensation_needs_order',
      errors: [{ field: 'compensationCents' }],
    });
    const answered = await post(w.tokens.callCenter, `/api/tickets/${keyed.body.id}/resolve`, {
      outcome: 'answered',
      note: 'Yes, Wi-Fi 6',
    });
    expect(answered.status).toBe(200);
    expect(answered.body.firstReplyAt).not.toBeNull();
  });

  it('customers see only their own tickets; managers their region; other roles 403', async () => {
    const phoneA = newPhone();
    const order = await deliveredOrder(phoneA);
    const alice = await fx.customer(phoneA);
    const bob = await fx.customer(newPhone());
    const t = (
      await post(alice.token, '/api/tickets', { orderId: order.id, kind: 'repair', body: 'Stopped working' })
    ).body as Ticket;

    // another customer: the ticket does not exist for them (404), nor does the order to open one on
    expect((await get(bob.token, `/api/tickets/${t.id}`)).status).toBe(404);
    expect((await post(bob.token, `/api/tickets/${t.id}/reply`, { body: 'hi' })).status).toBe(404);
    expect((await get(bob.token, '/api/tickets')).body.items).toEqual([]);
    const foreignOrder = await post(bob.token, '/api/tickets', {
      orderId: order.id,
      kind: 'complaint',
      body: 'x',
    });
    expect(foreignOrder.status).toBe(404);
    expect(foreignOrder.headers['content-type']).toContain('application/problem+json');

    // the other region's manager: 404 on read, reply and resolve; the region's manager sees it
    expect((await get(w.tokens.managerB, `/api/tickets/${t.id}`)).status).toBe(404);
    expect((await post(w.tokens.managerB, `/api/tickets/${t.id}/reply`, { body: 'hi' })).status).toBe(404);
    expect(
      (await post(w.tokens.managerB, `/api/tickets/${t.id}/resolve`, { outcome: 'no_fault' })).status,
    ).toBe(404);
    expect((await get(w.tokens.managerB, '/api/tickets')).body.items.map((x: Ticket) => x.id)).not.toContain(
      t.id,
    );
    expect((await get(w.tokens.managerA, `/api/tickets/${t.id}`)).status).toBe(200);

    // roles without tickets
    expect((await get(site.agents[0].token, '/api/tickets')).status).toBe(403);
    expect((await get(w.tokens.pickupA1, `/api/tickets/${t.id}`)).status).toBe(403);
    expect((await post(alice.token, `/api/tickets/${t.id}/resolve`, { outcome: 'answered' })).status).toBe(
      403,
    );
    expect((await post(w.tokens.managerA, '/api/tickets', { kind: 'enquiry', body: 'x' })).status).toBe(403);
  });

  it('bad input is a 400 problem naming the field, never a 500', async () => {
    const customer = await fx.customer(newPhone());
    const bad = await post(customer.token, '/api/tickets', { kind: 'praise', body: '   ', orderId: 'nope' });
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    const fields = bad.body.errors.map((e: { field: string }) => e.field).sort();
    expect(fields).toEqual(['body', 'kind', 'orderId']);

    const noPhone = await post(w.tokens.callCenter, '/api/tickets', {
      kind: 'enquiry',
      body: 'Opening hours?',
    });
    expect(noPhone.status).toBe(400);
    expect(noPhone.body.errors).toEqual([expect.objectContaining({ field: 'customerPhone' })]);
    const badPhone = await post(w.tokens.callCenter, '/api/tickets', {
      kind: 'enquiry',
      body: 'Opening hours?',
      customerPhone: '12',
    });
    expect(badPhone.status).toBe(400);
    expect(badPhone.body.errors[0].field).toBe('customerPhone');

    const t = (await post(customer.token, '/api/tickets', { kind: 'enquiry', body: 'Hello' })).body as Ticket;
    expect(t.orderId).toBeNull();
    const long = await post(w.tokens.callCenter, `/api/tickets/${t.id}/reply`, { body: 'x'.repeat(1001) });
    expect(long.status).toBe(400);
    expect(long.body.errors[0].field).toBe('body');
    const noCents = await post(w.tokens.admin, `/api/tickets/${t.id}/resolve`, { outcome: 'compensated' });
    expect(noCents.status).toBe(400);
    expect(noCents.body.errors[0].field).toBe('compensationCents');
    const badOutcome = await post(w.tokens.admin, `/api/tickets/${t.id}/resolve`, { outcome: 'ignored' });
    expect(badOutcome.status).toBe(400);
    expect(badOutcome.body.errors[0].field).toBe('outcome');
    expect((await get(w.tokens.admin, '/api/tickets/not-a-uuid')).status).toBe(400);
    expect((await get(w.tokens.admin, '/api/tickets', { overdue: 'maybe' })).status).toBe(400);
  });

  it('reports tickets per campus with the median time to the first reply (managers: their region)', async () => {
    const other = await d.site({ agents: 1 });
    const from = new Date(clock.now().getTime() - 60_000).toISOString();
    const open = async () => {
      const order = await d.order(d.doorOrder(other.campus.id, newPhone()));
      const res = await post(w.tokens.callCenter, '/api/tickets', {
        orderId: order.id,
        kind: 'complaint',
        body: 'Late',
      });
      expect(res.status).toBe(201);
      return res.body as Ticket;
    };
    const tickets = [await open(), await open(), await open(), await open()];
    // first answers after 10, 30 and 50 minutes (the last by the resolution); the fourth never answered
    for (const [i, minutes] of [10, 20, 20].entries()) {
      clock.advanceMinutes(minutes);
      const res =
        i < 2
          ? await post(w.tokens.managerA, `/api/tickets/${tickets[i].id}/reply`, { body: 'On it' })
          : await post(w.tokens.managerA, `/api/tickets/${tickets[i].id}/resolve`, { outcome: 'no_fault' });
      expect(res.status).toBe(200);
    }
    clock.advanceMinutes(15);
    const to = new Date(clock.now().getTime() + 60_000).toISOString();

    const report = await get(w.tokens.managerA, '/api/reports/tickets', {
      from,
      to,
      campusId: other.campus.id,
    });
    expect(report.status).toBe(200);
    expect(report.body.campuses).toEqual([
      {
        campus: { id: other.campus.id, code: other.campus.code, name: expect.any(String) },
        tickets: 4,
        complaints: 4,
        enquiries: 0,
        repairs: 0,
        open: 3,
        overdue: 1,
        replied: 3,
        medianFirstReplyMinutes: 30,
        compensated: 0,
        compensationCents: 0,
      },
    ]);
    expect(report.body.total).toMatchObject({ tickets: 4, medianFirstReplyMinutes: 30 });

    // the whole region: this campus and the first site's, no tickets without an order (those have no region)
    const region = await get(w.tokens.managerA, '/api/reports/tickets', { from: '2026-01-01', to: to });
    expect(region.status).toBe(200);
    const campusIds = region.body.campuses.map(
      (c: { campus: { id: string } | null }) => c.campus?.id ?? null,
    );
    expect(campusIds).toContain(other.campus.id);
    expect(campusIds).not.toContain(null);
    const admin = await get(w.tokens.admin, '/api/reports/tickets', { from: '2026-01-01', to: to });
    expect(admin.body.campuses.some((c: { campus: unknown }) => c.campus === null)).toBe(true);

    const csv = await get(w.tokens.managerA, '/api/reports/tickets', {
      from,
      to,
      campusId: other.campus.id,
      format: 'csv',
    });
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.text).toContain('median_first_reply_minutes');
    expect(csv.text.trim().split('\r\n')).toHaveLength(3);

    expect(
      (await get(w.tokens.managerB, '/api/reports/tickets', { from, to, campusId: other.campus.id })).status,
    ).toBe(404);
    expect((await get(w.tokens.callCenter, '/api/reports/tickets', { from, to })).status).toBe(403);
    const bad = await get(w.tokens.managerA, '/api/reports/tickets', { from: 'yesterday', to });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('from');
  });
});
