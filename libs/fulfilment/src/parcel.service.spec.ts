import type { AuditService } from '@campus/audit';
import { AppConfig, Clock, NotFoundError, Principal, RequestContext, ValidationError } from '@campus/core';
import type { Db } from '@campus/database';
import type { CompartmentRepository, NetworkService } from '@campus/network';
import type { NotificationsService } from '@campus/notifications';
import type { OrderService, OrderView } from '@campus/orders';
import type { CodLedgerService } from './cod-ledger.service';
import {
  CodPayAtCounterError,
  CodeResendLimitError,
  NoFreeCompartmentError,
  PickupLockedError,
  WrongPickupCodeError,
} from './fulfilment.errors';
import { ParcelTexts } from './parcel-texts.service';
import { ParcelTimers } from './parcel-timers.service';
import type { HeldParcelRow, ParcelRepository } from './parcel.repository';
import { ParcelService } from './parcel.service';
import { PickupCodes } from './pickup-codes.service';
import type { PickupLockouts } from './pickup-lockouts.service';

/** Every collaborator faked at its seam: the repository holds the SQL, so nothing here needs PostgreSQL. */
const ORDER = 'o-1';
const POINT = 'pp-1';
const LOCKER = 'lk-1';
const AGENT = 'ag-1';

const ctxOf = (p: Partial<Principal>) =>
  new RequestContext({ kind: 'user', id: 'u-1', role: 'agent', agentId: AGENT, ...p }, 'req');

const orderOf = (over: Partial<OrderView> = {}): OrderView =>
  ({
    id: ORDER,
    number: 'A-1001',
    status: 'out_for_delivery',
    assignedAgentId: AGENT,
    regionId: 'r-1',
    paymentMethod: 'online',
    paidAt: new Date('2026-12-01T00:00:00Z'),
    totalCents: 5000,
    customer: { id: 'c-1', phone: '+8613800000001' },
    fulfillment: { type: 'locker', pickupPointId: POINT },
    lines: [],
    ...over,
  }) as unknown as OrderView;

const held = (over: Partial<HeldParcelRow> = {}): HeldParcelRow => ({
  id: 'p-1',
  order_id: ORDER,
  pickup_point_id: POINT,
  locker_id: LOCKER,
  compartment_id: 'cp-1',
  label: 'S03',
  size: 'S',
  expires_at: new Date('2026-12-09T02:00:00Z'),
  locker_code: 'L1',
  point_name: 'Dorm 3 lobby',
  ...over,
});

describe(ParcelService.name, () => {
  let sut: ParcelService;
  let timers: ParcelTimers;
  let parcels: Record<keyof ParcelRepository, jest.Mock>;
  let orders: { find: jest.Mock; transition: jest.Mock; note: jest.Mock };
  let network: { getLocker: jest.Mock; pickupPointInScope: jest.Mock };
  let compartments: { allocate: jest.Mock; release: jest.Mock };
  let notifications: { send: jest.Mock };
  let cod: { record: jest.Mock };
  let lockouts: { check: jest.Mock; fail: jest.Mock; clear: jest.Mock };
  let audit: { record: jest.Mock };

  beforeEach(() => {
    parcels = {
      insertHeld: jest.fn().mockResolvedValue('p-1'),
      replaceCode: jest.fn().mockResolvedValue(true),
      close: jest.fn().mockResolvedValue(undefined),
      lockHeld: jest.fn().mockResolvedValue(held()),
      lockHeldOfOrder: jest.fn(),
      lockHeldByCode: jest.fn().mockResolvedValue(held()),
      waitingAt: jest.fn().mockResolvedValue([]),
      heldInLocker: jest.fn().mockResolvedValue([]),
      pointName: jest.fn().mockResolvedValue('Dorm 3 lobby'),
      pointOfLocker: jest.fn().mockResolvedValue(POINT),
      agentPhone: jest.fn().mockResolvedValue('+8613900000009'),
    };
    orders = {
      find: jest.fn().mockResolvedValue(orderOf()),
      transition: jest
        .fn()
        .mockImplementation((_tx, _id, action: string) =>
          Promise.resolve(orderOf({ status: action === 'expire' ? 'returned' : 'awaiting_pickup' })),
        ),
      note: jest.fn().mockResolvedValue(undefined),
    };
    network = {
      getLocker: jest.fn().mockResolvedValue({ id: LOCKER, code: 'L1', pickupPointId: POINT }),
      pickupPointInScope: jest.fn().mockResolvedValue(undefined),
    };
    compartments = {
      allocate: jest.fn().mockResolvedValue({ id: 'cp-1', label: 'S03', size: 'S' }),
      release: jest.fn().mockResolvedValue(undefined),
    };
    notifications = { send: jest.fn().mockResolvedValue(undefined) };
    cod = { record: jest.fn().mockResolvedValue(undefined) };
    lockouts = {
      check: jest.fn().mockResolvedValue({ lockedForSeconds: 0 }),
      fail: jest.fn().mockResolvedValue({ triesLeft: 3 }),
      clear: jest.fn().mockResolvedValue(undefined),
    };
    audit = { record: jest.fn().mockResolvedValue(undefined) };
    const db = { transaction: (ctx: RequestContext, fn: (tx: RequestContext) => unknown) => fn(ctx) };
    const clock: Clock = { now: () => new Date('2026-12-06T02:00:00Z'), onJump: () => () => undefined };
    const config = { lockerHoldHours: 72, lockerHourMs: 3_600_000, codesSecret: 'x'.repeat(32) } as AppConfig;
    // The code drawing and the texts are real; they sit on the faked repository and sender.
    const texts = new ParcelTexts(notifications as unknown as NotificationsService);
    sut = new ParcelService(
      db as unknown as Db,
      parcels as unknown as ParcelRepository,
      orders as unknown as OrderService,
      network as unknown as NetworkService,
      compartments as unknown as CompartmentRepository,
      new PickupCodes(parcels as unknown as ParcelRepository, config),
      texts,
      cod as unknown as CodLedgerService,
      lockouts as unknown as PickupLockouts,
      audit as unknown as AuditService,
      clock,
      config,
    );
    timers = new ParcelTimers(
      db as unknown as Db,
      parcels as unknown as ParcelRepository,
      orders as unknown as OrderService,
      compartments as unknown as CompartmentRepository,
      texts,
      config,
    );
  });

  describe('deposit', () => {
    it("is 404 for another agent's order, before anything is allocated", async () => {
      await expect(
        sut.deposit(ctxOf({ agentId: 'someone-else' }), ORDER, { lockerId: LOCKER }),
      ).rejects.toBeInstanceOf(NotFoundError);
      expect(compartments.allocate).not.toHaveBeenCalled();
    });

    it('answers 409 when the locker has no free compartment of a fitting size', async () => {
      compartments.allocate.mockResolvedValue(null);
      await expect(sut.deposit(ctxOf({}), ORDER, { lockerId: LOCKER, size: 'M' })).rejects.toBeInstanceOf(
        NoFreeCompartmentError,
      );
      expect(compartments.allocate).toHaveBeenCalledWith(expect.anything(), LOCKER, ['M', 'L'], ORDER);
      expect(parcels.insertHeld).not.toHaveBeenCalled();
    });

    it('refuses a locker or size for a counter order (400 naming the field)', async () => {
      orders.find.mockResolvedValue(
        orderOf({ fulfillment: { type: 'counter', pickupPointId: POINT } } as never),
      );
      const err = await sut.deposit(ctxOf({}), ORDER, { size: 'S' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).errors[0].field).toBe('size');
    });

    it('stores only a hash of the code, texts the code with the place, and schedules reminders and expiry', async () => {
      const result = await sut.deposit(ctxOf({}), ORDER, { lockerId: LOCKER, size: 'S' });

      const stored = parcels.insertHeld.mock.calls[0][1];
      expect(stored).toMatchObject({ orderId: ORDER, lockerId: LOCKER, compartmentId: 'cp-1', size: 'S' });
      const text = notifications.send.mock.calls[0][1];
      expect(text).toMatchObject({
        template: 'pickup_code',
        to: '+8613800000001',
        params: { number: 'A-1001', place: 'Dorm 3 lobby L1-S03', until: '12-09 10:00' },
        dedupeKey: 'pickup_code:p-1',
      });
      expect(text.params.code).toMatch(/^\d{6}$/);
      expect(stored.codeHash).not.toContain(text.params.code);
      const timers = orders.transition.mock.calls[0][3].events();
      expect(timers.map((e: { payload: { kind: string; hour: number } }) => e.payload)).toEqual([
        expect.objectContaining({ kind: 'reminder', hour: 24 }),
        expect.objectContaining({ kind: 'reminder', hour: 48 }),
        expect.objectContaining({ kind: 'expiry', hour: 72 }),
      ]);
      expect(result.parcel).toMatchObject({ id: 'p-1', state: 'held', compartment: { label: 'S03' } });
    });

    it('draws another code when the first is already held at the place', async () => {
      parcels.insertHeld.mockResolvedValueOnce(null).mockResolvedValueOnce('p-2');
      const result = await sut.deposit(ctxOf({}), ORDER, { lockerId: LOCKER });
      expect(parcels.insertHeld).toHaveBeenCalledTimes(2);
      expect(result.parcel.id).toBe('p-2');
    });
  });

  describe('pickup', () => {
    const staff = () => ctxOf({ role: 'pickup_staff', pickupPointId: POINT, agentId: null });

    it('answers 429 while the caller is locked out, without looking at the code', async () => {
      lockouts.check.mockResolvedValue({ lockedForSeconds: 600 });
      await expect(
        sut.pickup(staff(), { kind: 'locker', lockerId: LOCKER }, { code: '123456' }),
      ).rejects.toBeInstanceOf(PickupLockedError);
      expect(parcels.lockHeldByCode).not.toHaveBeenCalled();
    });

    it('counts a wrong code against the phone staff named and answers 422 with the tries left', async () => {
      parcels.lockHeldByCode.mockResolvedValue(null);
      const err = await sut
        .pickup(staff(), { kind: 'locker', lockerId: LOCKER }, { code: '000000', phone: '+8613800000001' })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WrongPickupCodeError);
      expect(err).toMatchObject({ extra: { triesLeft: 3 } });
      expect(lockouts.fail).toHaveBeenCalledWith(expect.anything(), LOCKER, 'phone:+8613800000001');
    });

    it("ignores a customer's phone: they open only their own parcels and lock only themselves", async () => {
      parcels.lockHeldByCode.mockResolvedValue(null);
      const me = ctxOf({ kind: 'customer', role: 'customer', id: 'c-1', agentId: null });
      await expect(
        sut.pickup(me, { kind: 'locker', lockerId: LOCKER }, { code: '000000', phone: '+8613800000002' }),
      ).rejects.toBeInstanceOf(WrongPickupCodeError);
      expect(parcels.lockHeldByCode.mock.calls[0][1]).toMatchObject({
        customerPhone: undefined,
        customerId: 'c-1',
      });
      expect(lockouts.fail).toHaveBeenCalledWith(expect.anything(), LOCKER, 'caller:c-1');
    });

    it('is 404 at a locker of another pickup point', async () => {
      parcels.pointOfLocker.mockResolvedValue('pp-other');
      await expect(
        sut.pickup(staff(), { kind: 'locker', lockerId: LOCKER }, { code: '123456' }),
      ).rejects.toBeInstanceOf(NotFoundError);
    });

    it('does not let a customer self-collect an unpaid COD parcel', async () => {
      orders.find.mockResolvedValue(orderOf({ paymentMethod: 'cod', paidAt: null }));
      const me = ctxOf({ kind: 'customer', role: 'customer', id: 'c-1', agentId: null });
      await expect(
        sut.pickup(me, { kind: 'locker', lockerId: LOCKER }, { code: '123456' }),
      ).rejects.toBeInstanceOf(CodPayAtCounterError);
      expect(parcels.close).not.toHaveBeenCalled();
    });

    it('with the right code closes the parcel, frees its compartment, delivers and clears the lockout', async () => {
      const picked = await sut.pickup(staff(), { kind: 'locker', lockerId: LOCKER }, { code: '123456' });
      expect(parcels.close).toHaveBeenCalledWith(expect.anything(), 'p-1', 'collected');
      expect(compartments.release).toHaveBeenCalledWith(expect.anything(), 'cp-1', ORDER);
      expect(orders.transition).toHaveBeenCalledWith(expect.anything(), ORDER, 'pickup', expect.anything());
      expect(lockouts.clear).toHaveBeenCalled();
      expect(picked.compartment).toEqual({ id: 'cp-1', label: 'S03' });
    });
  });

  describe('resendCode', () => {
    it('answers 429 once the parcel had its resends today, sending nothing', async () => {
      parcels.lockHeldOfOrder.mockResolvedValue({
        ...held(),
        code_resends: 3,
        code_resend_day: '2026-12-06',
      });
      await expect(sut.resendCode(ctxOf({ role: 'call_center' }), ORDER)).rejects.toBeInstanceOf(
        CodeResendLimitError,
      );
      expect(parcels.replaceCode).not.toHaveBeenCalled();
      expect(notifications.send).not.toHaveBeenCalled();
    });

    it('counts a new Shanghai day afresh and audits a staff resend', async () => {
      parcels.lockHeldOfOrder.mockResolvedValue({
        ...held(),
        code_resends: 3,
        code_resend_day: '2026-12-05',
      });
      const view = await sut.resendCode(ctxOf({ role: 'call_center' }), ORDER);
      expect(parcels.replaceCode.mock.calls[0][1]).toMatchObject({
        used: 1,
        today: '2026-12-06',
        placeId: LOCKER,
      });
      expect(view).toMatchObject({ resendsLeft: 2, sentTo: expect.not.stringContaining('13800000001') });
      expect(audit.record).toHaveBeenCalledWith(
        expect.anything(),
        expect.objectContaining({ action: 'parcel.code_resent' }),
      );
    });
  });

  describe(`${ParcelTimers.name}.remind`, () => {
    it('texts a reminder once per hour mark and notes it on the order', async () => {
      await expect(timers.remind(RequestContext.system(), 'p-1', 24)).resolves.toBe(true);
      expect(notifications.send.mock.calls[0][1]).toMatchObject({
        template: 'pickup_reminder',
        to: '+8613800000001',
        params: { number: 'A-1001', place: 'Dorm 3 lobby L1-S03', until: '12-09 10:00' },
        dedupeKey: 'pickup_reminder:p-1:24',
      });
      expect(orders.note).toHaveBeenCalledWith(expect.anything(), ORDER, 'pickup_reminder', {
        parcelId: 'p-1',
        hour: 24,
      });
    });

    it('sends nothing for a parcel no longer held', async () => {
      parcels.lockHeld.mockResolvedValue(null);
      await expect(timers.remind(RequestContext.system(), 'p-1', 48)).resolves.toBe(false);
      expect(notifications.send).not.toHaveBeenCalled();
    });
  });

  describe(`${ParcelTimers.name}.expire`, () => {
    it('leaves a parcel collected meanwhile alone', async () => {
      parcels.lockHeld.mockResolvedValue(null);
      await expect(timers.expire(RequestContext.system(), 'p-1')).resolves.toBe(false);
      expect(orders.transition).not.toHaveBeenCalled();
    });

    it('returns the order, frees the compartment and texts the agent and the customer', async () => {
      await expect(timers.expire(RequestContext.system(), 'p-1')).resolves.toBe(true);
      expect(parcels.close).toHaveBeenCalledWith(expect.anything(), 'p-1', 'expired');
      expect(compartments.release).toHaveBeenCalledWith(expect.anything(), 'cp-1', ORDER);
      expect(notifications.send.mock.calls.map((c) => [c[1].template, c[1].to])).toEqual([
        ['parcel_retrieve', '+8613900000009'],
        ['parcel_returned', '+8613800000001'],
      ]);
    });
  });
});
