import {
  AppConfig,
  Clock,
  DEFAULT_PAGE_SIZE,
  IllegalTransitionError,
  NotFoundError,
  Principal,
  purposeKey,
  RequestContext,
  ValidationError,
} from '@campus/core';
import type { Db } from '@campus/database';
import type { AgentsService, NetworkService } from '@campus/network';
import type { NotificationsService } from '@campus/notifications';
import type { OrderService, OrderView } from '@campus/orders';
import type { OutboxService } from '@campus/queue';
import { TaskAssignmentService } from './task-assignment.service';
import { TaskCodesService } from './task-codes.service';
import { TaskLifecycleService } from './task-lifecycle.service';
import { confirmationCodeHash, MAX_CODE_FAILURES } from './task-policy';
import type { TaskChanges, TaskRepository, TaskRow } from './task.repository';
import type { TaskStatus } from './task-state-machine';
import {
  ChecklistIncompleteError,
  ConfirmationCodeLockedError,
  OrderNotDeliveredError,
  TaskAgentUnavailableError,
  WrongConfirmationCodeError,
} from './task.errors';
import { TasksService } from './tasks.service';

/** The repository faked at the seam: every statement a jest.fn over one in-memory row, no PostgreSQL. */
type Mocked<T> = { [K in keyof T]: T[K] extends (...a: never[]) => unknown ? jest.Mock : T[K] };

const TASK = '44444444-4444-4444-8444-444444444444';
const ORDER = '55555555-5555-4555-8555-555555555555';
const AGENT = '66666666-6666-4666-8666-666666666666';
const OTHER_AGENT = '77777777-7777-4777-8777-777777777777';
const REGION = '11111111-1111-4111-8111-111111111111';
const CAMPUS = '22222222-2222-4222-8222-222222222222';
const SECRET = 'unit-test-codes-secret-'.padEnd(40, 'x');
const NOW = new Date('2026-12-06T02:00:00Z');

const ctxOf = (p: Partial<Principal> = {}) =>
  new RequestContext({ kind: 'user', id: 'u-1', role: 'agent', agentId: AGENT, ...p }, 'req');
const manager = () => ctxOf({ role: 'regional_manager', regionId: REGION, agentId: null });

const codeHash = (code: string) => confirmationCodeHash(purposeKey(SECRET, 'task-code'), TASK, code);

const taskRow = (over: Partial<TaskRow> = {}): TaskRow => ({
  id: TASK,
  kind: 'delivery_install',
  status: 'in_progress',
  order_id: ORDER,
  order_number: 'A-1001',
  region_id: REGION,
  campus_id: CAMPUS,
  agent_id: AGENT,
  customer_id: 'c-1',
  customer_phone: '+8613800000001',
  customer_name: null,
  address: 'Dorm 3, room 101',
  description: null,
  items: [],
  checklist: [],
  fee_cents: 1500,
  window_start: new Date('2026-12-06T06:00:00Z'),
  window_end: new Date('2026-12-06T08:00:00Z'),
  code_hash: codeHash('123456'),
  code_failures: 0,
  notes: null,
  failure_reason: null,
  due_at: null,
  created_at: new Date('2026-12-05T02:00:00Z'),
  updated_at: new Date('2026-12-05T02:00:00Z'),
  assigned_at: new Date('2026-12-05T03:00:00Z'),
  scheduled_at: null,
  started_at: null,
  completed_at: null,
  failed_at: null,
  ...over,
});

describe(TasksService.name, () => {
  let sut: TasksService;
  let row: TaskRow;
  let repo: Mocked<TaskRepository>;
  let orders: { get: jest.Mock; find: jest.Mock; note: jest.Mock };
  let agents: { get: jest.Mock };
  let network: { campusInScope: jest.Mock };
  let notifications: { send: jest.Mock; notifyStaff: jest.Mock };
  let outbox: { append: jest.Mock };

  /** The task as stored, for the fakes that answer or change it. */
  const given = (over: Partial<TaskRow>) => Object.assign(row, over);

  beforeEach(() => {
    row = taskRow();
    const current = () => ({ ...row });
    repo = {
      find: jest.fn().mockImplementation(() => Promise.resolve(current())),
      findInScope: jest.fn().mockImplementation(() => Promise.resolve(current())),
      peekOrder: jest.fn().mockImplementation(() => Promise.resolve({ orderId: row.order_id })),
      lockOrderKey: jest.fn().mockResolvedValue(undefined),
      lockInScope: jest.fn().mockImplementation(() => Promise.resolve(current())),
      ofOrder: jest.fn().mockImplementation(() => Promise.resolve([current()])),
      list: jest.fn().mockResolvedValue([]),
      ofAgent: jest.fn().mockResolvedValue([]),
      countOfAgent: jest.fn().mockResolvedValue(0),
      insert: jest.fn().mockResolvedValue(TASK),
      updateStatus: jest.fn().mockImplementation((_tx, _id, to: TaskStatus, set: TaskChanges = {}) => {
        given({ status: to, ...set, ...(to === 'done' ? { completed_at: NOW } : {}) });
        return Promise.resolve();
      }),
      setChecklist: jest.fn().mockImplementation((_tx, _id, checklist) => {
        given({ checklist });
        return Promise.resolve();
      }),
      setDueAt: jest.fn().mockResolvedValue(undefined),
      codeHash: jest.fn().mockImplementation(() => Promise.resolve(row.code_hash)),
      countCodeFailure: jest.fn().mockImplementation(() => {
        given({ code_failures: row.code_failures + 1 });
        return Promise.resolve(row.code_failures);
      }),
      resetCode: jest.fn().mockResolvedValue(undefined),
      insertEvent: jest.fn().mockResolvedValue(undefined),
      events: jest.fn().mockResolvedValue([]),
      lockAgent: jest
        .fn()
        .mockResolvedValue({ status: 'active', campus_id: CAMPUS, user_id: 'u-9', phone: '+8613900000009' }),
      lockActiveAgentOn: jest.fn().mockResolvedValue({ user_id: 'u-9', phone: '+8613900000009' }),
      fees: jest.fn().mockResolvedValue([]),
      fee: jest.fn().mockResolvedValue(2500),
      upsertFee: jest.fn(),
    };
    const order = {
      id: ORDER,
      number: 'A-1001',
      status: 'delivered',
      regionId: REGION,
      campusId: CAMPUS,
      customer: { id: 'c-1', phone: '+8613800000001' },
      fulfillment: { address: 'Dorm 3, room 101' },
    } as unknown as OrderView;
    orders = {
      get: jest.fn().mockResolvedValue(order),
      find: jest.fn().mockResolvedValue(order),
      note: jest.fn().mockResolvedValue(undefined),
    };
    agents = { get: jest.fn().mockResolvedValue({ id: AGENT }) };
    network = { campusInScope: jest.fn().mockResolvedValue({ id: CAMPUS, regionId: REGION }) };
    notifications = {
      send: jest.fn().mockResolvedValue(undefined),
      notifyStaff: jest.fn().mockResolvedValue(undefined),
    };
    outbox = { append: jest.fn().mockResolvedValue(undefined) };
    const db = {
      transaction: (ctx: RequestContext, fn: (tx: RequestContext) => unknown) => fn(ctx),
    } as unknown as Db;
    const clock: Clock = { now: () => NOW, onJump: () => () => undefined };
    const config = { codesSecret: SECRET, installSlaHours: 48 } as AppConfig;
    const tasks = repo as unknown as TaskRepository;
    const lifecycle = new TaskLifecycleService(db, tasks, outbox as unknown as OutboxService, clock);
    sut = new TasksService(
      db,
      tasks,
      lifecycle,
      new TaskAssignmentService(
        db,
        tasks,
        lifecycle,
        orders as unknown as OrderService,
        agents as unknown as AgentsService,
        network as unknown as NetworkService,
        notifications as unknown as NotificationsService,
        config,
      ),
      new TaskCodesService(
        db,
        tasks,
        lifecycle,
        orders as unknown as OrderService,
        notifications as unknown as NotificationsService,
        clock,
        config,
      ),
      clock,
    );
  });

  describe('moves', () => {
    it('refuses an illegal move with 409 naming the current status, and writes nothing', async () => {
      given({ status: 'done' });
      const err = await sut.start(ctxOf(), TASK).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(IllegalTransitionError);
      expect(err).toMatchObject({ currentStatus: 'done', action: 'start' });
      expect(repo.updateStatus).not.toHaveBeenCalled();
      expect(repo.insertEvent).not.toHaveBeenCalled();
    });

    it('locks the order before the task, then writes the move and its timeline entry', async () => {
      given({ status: 'scheduled' });
      const task = await sut.start(ctxOf(), TASK);
      expect(task.status).toBe('in_progress');
      expect(repo.lockOrderKey.mock.invocationCallOrder[0]).toBeLessThan(
        repo.lockInScope.mock.invocationCallOrder[0],
      );
      expect(repo.updateStatus).toHaveBeenCalledWith(expect.anything(), TASK, 'in_progress', undefined);
      expect(repo.insertEvent).toHaveBeenCalledWith(
        expect.anything(),
        TASK,
        expect.objectContaining({ type: 'start', fromStatus: 'scheduled', toStatus: 'in_progress' }),
      );
    });

    it('records why an agent failed the job', async () => {
      given({ status: 'scheduled' });
      await sut.fail(ctxOf(), TASK, 'customer not home');
      expect(repo.updateStatus).toHaveBeenCalledWith(expect.anything(), TASK, 'failed', {
        failure_reason: 'customer not home',
      });
    });
  });

  describe('scoping', () => {
    it('is 404 for a task outside the caller scope, before any lock is taken', async () => {
      repo.peekOrder.mockResolvedValue(null);
      await expect(sut.start(manager(), TASK)).rejects.toBeInstanceOf(NotFoundError);
      expect(repo.lockOrderKey).not.toHaveBeenCalled();
      expect(repo.lockInScope).not.toHaveBeenCalled();
    });

    it('is 404 when reading a task outside the caller scope', async () => {
      repo.findInScope.mockResolvedValue(null);
      await expect(sut.get(manager(), TASK)).rejects.toBeInstanceOf(NotFoundError);
      await expect(sut.events(manager(), TASK)).rejects.toBeInstanceOf(NotFoundError);
      expect(repo.events).not.toHaveBeenCalled();
    });

    it('reads "me" as the calling agent and refuses it to anyone else', async () => {
      await sut.list(ctxOf(), { agentId: 'me' });
      expect(repo.list).toHaveBeenCalledWith(
        expect.anything(),
        expect.objectContaining({ agentId: AGENT }),
        DEFAULT_PAGE_SIZE,
      );
      const err = await sut.list(manager(), { agentId: 'me' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).errors[0].field).toBe('agentId');
    });

    it('measures overdue by the app clock and gives an empty work list to non-agents', async () => {
      await sut.list(manager(), { overdue: true });
      expect(repo.list.mock.calls[0][1]).toMatchObject({ overdue: { now: NOW, is: true } });
      expect(await sut.workList(manager())).toEqual([]);
      expect(repo.ofAgent).not.toHaveBeenCalled();
    });

    it('offers an agent only the moves the state machine allows from each task', async () => {
      repo.ofAgent.mockResolvedValue([taskRow({ status: 'scheduled' })]);
      const [item] = await sut.workList(ctxOf());
      expect(item.nextActions).toEqual(['schedule', 'start', 'fail']);
    });
  });

  describe('confirmation code', () => {
    it('completes with the right code: the move, task.completed in the same transaction, a note on the order', async () => {
      const done = await sut.complete(ctxOf(), TASK, { confirmationCode: '123456', notes: 'ok' });
      expect(done.status).toBe('done');
      const [events] = outbox.append.mock.calls[0].slice(1);
      expect(events).toEqual([
        expect.objectContaining({
          type: 'task.completed',
          payload: expect.objectContaining({ taskId: TASK, agentId: AGENT, installFeeCents: 1500 }),
        }),
      ]);
      expect(orders.note).toHaveBeenCalledWith(expect.anything(), ORDER, 'task_done', expect.anything());
    });

    it('counts a wrong code, records it, and answers 422 with the tries left', async () => {
      given({ code_failures: 2 });
      const err = await sut.complete(ctxOf(), TASK, { confirmationCode: '000000' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WrongConfirmationCodeError);
      expect(err).toMatchObject({ extra: { triesLeft: MAX_CODE_FAILURES - 3 } });
      expect(repo.countCodeFailure).toHaveBeenCalledTimes(1);
      expect(repo.insertEvent).toHaveBeenCalledWith(
        expect.anything(),
        TASK,
        expect.objectContaining({ type: 'code_rejected', data: { failures: 3 } }),
      );
      expect(repo.updateStatus).not.toHaveBeenCalled();
    });

    it('once locked answers 429 even for the right code, without checking or counting it', async () => {
      given({ code_failures: MAX_CODE_FAILURES });
      await expect(sut.complete(ctxOf(), TASK, { confirmationCode: '123456' })).rejects.toBeInstanceOf(
        ConfirmationCodeLockedError,
      );
      expect(repo.codeHash).not.toHaveBeenCalled();
      expect(repo.countCodeFailure).not.toHaveBeenCalled();
      expect(repo.updateStatus).not.toHaveBeenCalled();
    });

    it('refuses to reschedule a locked task (429) and texts no code', async () => {
      given({ status: 'scheduled', code_failures: MAX_CODE_FAILURES });
      await expect(
        sut.schedule(ctxOf(), TASK, {
          windowStart: '2026-12-07T06:00:00Z',
          windowEnd: '2026-12-07T08:00:00Z',
        }),
      ).rejects.toBeInstanceOf(ConfirmationCodeLockedError);
      expect(notifications.send).not.toHaveBeenCalled();
    });

    it('schedules: stores only the hash of the code it texts to the customer', async () => {
      given({ status: 'assigned' });
      await sut.schedule(ctxOf(), TASK, {
        windowStart: '2026-12-07T06:00:00Z',
        windowEnd: '2026-12-07T08:00:00Z',
      });
      const text = notifications.send.mock.calls[0][1];
      expect(text).toMatchObject({ to: '+8613800000001', template: 'task_code' });
      const stored = repo.updateStatus.mock.calls[0][3] as TaskChanges;
      expect(stored.code_hash).toBe(codeHash(text.params.code));
      expect(stored.code_hash).not.toContain(text.params.code);
    });

    it('rejects a window in the past before touching the task', async () => {
      const err = await sut
        .schedule(ctxOf(), TASK, { windowStart: '2026-12-05T06:00:00Z', windowEnd: '2026-12-05T08:00:00Z' })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect(repo.peekOrder).not.toHaveBeenCalled();
    });

    it('a new code restarts the count and is texted at once to a scheduled task', async () => {
      given({ status: 'scheduled', code_failures: MAX_CODE_FAILURES });
      await sut.newCode(manager(), TASK);
      const [, , hash] = repo.resetCode.mock.calls[0];
      const text = notifications.send.mock.calls[0][1];
      expect(hash).toBe(codeHash(text.params.code));
      expect(repo.insertEvent).toHaveBeenCalledWith(
        expect.anything(),
        TASK,
        expect.objectContaining({ type: 'code_reissued', data: { failuresBefore: 5, texted: true } }),
      );
    });

    it('an unscheduled task gets its new code when it is scheduled; an open task has none (409)', async () => {
      given({ status: 'assigned' });
      await sut.newCode(manager(), TASK);
      expect(repo.resetCode).toHaveBeenCalledWith(expect.anything(), TASK, null);
      expect(notifications.send).not.toHaveBeenCalled();
      given({ status: 'open' });
      await expect(sut.newCode(manager(), TASK)).rejects.toBeInstanceOf(IllegalTransitionError);
    });

    it('refuses to complete an install before its order is delivered (422)', async () => {
      orders.find.mockResolvedValue({ id: ORDER, status: 'out_for_delivery' });
      await expect(sut.complete(ctxOf(), TASK, { confirmationCode: '123456' })).rejects.toBeInstanceOf(
        OrderNotDeliveredError,
      );
      expect(repo.codeHash).not.toHaveBeenCalled();
    });
  });

  describe('training checklist', () => {
    const training = () =>
      given({
        kind: 'training',
        order_id: null,
        status: 'in_progress',
        checklist: [
          { label: 'power', done: true },
          { label: 'devices', done: false },
        ],
      });

    it('refuses the code until every point is ticked (422 naming what is untaught), without counting it', async () => {
      training();
      const err = await sut.complete(ctxOf(), TASK, { confirmationCode: '000000' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ChecklistIncompleteError);
      expect(err).toMatchObject({ message: expect.stringContaining('devices') });
      expect(repo.countCodeFailure).not.toHaveBeenCalled();
    });

    it('ticks the whole set given, so repeating the request changes nothing', async () => {
      training();
      const first = await sut.tickChecklist(ctxOf(), TASK, [1, 0, 1]);
      const again = await sut.tickChecklist(ctxOf(), TASK, [0, 1]);
      expect(first.checklist).toEqual(again.checklist);
      expect(again.checklist.every((c) => c.done)).toBe(true);
      expect(repo.insertEvent.mock.calls.map((c) => c[2].data)).toEqual([
        { ticked: [0, 1] },
        { ticked: [0, 1] },
      ]);
      await expect(sut.complete(ctxOf(), TASK, { confirmationCode: '123456' })).resolves.toMatchObject({
        status: 'done',
      });
    });

    it('refuses a point beyond the list (400) and a task not yet scheduled (409)', async () => {
      training();
      await expect(sut.tickChecklist(ctxOf(), TASK, [2])).rejects.toBeInstanceOf(ValidationError);
      given({ status: 'assigned' });
      await expect(sut.tickChecklist(ctxOf(), TASK, [0])).rejects.toBeInstanceOf(IllegalTransitionError);
      expect(repo.setChecklist).not.toHaveBeenCalled();
    });
  });

  describe('opening and assigning', () => {
    it('freezes the fee the admin set for a training on the task, with the default checklist', async () => {
      await sut.create(manager(), { kind: 'training', orderId: ORDER } as never);
      expect(repo.fee).toHaveBeenCalledWith(expect.anything(), 'training');
      const inserted = repo.insert.mock.calls[0][1];
      expect(inserted).toMatchObject({ kind: 'training', status: 'open', feeCents: 2500, dueInHours: 48 });
      expect(inserted.checklist).toHaveLength(4);
      expect(inserted.checklist.every((c: { done: boolean }) => !c.done)).toBe(true);
    });

    it('gives a repair pickup no fee and no checklist, and refuses a checklist on it', async () => {
      await sut.create(manager(), { orderId: ORDER } as never);
      expect(repo.fee).not.toHaveBeenCalled();
      expect(repo.insert.mock.calls[0][1]).toMatchObject({
        kind: 'repair_pickup',
        feeCents: 0,
        checklist: [],
      });
      await expect(
        sut.create(manager(), { orderId: ORDER, checklist: ['x'] } as never),
      ).rejects.toBeInstanceOf(ValidationError);
    });

    it('writes no "opened" entry when the task already exists (an event delivered twice)', async () => {
      repo.insert.mockResolvedValue(null);
      expect(await sut.insert(ctxOf().asSystem(), { kind: 'delivery_install' } as never)).toBeNull();
      expect(repo.insertEvent).not.toHaveBeenCalled();
    });

    it('assigns an active agent of the campus: the window and code lapse, and the agent is told', async () => {
      given({ status: 'scheduled', agent_id: OTHER_AGENT });
      const task = await sut.assign(manager(), TASK, AGENT);
      expect(task).toMatchObject({ status: 'assigned', agentId: AGENT, windowStart: null });
      expect(repo.updateStatus.mock.calls[0][3]).toEqual({
        agent_id: AGENT,
        window_start: null,
        window_end: null,
        code_hash: null,
      });
      expect(notifications.notifyStaff).toHaveBeenCalledWith(
        expect.anything(),
        expect.objectContaining({ to: '+8613900000009', template: 'agent_task_assigned' }),
      );
    });

    it('assigning the task again to the agent who holds it changes nothing', async () => {
      given({ status: 'assigned' });
      await sut.assign(manager(), TASK, AGENT);
      expect(repo.updateStatus).not.toHaveBeenCalled();
      expect(notifications.notifyStaff).not.toHaveBeenCalled();
    });

    it('refuses a suspended agent or one of another campus (422)', async () => {
      given({ status: 'open', agent_id: null });
      repo.lockAgent.mockResolvedValueOnce({
        status: 'suspended',
        campus_id: CAMPUS,
        user_id: 'u',
        phone: 'p',
      });
      await expect(sut.assign(manager(), TASK, AGENT)).rejects.toBeInstanceOf(TaskAgentUnavailableError);
      repo.lockAgent.mockResolvedValueOnce({
        status: 'active',
        campus_id: 'elsewhere',
        user_id: 'u',
        phone: 'p',
      });
      await expect(sut.assign(manager(), TASK, AGENT)).rejects.toBeInstanceOf(TaskAgentUnavailableError);
      expect(repo.updateStatus).not.toHaveBeenCalled();
    });

    it('opens a return pickup for the named agent only if active on the order campus', async () => {
      repo.lockActiveAgentOn.mockResolvedValue(null);
      await sut.openReturnPickup(ctxOf().asSystem(), {
        orderId: ORDER,
        agentId: AGENT,
        items: [{ sku: 'TV-55', name: 'TV', quantity: 1 }],
        description: 'return',
      });
      expect(repo.lockActiveAgentOn).toHaveBeenCalledWith(expect.anything(), AGENT, CAMPUS);
      expect(repo.insert.mock.calls[0][1]).toMatchObject({
        kind: 'return_pickup',
        status: 'open',
        agentId: null,
        feeCents: 0,
      });
      expect(notifications.notifyStaff).not.toHaveBeenCalled();
    });
  });
});
