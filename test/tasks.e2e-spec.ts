import { randomUUID } from 'node:crypto';
import { QueueName, QueueRegistry } from '@campus/queue';
import type { AgentRef, Fixtures, TestApp, World } from '@campus/testing';
import { eventually, TestClock } from '@campus/testing';
import { auth, startApp } from './support/app';
import { FulfilmentDriver, newPhone, Site } from './support/fulfilment';

// The e2e project's testTimeout is not applied per project; these tests wait on the worker.
jest.setTimeout(90_000);

interface Task {
  id: string;
  kind: string;
  status: string;
  orderId: string | null;
  agentId: string | null;
  items: { sku: string; name: string; quantity: number; installFeeCents: number }[];
  installFeeCents: number;
  dueAt: string | null;
  overdue: boolean;
  customer: { phone: string };
}

/** Drives tasks through the API the way agents, the call centre and managers would. */
class TaskDriver {
  constructor(
    readonly app: TestApp,
    readonly fx: Fixtures,
    readonly w: World,
    readonly d: FulfilmentDriver,
    readonly clock: TestClock,
  ) {}

  /** A product that needs installing (fee per unit). */
  installable(feeCents = 3000, priceCents = 29900): Promise<string> {
    return this.fx.product(`INST-${randomUUID().slice(0, 8)}`, {
      priceCents,
      stock: 50,
      requiresInstallation: true,
      installFeeCents: feeCents,
      category: 'network',
    });
  }

  /** A door-delivery COD order from the call centre. */
  order(site: Site, phone: string, lines: { sku: string; quantity: number }[]) {
    return this.d.order({
      customer: { phone, name: 'Li Lei' },
      lines,
      fulfillment: { type: 'delivery', campusId: site.campus.id, address: 'Dorm 7, room 101' },
      paymentMethod: 'cod',
    });
  }

  /** The install task of an order, once the worker has opened it. */
  taskOf(orderId: string, token = this.w.tokens.admin): Promise<Task> {
    return eventually(async () => {
      const res = await this.app.http().get('/api/tasks').query({ orderId }).set(auth(token));
      return res.body.items?.[0] as Task | undefined;
    });
  }

  get(taskId: string, token = this.w.tokens.admin) {
    return this.app.http().get(`/api/tasks/${taskId}`).set(auth(token));
  }

  post(token: string, path: string, body: object = {}) {
    return this.app.http().post(path).set(auth(token)).send(body);
  }

  /** A window starting `inMinutes` from the app's clock. */
  window(inMinutes = 60, lengthMinutes = 120) {
    const start = new Date(this.clock.now().getTime() + inMinutes * 60_000);
    return {
      windowStart: start.toISOString(),
      windowEnd: new Date(start.getTime() + lengthMinutes * 60_000).toISOString(),
    };
  }

  /** The confirmation codes texted to `phone`, newest first (as the customer's phone shows them). */
  async codes(phone: string): Promise<string[]> {
    const texts = await this.d.fx.codeTexts(phone, 'task_code');
    return texts.map((t) => t.text.match(/(?<!\d)\d{6}(?!\d)/)![0]);
  }

  /** Takes the order out and hands it over at the door with the exact COD cash. */
  async deliver(orderId: string, agent: AgentRef) {
    const total = (await this.d.get(orderId)).totalCents;
    expect((await this.post(agent.token, `/api/orders/${orderId}/dispatch`)).status).toBe(200);
    const res = await this.post(agent.token, `/api/orders/${orderId}/deliver`, { codCollectedCents: total });
    expect(res.status).toBe(200);
  }

  async orderStatus(orderId: string): Promise<string> {
    return (await this.d.get(orderId)).status;
  }

  completedEvents(taskId: string) {
    return this.app.sql<{ id: string; payload: Record<string, unknown> }>(
      `SELECT id, payload FROM outbox WHERE event_type = 'task.completed' AND aggregate_id = $1`,
      [taskId],
    );
  }
}

const wrongCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

describe('Tasks: delivery-plus-install and repair pickup (e2e)', () => {
  let app: TestApp;
  let fx: Fixtures;
  let w: World;
  let d: FulfilmentDriver;
  let t: TaskDriver;
  const clock = new TestClock();

  beforeAll(async () => {
    ({ app, fx } = await startApp({ worker: true, clock }));
    w = await fx.world();
    d = new FulfilmentDriver(app, fx, w);
    t = new TaskDriver(app, fx, w, d, clock);
  });
  afterAll(() => app?.close());

  it('the full path: assigned → task opened → scheduled (code texted) → wrong code 422 → right code → order completed, once even when events arrive twice', async () => {
    const site = await d.site({ agents: 1 });
    const [agent] = site.agents;
    const phone = newPhone();
    const router = await t.installable(3000);
    const order = await t.order(site, phone, [
      { sku: router, quantity: 2 },
      { sku: w.skus.usb, quantity: 1 },
    ]);

    // 1. auto-assigned; ONE delivery_install task for the same agent, listing what to install
    expect(await d.assigned(order.id)).toBe(agent.id);
    const task = await t.taskOf(order.id, agent.token);
    expect(task).toMatchObject({
      kind: 'delivery_install',
      status: 'assigned',
      orderId: order.id,
      agentId: agent.id,
      items: [{ sku: router, quantity: 2, installFeeCents: 3000 }],
      installFeeCents: 6000,
      customer: { phone },
      dueAt: null,
      overdue: false,
    });
    const mine = await app.http().get('/api/tasks').query({ agentId: 'me' }).set(auth(agent.token));
    expect(mine.body.items.map((x: Task) => x.id)).toEqual([task.id]);

    // 2. the agent's work list shows the delivery and the task with what to do next
    const work = await app.http().get('/api/fulfilment/work').set(auth(agent.token));
    expect(work.status).toBe(200);
    expect(work.body.items.map((i: { order: { id: string } }) => i.order.id)).toEqual([order.id]);
    expect(work.body.tasks).toEqual([
      { task: expect.objectContaining({ id: task.id }), nextActions: ['schedule', 'fail'] },
    ]);

    // 3. scheduled by the agent: a 6-digit code is texted to the customer (a 'code' text)
    const scheduled = await t.post(agent.token, `/api/tasks/${task.id}/schedule`, t.window(60, 120));
    expect(scheduled.status).toBe(200);
    expect(scheduled.body.status).toBe('scheduled');
    const [code] = await t.codes(phone);
    expect(code).toMatch(/^\d{6}$/);
    const [stored] = await app.sql<{ code_hash: string }>(`SELECT code_hash FROM tasks WHERE id = $1`, [
      task.id,
    ]);
    expect(stored.code_hash).not.toContain(code);
    expect((await t.post(agent.token, `/api/tasks/${task.id}/start`)).body.status).toBe('in_progress');

    // 4. done before the order is delivered: refused (422), and the code is not burnt
    const early = await t.post(agent.token, `/api/tasks/${task.id}/complete`, { confirmationCode: code });
    expect(early.status).toBe(422);
    expect(early.body).toMatchObject({ code: 'order_not_delivered', orderStatus: 'assigned' });

    // 5. delivered: the order does not complete while its task is open, nor manually
    await t.deliver(order.id, agent);
    await eventually(async () => {
      const [row] = await app.sql<{ due_at: Date | null }>(`SELECT due_at FROM tasks WHERE id = $1`, [
        task.id,
      ]);
      return row.due_at !== null;
    });
    const manual = await t.post(w.tokens.managerA, `/api/orders/${order.id}/complete`);
    expect(manual.status).toBe(422);
    expect(manual.body).toMatchObject({
      code: 'tasks_pending',
      tasks: [{ id: task.id, status: 'in_progress' }],
    });
    expect(await t.orderStatus(order.id)).toBe('delivered');
    expect((await t.post(w.tokens.managerB, `/api/orders/${order.id}/complete`)).status).toBe(404);

    // 6. wrong code 422 (counted), then the right one with notes
    const wrong = await t.post(agent.token, `/api/tasks/${task.id}/complete`, {
      confirmationCode: wrongCode(code),
    });
    expect(wrong.status).toBe(422);
    expect(wrong.body).toMatchObject({ code: 'wrong_confirmation_code', triesLeft: 4 });
    const done = await t.post(agent.token, `/api/tasks/${task.id}/complete`, {
      confirmationCode: code,
      notes: 'Router on the desk, Wi-Fi set up with the customer',
    });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({
      status: 'done',
      notes: 'Router on the desk, Wi-Fi set up with the customer',
      codeFailures: 1,
    });
    expect(done.body.completedAt).not.toBeNull();

    // 7. the order completes once delivered and its task is done
    await eventually(async () => (await t.orderStatus(order.id)) === 'completed');
    const twice = await t.post(w.tokens.managerA, `/api/orders/${order.id}/complete`);
    expect(twice.status).toBe(409);
    expect(twice.body.currentStatus).toBe('completed');

    // 8. exactly one task.completed, written with the done move, carrying the fee for the agent
    const completed = await t.completedEvents(task.id);
    expect(completed).toHaveLength(1);
    expect(completed[0].payload).toMatchObject({
      taskId: task.id,
      kind: 'delivery_install',
      orderId: order.id,
      agentId: agent.id,
      regionId: w.regionA.id,
      campusId: site.campus.id,
      installFeeCents: 6000,
    });

    // 9. the assign and deliver events, and task.completed, delivered a second time change nothing
    const rows = await app.sql<{ id: string; event_type: string; payload: object }>(
      `SELECT id, event_type, payload FROM outbox
        WHERE (aggregate_id = $1 AND event_type = 'order.status_changed' AND payload->>'action' IN ('assign', 'deliver'))
           OR (aggregate_id = $2 AND event_type = 'task.completed')
        ORDER BY id`,
      [order.id, task.id],
    );
    expect(rows.map((r) => r.event_type)).toEqual([
      'order.status_changed',
      'order.status_changed',
      'task.completed',
    ]);
    const queue = app.worker!.get(QueueRegistry).get(QueueName.Tasks);
    for (const row of rows) {
      const again = await queue.add(
        row.event_type,
        { outboxId: String(row.id), type: row.event_type, payload: row.payload },
        // Kept after completion: a fast job removed at once could leave finished() waiting forever.
        { jobId: `redelivery-${row.id}`, removeOnComplete: false },
      );
      await again.finished();
    }
    expect(await app.sql(`SELECT 1 FROM tasks WHERE order_id = $1`, [order.id])).toHaveLength(1);
    expect(await t.completedEvents(task.id)).toHaveLength(1);
    const events = await d.events(order.id);
    expect(events.filter((e) => e.type === 'complete')).toHaveLength(1);
    expect(events.map((e) => e.type)).toEqual([
      'placed',
      'assign',
      'task_opened',
      'dispatch',
      'deliver',
      'task_done',
      'complete',
    ]);
    expect(events[6]).toMatchObject({
      actor: { role: 'system' },
      data: { cause: 'tasks_done', tasks: [task.id] },
    });

    // 10. the task's own timeline, with the rejected code
    const timeline = await app.http().get(`/api/tasks/${task.id}/events`).set(auth(agent.token));
    expect(timeline.body.map((e: { type: string }) => e.type)).toEqual([
      'opened',
      'schedule',
      'start',
      'code_rejected',
      'complete',
    ]);
    // done is final
    const again = await t.post(agent.token, `/api/tasks/${task.id}/fail`, { reason: 'oops' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'illegal_transition', currentStatus: 'done' });
  });

  it('orders without installable items complete on delivery, with no task', async () => {
    const site = await d.site({ agents: 1 });
    const [agent] = site.agents;
    const order = await t.order(site, newPhone(), [{ sku: w.skus.usb, quantity: 1 }]);
    expect(await d.assigned(order.id)).toBe(agent.id);
    await t.deliver(order.id, agent);
    await eventually(async () => (await t.orderStatus(order.id)) === 'completed');
    const events = await d.events(order.id);
    expect(events.filter((e) => e.type === 'complete')).toEqual([
      expect.objectContaining({ fromStatus: 'delivered', data: { cause: 'delivered', tasks: [] } }),
    ]);
    expect(await app.sql(`SELECT 1 FROM tasks WHERE order_id = $1`, [order.id])).toHaveLength(0);
  });

  it('a locker order: the task cannot be done while the parcel waits; picked up, it can and the order completes', async () => {
    const site = await d.site({ agents: 1 });
    const [agent] = site.agents;
    const phone = newPhone();
    const printer = await t.installable(2500, 59900);
    const order = await d.order(d.lockerOrder(site, phone, 'cod', printer));
    await d.outForDelivery(order.id, site);
    const task = await t.taskOf(order.id);
    expect(task).toMatchObject({ agentId: agent.id, installFeeCents: 2500 });
    const dep = await d.post(agent.token, `/api/orders/${order.id}/deposit`, {
      lockerId: site.locker.id,
      size: 'L',
    });
    expect(dep.status).toBe(200);
    await t.post(w.tokens.callCenter, `/api/tasks/${task.id}/schedule`, t.window(30, 60)).expect(200);
    await t.post(agent.token, `/api/tasks/${task.id}/start`).expect(200);
    const [code] = await t.codes(phone);
    const early = await t.post(agent.token, `/api/tasks/${task.id}/complete`, { confirmationCode: code });
    expect(early.status).toBe(422);
    expect(early.body).toMatchObject({ code: 'order_not_delivered', orderStatus: 'awaiting_pickup' });

    const pickupCode = await eventually(() => d.pickupCode(phone, order.id).catch(() => null));
    const picked = await d.post(site.pickupStaff, `/api/lockers/${site.locker.id}/pickup`, {
      code: pickupCode,
      codCollectedCents: order.totalCents,
    });
    expect(picked.status).toBe(200);
    // the order waits for its task even though it is delivered
    await eventually(async () => {
      const [row] = await app.sql<{ due_at: Date | null }>(`SELECT due_at FROM tasks WHERE id = $1`, [
        task.id,
      ]);
      return row.due_at !== null;
    });
    expect(await t.orderStatus(order.id)).toBe('delivered');
    await t.post(agent.token, `/api/tasks/${task.id}/complete`, { confirmationCode: code }).expect(200);
    await eventually(async () => (await t.orderStatus(order.id)) === 'completed');
  });

  it('failure and reassignment: the task follows its order until started; a failed task is reassigned and rescheduled', async () => {
    const site = await d.site({ agents: 2 });
    const phone = newPhone();
    const order = await t.order(site, phone, [{ sku: await t.installable(3000), quantity: 1 }]);
    const firstId = await d.assigned(order.id);
    const first = site.agents.find((a) => a.id === firstId)!;
    const second = site.agents.find((a) => a.id !== firstId)!;
    const task = await t.taskOf(order.id);
    expect(task.agentId).toBe(first.id);
    await t.post(first.token, `/api/tasks/${task.id}/schedule`, t.window()).expect(200);

    // the manager gives the (undispatched) order to the other agent: the unstarted task goes along,
    // its window and code lapse, and the first agent no longer sees it
    await t.post(w.tokens.managerA, `/api/orders/${order.id}/assign`, { agentId: second.id }).expect(200);
    const moved = await eventually(async () => {
      const res = await t.get(task.id);
      return res.body.agentId === second.id && res.body;
    });
    expect(moved).toMatchObject({ status: 'assigned', windowStart: null, windowEnd: null });
    expect((await t.get(task.id, first.token)).status).toBe(404);
    const stranger = await t.post(first.token, `/api/tasks/${task.id}/start`);
    expect(stranger.status).toBe(404);

    // scheduled through the call centre; the new agent cannot do it and says why
    await t.post(w.tokens.callCenter, `/api/tasks/${task.id}/schedule`, t.window(90, 60)).expect(200);
    const failed = await t.post(second.token, `/api/tasks/${task.id}/fail`, {
      reason: 'customer not at home',
    });
    expect(failed.status).toBe(200);
    expect(failed.body).toMatchObject({ status: 'failed', failureReason: 'customer not at home' });
    const start = await t.post(second.token, `/api/tasks/${task.id}/start`);
    expect(start.status).toBe(409);
    expect(start.body).toMatchObject({
      code: 'illegal_transition',
      currentStatus: 'failed',
      action: 'start',
    });
    const noReason = await t.post(second.token, `/api/tasks/${task.id}/fail`, {});
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors[0].field).toBe('reason');

    // reassignment rules: out of scope 404, suspended or other campus 422, only managers and admins
    const path = `/api/tasks/${task.id}/assign`;
    expect((await t.post(w.tokens.managerA, path, { agentId: w.agentB1.id })).status).toBe(404);
    const otherCampus = await t.post(w.tokens.managerA, path, { agentId: w.agentA1.id });
    expect(otherCampus.status).toBe(422);
    expect(otherCampus.body.code).toBe('agent_unavailable');
    const idle = await fx.agent(site.campus.id, 'idle');
    await app
      .http()
      .patch(`/api/agents/${idle.id}`)
      .set(auth(w.tokens.managerA))
      .send({ status: 'suspended' })
      .expect(200);
    expect((await t.post(w.tokens.managerA, path, { agentId: idle.id })).status).toBe(422);
    expect((await t.post(w.tokens.callCenter, path, { agentId: first.id })).status).toBe(403);

    // the manager gives the failed task back to the first agent, who reschedules: a new code
    const back = await t.post(w.tokens.managerA, path, { agentId: first.id, reason: 'knows the customer' });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ status: 'assigned', agentId: first.id });
    const before = await t.codes(phone);
    await t.post(first.token, `/api/tasks/${task.id}/schedule`, t.window(120, 60)).expect(200);
    const after = await t.codes(phone);
    expect(after).toHaveLength(before.length + 1);

    const timeline = await app.http().get(`/api/tasks/${task.id}/events`).set(auth(w.tokens.admin));
    expect(timeline.body.map((e: { type: string }) => e.type)).toEqual([
      'opened',
      'schedule',
      'assign',
      'schedule',
      'fail',
      'assign',
      'schedule',
    ]);
    expect(timeline.body[2]).toMatchObject({
      actor: { role: 'system' },
      reason: 'order reassigned',
      data: { agentId: second.id, previousAgentId: first.id, mode: 'with_order' },
    });
    expect(timeline.body[5]).toMatchObject({
      fromStatus: 'failed',
      toStatus: 'assigned',
      reason: 'knows the customer',
      data: { agentId: first.id, previousAgentId: second.id, mode: 'manual' },
    });
  });

  it('an order returned to the pool (agent suspended) takes its unstarted task along to the next agent', async () => {
    const site = await d.site({ agents: 2 });
    const order = await t.order(site, newPhone(), [{ sku: await t.installable(1000), quantity: 3 }]);
    const firstId = await d.assigned(order.id);
    const task = await t.taskOf(order.id);
    expect(task).toMatchObject({ agentId: firstId, installFeeCents: 3000 });
    await app
      .http()
      .patch(`/api/agents/${firstId}`)
      .set(auth(w.tokens.managerA))
      .send({ status: 'suspended' })
      .expect(200);
    const secondId = site.agents.find((a) => a.id !== firstId)!.id;
    await eventually(async () => (await t.get(task.id)).body.agentId === secondId);
    const timeline = await app.http().get(`/api/tasks/${task.id}/events`).set(auth(w.tokens.admin));
    const moves = timeline.body.map((e: { type: string; toStatus: string }) => `${e.type}:${e.toStatus}`);
    // The consumer syncs the task with the order as it is when the event is handled: if the order
    // was already given to the next agent by then, the task moves there directly, without the
    // intermediate `open`. Either way it ends with the next agent, once.
    expect([
      ['opened:assigned', 'unassign:open', 'assign:assigned'],
      ['opened:assigned', 'assign:assigned'],
    ]).toContainEqual(moves);
    expect(timeline.body.at(-1)).toMatchObject({ data: { agentId: secondId } });
  });

  it('a cancelled order cancels its task', async () => {
    const site = await d.site({ agents: 1 });
    const order = await t.order(site, newPhone(), [{ sku: await t.installable(), quantity: 1 }]);
    const task = await t.taskOf(order.id);
    await t
      .post(w.tokens.callCenter, `/api/orders/${order.id}/cancel`, { reason: 'changed mind' })
      .expect(200);
    await eventually(async () => (await t.get(task.id)).body.status === 'cancelled');
  });

  it('repair pickup: opened by the call centre without an order; five wrong codes lock it until the call centre issues a new code', async () => {
    const site = await d.site({ agents: 1 });
    const [agent] = site.agents;
    const phone = newPhone();
    const created = await t.post(w.tokens.callCenter, '/api/tasks', {
      customerPhone: phone.replace('+86', ''),
      customerName: 'Han Meimei',
      campusId: site.campus.id,
      description: 'Laptop does not power on',
      address: 'Dorm 3, room 210',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      kind: 'repair_pickup',
      status: 'open',
      orderId: null,
      agentId: null,
      regionId: w.regionA.id,
      customer: { phone, name: 'Han Meimei' },
      installFeeCents: 0,
      overdue: false,
    });
    const id = created.body.id as string;
    expect(new Date(created.body.dueAt).getTime() - new Date(created.body.createdAt).getTime()).toBe(
      48 * 3_600_000,
    );
    // invalid input names its field; a campus out of scope is 404
    const bad = await t.post(w.tokens.callCenter, '/api/tasks', {
      customerPhone: 'nope',
      campusId: site.campus.id,
      description: 'x',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('customerPhone');
    const outOfScope = await t.post(w.tokens.managerB, '/api/tasks', {
      customerPhone: phone,
      campusId: site.campus.id,
      description: 'x',
    });
    expect(outOfScope.status).toBe(404);
    // not assigned yet: nobody may schedule it
    expect((await t.post(w.tokens.callCenter, `/api/tasks/${id}/schedule`, t.window())).status).toBe(409);

    await t.post(w.tokens.managerA, `/api/tasks/${id}/assign`, { agentId: agent.id }).expect(200);
    // schedule validation: end after start, not in the past, bounded length
    const s = `/api/tasks/${id}/schedule`;
    const backwards = await t.post(agent.token, s, t.window(60, -30));
    expect(backwards.status).toBe(400);
    expect(backwards.body.errors).toEqual([{ field: 'windowEnd', message: 'must be after windowStart' }]);
    expect((await t.post(agent.token, s, t.window(-180, 60))).body.errors[0].field).toBe('windowStart');
    expect((await t.post(agent.token, s, t.window(60, 12 * 60))).body.errors[0].field).toBe('windowEnd');
    expect((await t.post(agent.token, s, { windowStart: 'tomorrow', windowEnd: 'later' })).status).toBe(400);
    await t.post(agent.token, s, t.window()).expect(200);
    await t.post(agent.token, `/api/tasks/${id}/start`).expect(200);
    const [code] = await t.codes(phone);

    const c = `/api/tasks/${id}/complete`;
    for (let i = 1; i <= 5; i++) {
      const res = await t.post(agent.token, c, { confirmationCode: wrongCode(code) });
      expect(res.status).toBe(422);
      expect(res.body.triesLeft).toBe(5 - i);
    }
    const locked = await t.post(agent.token, c, { confirmationCode: code });
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('confirmation_code_locked');
    expect((await t.get(id, agent.token)).body).toMatchObject({ codeLocked: true, codeFailures: 5 });
    expect((await t.post(agent.token, c, { confirmationCode: '12345' })).status).toBe(400);

    // in progress cannot be rescheduled; failed and rescheduled, the task stays locked (issue 17.3:
    // wrong codes count per task); only the call centre or a manager issues a new code
    expect((await t.post(w.tokens.callCenter, s, t.window())).status).toBe(409);
    await t.post(agent.token, `/api/tasks/${id}/fail`, { reason: 'code locked' }).expect(200);
    const stillLocked = await t.post(w.tokens.callCenter, s, t.window(30, 60));
    expect(stillLocked.status).toBe(429);
    expect(stillLocked.body.code).toBe('confirmation_code_locked');
    await t.post(w.tokens.callCenter, `/api/tasks/${id}/new-code`).expect(200);
    await t.post(w.tokens.callCenter, s, t.window(30, 60)).expect(200);
    const [fresh] = await t.codes(phone);
    await t.post(agent.token, `/api/tasks/${id}/start`).expect(200);
    const done = await t.post(agent.token, c, { confirmationCode: fresh, notes: 'collected the laptop' });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'done', codeLocked: false });
    const completed = await t.completedEvents(id);
    expect(completed).toHaveLength(1);
    expect(completed[0].payload).toMatchObject({ kind: 'repair_pickup', orderId: null, installFeeCents: 0 });
  });

  it('concurrent tries: wrong codes are counted one by one, and a task is done (and published) once', async () => {
    const site = await d.site({ agents: 1 });
    const [agent] = site.agents;
    const phone = newPhone();
    const created = await t.post(w.tokens.callCenter, '/api/tasks', {
      customerPhone: phone,
      campusId: site.campus.id,
      description: 'Monitor flickers',
    });
    const id = created.body.id as string;
    await t.post(w.tokens.managerA, `/api/tasks/${id}/assign`, { agentId: agent.id }).expect(200);
    await t.post(agent.token, `/api/tasks/${id}/schedule`, t.window()).expect(200);
    await t.post(agent.token, `/api/tasks/${id}/start`).expect(200);
    const [code] = await t.codes(phone);
    const c = `/api/tasks/${id}/complete`;

    const guesses = await Promise.all(
      Array.from({ length: 8 }, () => t.post(agent.token, c, { confirmationCode: wrongCode(code) })),
    );
    expect(guesses.map((r) => r.status).sort()).toEqual([422, 422, 422, 422, 422, 429, 429, 429]);
    expect((await t.get(id)).body.codeFailures).toBe(5);

    await t.post(agent.token, `/api/tasks/${id}/fail`, { reason: 'locked out' }).expect(200);
    await t.post(w.tokens.managerA, `/api/tasks/${id}/new-code`).expect(200);
    await t.post(agent.token, `/api/tasks/${id}/schedule`, t.window()).expect(200);
    await t.post(agent.token, `/api/tasks/${id}/start`).expect(200);
    const [fresh] = await t.codes(phone);
    const results = await Promise.all(
      Array.from({ length: 5 }, () => t.post(agent.token, c, { confirmationCode: fresh })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409]);
    expect(await t.completedEvents(id)).toHaveLength(1);
  });

  it('scoping: agents see their own tasks, managers their region’s; out of scope is 404', async () => {
    const site = await d.site({ agents: 2 });
    const order = await t.order(site, newPhone(), [{ sku: await t.installable(), quantity: 1 }]);
    const ownerId = await d.assigned(order.id);
    const owner = site.agents.find((a) => a.id === ownerId)!;
    const other = site.agents.find((a) => a.id !== ownerId)!;
    const task = await t.taskOf(order.id);

    const listed = async (token: string, query: Record<string, string> = {}) =>
      (
        await app
          .http()
          .get('/api/tasks')
          .query({ limit: '200', ...query })
          .set(auth(token))
      ).body.items.map((x: Task) => x.id) as string[];
    expect(await listed(owner.token)).toContain(task.id);
    expect(await listed(other.token)).not.toContain(task.id);
    expect((await t.get(task.id, other.token)).status).toBe(404);
    expect((await t.post(other.token, `/api/tasks/${task.id}/schedule`, t.window())).status).toBe(404);
    expect((await t.get(task.id, owner.token)).status).toBe(200);

    expect(await listed(w.tokens.managerA)).toContain(task.id);
    expect(await listed(w.tokens.managerA, { campusId: site.campus.id })).toEqual([task.id]);
    expect(await listed(w.tokens.managerB)).not.toContain(task.id);
    expect((await t.get(task.id, w.tokens.managerB)).status).toBe(404);
    expect(
      (await t.post(w.tokens.managerB, `/api/tasks/${task.id}/assign`, { agentId: other.id })).status,
    ).toBe(404);
    expect((await app.http().get(`/api/tasks/${task.id}/events`).set(auth(w.tokens.managerB))).status).toBe(
      404,
    );
    expect(await listed(w.tokens.callCenter)).toContain(task.id);
    expect((await t.get(task.id, w.tokens.pickupA1)).status).toBe(403);

    const me = await app.http().get('/api/tasks').query({ agentId: 'me' }).set(auth(w.tokens.managerA));
    expect(me.status).toBe(400);
    expect(me.body.errors[0].field).toBe('agentId');
    expect(
      (await app.http().get('/api/tasks').query({ overdue: 'maybe' }).set(auth(w.tokens.admin))).status,
    ).toBe(400);

    // pagination: a cursor walks the list without repeats
    const first = await app.http().get('/api/tasks').query({ limit: '1' }).set(auth(w.tokens.admin));
    expect(first.body.items).toHaveLength(1);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const next = await app
      .http()
      .get('/api/tasks')
      .query({ limit: '1', cursor: first.body.nextCursor })
      .set(auth(w.tokens.admin));
    expect(next.body.items[0].id).not.toBe(first.body.items[0].id);
  });

  it('keeps one install task per order and the task timeline append-only (database invariants)', async () => {
    const site = await d.site({ agents: 1 });
    const order = await t.order(site, newPhone(), [{ sku: await t.installable(), quantity: 1 }]);
    const row = await t.taskOf(order.id);
    expect(row.status).toBe('assigned');
    await expect(
      app.sql(
        `INSERT INTO tasks (kind, status, order_id, order_number, region_id, campus_id, customer_phone, created_by_id, created_by_role)
         SELECT kind, 'open', order_id, order_number, region_id, campus_id, customer_phone, created_by_id, created_by_role
           FROM tasks WHERE id = $1`,
        [row.id],
      ),
    ).rejects.toThrow(/tasks_one_install_per_order/);
    await expect(
      app.sql(`UPDATE tasks SET status = 'scheduled', window_start = NULL, window_end = NULL WHERE id = $1`, [
        row.id,
      ]),
    ).rejects.toThrow(/tasks_scheduled_has_window_and_code/);
    await expect(
      app.sql(`UPDATE tasks SET status = 'open', agent_id = (SELECT id FROM agents LIMIT 1) WHERE id = $1`, [
        row.id,
      ]),
    ).rejects.toThrow(/tasks_agent_when_taken/);
    await expect(
      app.sql(`UPDATE tasks SET status = 'failed', failure_reason = NULL WHERE id = $1`, [row.id]),
    ).rejects.toThrow(/tasks_failed_has_reason/);
    await expect(app.sql(`DELETE FROM task_events WHERE task_id = $1`, [row.id])).rejects.toThrow(
      /append-only/,
    );
  });
});

describe('Tasks: SLA and return window on a moving clock (e2e)', () => {
  let app: TestApp;
  let fx: Fixtures;
  let w: World;
  let d: FulfilmentDriver;
  let t: TaskDriver;
  const clock = new TestClock();

  beforeAll(async () => {
    ({ app, fx } = await startApp({
      worker: true,
      clock,
      env: { INSTALL_SLA_HOURS: '1', RETURN_WINDOW_HOURS: '3' },
    }));
    w = await fx.world();
    d = new FulfilmentDriver(app, fx, w);
    t = new TaskDriver(app, fx, w, d, clock);
  });
  afterAll(() => app?.close());

  it('flags tasks not done within INSTALL_SLA_HOURS of delivery (repairs: of creation) and lists them for the region’s manager', async () => {
    const site = await d.site({ agents: 1 });
    const [agent] = site.agents;
    const phone = newPhone();
    const sku = await t.installable();
    const order = await t.order(site, phone, [{ sku, quantity: 1 }]);
    const task = await t.taskOf(order.id);
    const waiting = await t.taskOf((await t.order(site, newPhone(), [{ sku, quantity: 1 }])).id);
    const repair = await t.post(w.tokens.callCenter, '/api/tasks', {
      customerPhone: newPhone(),
      campusId: site.campus.id,
      description: 'Printer jams',
    });
    expect(repair.status).toBe(201);
    const overdue = async (token: string) =>
      (
        (
          await app
            .http()
            .get('/api/tasks')
            .query({ overdue: 'true', campusId: site.campus.id })
            .set(auth(token))
        ).body.items.map((x: Task) => x.id) as string[]
      ).sort();

    await t.deliver(order.id, agent);
    const delivered = await eventually(async () => {
      const res = await t.get(task.id);
      return res.body.dueAt && res.body;
    });
    const deliveredAt = new Date(((await d.get(order.id)) as unknown as { deliveredAt: string }).deliveredAt);
    expect(new Date(delivered.dueAt).getTime() - deliveredAt.getTime()).toBe(3_600_000);
    expect(delivered.overdue).toBe(false);
    expect(await overdue(w.tokens.managerA)).toEqual([]);

    // an hour later by the app's clock: the delivered task and the repair are overdue; the task of
    // the undelivered order has no deadline yet
    clock.advanceMinutes(61);
    expect(await overdue(w.tokens.managerA)).toEqual([repair.body.id, task.id].sort());
    expect(await overdue(w.tokens.managerB)).toEqual([]);
    expect((await t.get(task.id, agent.token)).body.overdue).toBe(true);
    expect((await t.get(waiting.id)).body).toMatchObject({ dueAt: null, overdue: false });
    const onTime = await app
      .http()
      .get('/api/tasks')
      .query({ overdue: 'false', campusId: site.campus.id })
      .set(auth(w.tokens.managerA));
    expect(onTime.body.items.map((x: Task) => x.id)).toEqual([waiting.id]);

    // done late: no longer listed as overdue
    await t.post(agent.token, `/api/tasks/${task.id}/schedule`, t.window(5, 60)).expect(200);
    await t.post(agent.token, `/api/tasks/${task.id}/start`).expect(200);
    const [code] = await t.codes(phone);
    await t.post(agent.token, `/api/tasks/${task.id}/complete`, { confirmationCode: code }).expect(200);
    expect(await overdue(w.tokens.managerA)).toEqual([repair.body.id]);
  });

  it('with RETURN_WINDOW_HOURS set, a delivered order completes when the window is over', async () => {
    const site = await d.site({ agents: 1 });
    const [agent] = site.agents;
    const order = await t.order(site, newPhone(), [{ sku: w.skus.pen, quantity: 1 }]);
    expect(await d.assigned(order.id)).toBe(agent.id);
    await t.deliver(order.id, agent);
    await eventually(
      async () =>
        (
          await app.sql(
            `SELECT 1 FROM outbox WHERE aggregate_id = $1 AND event_type = 'order.completion_due'`,
            [order.id],
          )
        ).length === 1,
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(await t.orderStatus(order.id)).toBe('delivered');
    clock.advanceMinutes(3 * 60 + 1);
    await eventually(async () => (await t.orderStatus(order.id)) === 'completed');
    const events = await d.events(order.id);
    expect(events[events.length - 1]).toMatchObject({
      type: 'complete',
      data: { cause: 'return_window_over' },
    });
  });
});
