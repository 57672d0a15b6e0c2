import { QueueName, QueueRegistry } from '@campus/queue';
import type { Fixtures, TestApp, World } from '@campus/testing';
import { eventually, TestClock } from '@campus/testing';
import { auth, startApp } from './support/app';
import { FulfilmentDriver, newPhone, Site } from './support/fulfilment';

jest.setTimeout(90_000);

interface Task {
  id: string;
  kind: string;
  status: string;
  orderId: string | null;
  campusId: string;
  installFeeCents: number;
  checklist: { label: string; done: boolean }[];
  codeFailures: number;
}

const wrongCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

describe('After-sales service tasks: training and repair return, with a fee per kind (e2e)', () => {
  let app: TestApp;
  let fx: Fixtures;
  let w: World;
  let d: FulfilmentDriver;
  let site: Site;
  const clock = new TestClock();

  beforeAll(async () => {
    ({ app, fx } = await startApp({ worker: true, clock }));
    w = await fx.world();
    d = new FulfilmentDriver(app, fx, w);
    site = await d.site({ agents: 1 });
  });
  afterAll(() => app?.close());

  const post = (token: string, path: string, body: object = {}) =>
    app.http().post(path).set(auth(token)).send(body);
  const put = (token: string, path: string, body: object = {}) =>
    app.http().put(path).set(auth(token)).send(body);

  const window = () => {
    const start = new Date(clock.now().getTime() + 30 * 60_000);
    return {
      windowStart: start.toISOString(),
      windowEnd: new Date(start.getTime() + 3_600_000).toISOString(),
    };
  };

  async function deliveredOrder(phone: string) {
    const order = await d.order(d.doorOrder(site.campus.id, phone));
    const agent = await d.outForDelivery(order.id, site);
    const res = await post(agent.token, `/api/orders/${order.id}/deliver`, {
      codCollectedCents: order.totalCents,
    });
    expect(res.status).toBe(200);
    return order;
  }

  const feeEntries = (taskId: string) =>
    app.sql<{ agent_id: string; amount_cents: string; kind: string }>(
      `SELECT agent_id, amount_cents, kind FROM commission_entries WHERE source_id = $1`,
      [taskId],
    );

  it('the admin sets the fee per kind; managers read it; bad kinds and amounts are refused', async () => {
    const set = await put(w.tokens.admin, '/api/task-fees/training', { feeCents: 1500 });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ kind: 'training', feeCents: 1500 });
    expect((await put(w.tokens.admin, '/api/task-fees/repair_return', { feeCents: 800 })).status).toBe(200);
    const list = await app.http().get('/api/task-fees').set(auth(w.tokens.managerA));
    expect(list.body).toEqual([
      expect.objectContaining({ kind: 'repair_return', feeCents: 800 }),
      expect.objectContaining({ kind: 'training', feeCents: 1500 }),
    ]);
    expect((await put(w.tokens.managerA, '/api/task-fees/training', { feeCents: 1 })).status).toBe(403);
    expect((await put(w.tokens.admin, '/api/task-fees/delivery_install', { feeCents: 1 })).status).toBe(404);
    const negative = await put(w.tokens.admin, '/api/task-fees/training', { feeCents: -5 });
    expect(negative.status).toBe(400);
    expect(negative.body.errors[0].field).toBe('feeCents');
    const [audit] = await app.sql<{ after: { feeCents: number } }>(
      `SELECT after FROM audit_log WHERE action = 'task_fee.set' AND entity_id = 'training' ORDER BY id DESC LIMIT 1`,
    );
    expect(audit.after.feeCents).toBe(1500);
  });

  it('a training task done with the texted code, after every checklist point, earns its fee once (a replayed event books nothing twice)', async () => {
    const phone = newPhone();
    const order = await deliveredOrder(phone);
    const [agent] = site.agents;

    // 1. the call centre opens a training for the delivered order: campus and customer from the order
    const created = await post(w.tokens.callCenter, '/api/tasks', {
      kind: 'training',
      orderId: order.id,
      description: 'Show the customer how to use the router',
    });
    expect(created.status).toBe(201);
    const task = created.body as Task;
    expect(task).toMatchObject({
      kind: 'training',
      status: 'open',
      orderId: order.id,
      campusId: site.campus.id,
      installFeeCents: 1500,
    });
    expect(task.checklist).toHaveLength(4);
    expect(task.checklist.every((c) => !c.done)).toBe(true);
    // a later change of the fee does not touch a task already opened
    expect((await put(w.tokens.admin, '/api/task-fees/training', { feeCents: 9999 })).status).toBe(200);

    // 2. assigned, scheduled: the code is texted (a sealed 'code' text; the message log masks it)
    expect(
      (await post(w.tokens.managerA, `/api/tasks/${task.id}/assign`, { agentId: agent.id })).status,
    ).toBe(200);
    expect((await post(agent.token, `/api/tasks/${task.id}/schedule`, window())).status).toBe(200);
    const code = await fx.taskCode(phone);
    const logged = await d.texts(phone, 'task_code');
    expect(logged[0].body).not.toContain(code);
    expect((await post(agent.token, `/api/tasks/${task.id}/start`)).status).toBe(200);

    // 3. the code before the checklist: 422 naming the checklist, and no try counted
    const early = await post(agent.token, `/api/tasks/${task.id}/complete`, { confirmationCode: code });
    expect(early.status).toBe(422);
    expect(early.body).toMatchObject({ code: 'checklist_incomplete', errors: [{ field: 'checklist' }] });
    expect(early.body.open).toHaveLength(4);

    // 4. the agent ticks the points (the whole set each time: repeating changes nothing)
    const some = await put(agent.token, `/api/tasks/${task.id}/checklist`, { ticked: [0, 2] });
    expect(some.status).toBe(200);
    expect(some.body.checklist.map((c: { done: boolean }) => c.done)).toEqual([true, false, true, false]);
    expect((await put(agent.token, `/api/tasks/${task.id}/checklist`, { ticked: [9] })).status).toBe(400);
    const all = await put(agent.token, `/api/tasks/${task.id}/checklist`, { ticked: [0, 1, 2, 3] });
    expect(all.body.checklist.every((c: { done: boolean }) => c.done)).toBe(true);
    // another agent cannot see (or tick) it
    const other = await fx.agent(site.campus.id, 'other');
    expect((await put(other.token, `/api/tasks/${task.id}/checklist`, { ticked: [] })).status).toBe(404);

    // 5. a wrong code is counted (the lockout machinery), the right one confirms
    const wrong = await post(agent.token, `/api/tasks/${task.id}/complete`, {
      confirmationCode: wrongCode(code),
    });
    expect(wrong.status).toBe(422);
    expect(wrong.body).toMatchObject({ code: 'wrong_confirmation_code', triesLeft: 4 });
    const done = await post(agent.token, `/api/tasks/${task.id}/complete`, { confirmationCode: code });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'done', codeFailures: 1 });

    // 6. the fee is the agent's, once, at the fee frozen on the task
    await eventually(async () => (await feeEntries(task.id)).length === 1);
    expect(await feeEntries(task.id)).toEqual([
      { agent_id: agent.id, amount_cents: '1500', kind: 'install_fee' },
    ]);
    const [completed] = await app.sql<{ id: string; payload: object }>(
      `SELECT id, payload FROM outbox WHERE event_type = 'task.completed' AND aggregate_id = $1`,
      [task.id],
    );
    const queue = app.worker!.get(QueueRegistry).get(QueueName.Commissions);
    const again = await queue.add(
      'task.completed',
      { outboxId: String(completed.id), type: 'task.completed', payload: completed.payload },
      { jobId: `redelivery-${completed.id}`, removeOnComplete: false },
    );
    await again.finished();
    expect(await feeEntries(task.id)).toHaveLength(1);
    const timeline = await app.http().get(`/api/tasks/${task.id}/events`).set(auth(agent.token));
    expect(timeline.body.map((e: { type: string }) => e.type)).toEqual([
      'opened',
      'assign',
      'schedule',
      'start',
      'checklist',
      'checklist',
      'code_rejected',
      'complete',
    ]);
    // done is final: no more ticking
    expect((await put(agent.token, `/api/tasks/${task.id}/checklist`, { ticked: [] })).status).toBe(409);
  });

  it('a repair return without an order earns the repair_return fee; validation and scope', async () => {
    await put(w.tokens.admin, '/api/task-fees/repair_return', { feeCents: 800 });
    const phone = newPhone();
    const back = await post(w.tokens.callCenter, '/api/tasks', {
      kind: 'repair_return',
      campusId: site.campus.id,
      customerPhone: phone,
      description: 'Bring the repaired laptop back',
    });
    expect(back.status).toBe(201);
    expect(back.body).toMatchObject({
      kind: 'repair_return',
      orderId: null,
      installFeeCents: 800,
      checklist: [],
    });
    // a repair pickup still earns nothing by default
    const pickup = await post(w.tokens.callCenter, '/api/tasks', {
      campusId: site.campus.id,
      customerPhone: phone,
      description: 'Collect the laptop',
    });
    expect(pickup.body).toMatchObject({ kind: 'repair_pickup', installFeeCents: 0 });

    const bad = await post(w.tokens.callCenter, '/api/tasks', { kind: 'delivery_install', description: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'campusId',
      'customerPhone',
      'kind',
    ]);
    const listForReturn = await post(w.tokens.callCenter, '/api/tasks', {
      kind: 'repair_return',
      campusId: site.campus.id,
      customerPhone: phone,
      description: 'x',
      checklist: ['one'],
    });
    expect(listForReturn.status).toBe(400);
    expect(listForReturn.body.errors[0].field).toBe('checklist');

    // the other region's manager cannot open a task on region A's order (404), nor on its campus
    const order = await d.order(d.doorOrder(site.campus.id, newPhone()));
    const foreign = await post(w.tokens.managerB, '/api/tasks', {
      kind: 'training',
      orderId: order.id,
      description: 'x',
    });
    expect(foreign.status).toBe(404);
    const foreignCampus = await post(w.tokens.managerB, '/api/tasks', {
      kind: 'training',
      campusId: site.campus.id,
      customerPhone: phone,
      description: 'x',
    });
    expect(foreignCampus.status).toBe(404);
  });
});
