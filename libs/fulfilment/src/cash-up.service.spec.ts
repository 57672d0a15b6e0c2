import type { AuditService } from '@campus/audit';
import {
  Clock,
  DEFAULT_PAGE_SIZE,
  encodeCursor,
  NotFoundError,
  Principal,
  RequestContext,
  ValidationError,
} from '@campus/core';
import type { Db } from '@campus/database';
import type { NetworkService } from '@campus/network';
import type { CashUpListRow, CashUpRepository, CashUpRow } from './cash-up.repository';
import { CashUpService } from './cash-up.service';
import { CashUpClosedError } from './fulfilment.errors';

/** The repository is faked at its seam: these are the decisions, not the SQL. */
const POINT = 'pp-1';
const DAY = '2026-12-05';

const staff = (over: Partial<Principal> = {}) =>
  new RequestContext(
    { kind: 'user', id: 'u-1', role: 'pickup_staff', pickupPointId: POINT, ...over } as Principal,
    'req',
  );
const manager = () =>
  new RequestContext(
    { kind: 'user', id: 'u-2', role: 'regional_manager', regionId: 'r-1' } as Principal,
    'req',
  );

const cashUpRow = (over: Partial<CashUpRow> = {}): CashUpRow => ({
  id: 'cu-1',
  pickup_point_id: POINT,
  region_id: 'r-1',
  day: DAY,
  status: 'open',
  collected_cents: null,
  refunded_cents: null,
  handed_in_cents: null,
  difference_cents: null,
  close_note: null,
  closed_by_id: null,
  closed_at: null,
  ...over,
});

describe(CashUpService.name, () => {
  let sut: CashUpService;
  let cashUps: Record<keyof CashUpRepository, jest.Mock>;
  let network: { pickupPointInScope: jest.Mock };
  let audit: { record: jest.Mock };

  beforeEach(() => {
    cashUps = {
      find: jest.fn().mockResolvedValue(null),
      lockDay: jest.fn().mockResolvedValue(cashUpRow()),
      addHandIn: jest.fn().mockResolvedValue('7'),
      close: jest.fn().mockImplementation((_tx, id: string, f: Record<string, number>, note: string | null) =>
        Promise.resolve(
          cashUpRow({
            id,
            status: 'closed',
            collected_cents: String(f.collectedCents),
            refunded_cents: String(f.refundedCents),
            handed_in_cents: String(f.handedInCents),
            difference_cents: String(f.differenceCents),
            close_note: note,
            closed_by_id: 'u-1',
            closed_at: new Date('2026-12-05T12:00:00Z'),
          }),
        ),
      ),
      list: jest.fn().mockResolvedValue([]),
      collections: jest.fn().mockResolvedValue([
        { kind: 'cod', order_id: 'o-1', number: 'A-1', amount_cents: '5000', at: new Date() },
        { kind: 'counter_sale', order_id: 'o-2', number: 'A-2', amount_cents: '3000', at: new Date() },
      ]),
      cashRefunds: jest
        .fn()
        .mockResolvedValue([
          { id: 'rf-1', order_id: 'o-3', number: 'A-3', amount_cents: '1000', paid_out_at: new Date() },
        ]),
      handIns: jest.fn().mockResolvedValue([
        {
          id: '6',
          amount_cents: '6500',
          note: 'bank bag',
          recorded_by_id: 'u-1',
          recorded_by_role: 'pickup_staff',
          created_at: new Date(),
        },
      ]),
    };
    network = {
      pickupPointInScope: jest.fn().mockResolvedValue({ id: POINT, name: 'Dorm 3 lobby', regionId: 'r-1' }),
    };
    audit = { record: jest.fn().mockResolvedValue(undefined) };
    const db = { transaction: (ctx: RequestContext, fn: (tx: RequestContext) => unknown) => fn(ctx) };
    const clock: Clock = { now: () => new Date('2026-12-06T02:00:00Z'), onJump: () => () => undefined };
    sut = new CashUpService(
      db as unknown as Db,
      cashUps as unknown as CashUpRepository,
      network as unknown as NetworkService,
      audit as unknown as AuditService,
      clock,
    );
  });

  describe('get', () => {
    it('refuses a day that is not YYYY-MM-DD before reading anything', async () => {
      await expect(sut.get(manager(), POINT, '2026-02-30')).rejects.toBeInstanceOf(ValidationError);
      expect(network.pickupPointInScope).not.toHaveBeenCalled();
    });

    it('shows a day nobody wrote yet as open, with live figures (collected − refunded vs handed in)', async () => {
      const view = await sut.get(manager(), POINT, DAY);
      expect(view).toMatchObject({
        id: null,
        status: 'open',
        collectedCents: 8000,
        refundedCents: 1000,
        handedInCents: 0,
        expectedCents: 7000,
        differenceCents: -7000,
        changedSinceClose: false,
      });
      expect(cashUps.handIns).not.toHaveBeenCalled();
    });

    it('shows a closed day with its frozen figures and says when cash moved after the close', async () => {
      cashUps.find.mockResolvedValue(
        cashUpRow({
          status: 'closed',
          collected_cents: '5000',
          refunded_cents: '1000',
          handed_in_cents: '6500',
          difference_cents: '2500',
          closed_at: new Date('2026-12-05T12:00:00Z'),
        }),
      );
      const view = await sut.get(manager(), POINT, DAY);
      expect(view).toMatchObject({
        status: 'closed',
        collectedCents: 5000,
        differenceCents: 2500,
        changedSinceClose: true,
      });
      expect(view.collections).toHaveLength(2);
    });
  });

  describe('handIn', () => {
    it("is 404 for anyone but the point's own staff, before any row is made", async () => {
      await expect(
        sut.handIn(staff({ pickupPointId: 'pp-other' }), POINT, DAY, { amountCents: 100, note: 'x' }),
      ).rejects.toBeInstanceOf(NotFoundError);
      await expect(sut.handIn(manager(), POINT, DAY, { amountCents: 100, note: 'x' })).rejects.toBeInstanceOf(
        NotFoundError,
      );
      expect(cashUps.lockDay).not.toHaveBeenCalled();
    });

    it('refuses a day in the future (Shanghai time)', async () => {
      const err = await sut
        .handIn(staff(), POINT, '2026-12-07', { amountCents: 100, note: 'x' })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).errors[0].field).toBe('day');
      expect(cashUps.lockDay).not.toHaveBeenCalled();
    });

    it('is 409 on a closed day, recording nothing', async () => {
      cashUps.lockDay.mockResolvedValue(
        cashUpRow({ status: 'closed', closed_at: new Date('2026-12-05T12:00:00Z') }),
      );
      await expect(sut.handIn(staff(), POINT, DAY, { amountCents: 100, note: 'x' })).rejects.toBeInstanceOf(
        CashUpClosedError,
      );
      expect(cashUps.addHandIn).not.toHaveBeenCalled();
    });

    it('records the hand-in on the locked day and audits it', async () => {
      const view = await sut.handIn(staff(), POINT, DAY, { amountCents: 6500, note: 'bank bag' });
      expect(cashUps.lockDay).toHaveBeenCalledWith(expect.anything(), POINT, 'r-1', DAY);
      expect(cashUps.addHandIn).toHaveBeenCalledWith(expect.anything(), 'cu-1', {
        amountCents: 6500,
        note: 'bank bag',
      });
      expect(audit.record).toHaveBeenCalledWith(
        expect.anything(),
        expect.objectContaining({
          action: 'cash_up.hand_in',
          entityId: 'cu-1',
          after: { day: DAY, handInId: '7', amountCents: 6500, note: 'bank bag' },
        }),
      );
      expect(view).toMatchObject({ handedInCents: 6500, differenceCents: -500 });
    });
  });

  describe('close', () => {
    it('freezes the live figures of the moment and audits the close', async () => {
      const view = await sut.close(staff(), POINT, DAY, { note: 'short 5 yuan' });
      expect(cashUps.close).toHaveBeenCalledWith(
        expect.anything(),
        'cu-1',
        expect.objectContaining({
          collectedCents: 8000,
          refundedCents: 1000,
          handedInCents: 6500,
          differenceCents: -500,
        }),
        'short 5 yuan',
      );
      expect(audit.record.mock.calls[0][1]).toMatchObject({
        action: 'cash_up.close',
        before: { status: 'open' },
        after: { status: 'closed', differenceCents: -500 },
      });
      expect(view).toMatchObject({ status: 'closed', differenceCents: -500, changedSinceClose: false });
    });
  });

  describe('list', () => {
    it('refuses a from/to that is not a day, and a cursor it did not issue', async () => {
      await expect(sut.list(manager(), { from: '5 Dec' })).rejects.toBeInstanceOf(ValidationError);
      await expect(
        sut.list(manager(), { cursor: encodeCursor(['not-a-day', 'cu-1']) }),
      ).rejects.toBeInstanceOf(ValidationError);
      expect(cashUps.list).not.toHaveBeenCalled();
    });

    it('pages by the default page size and shows open days live, closed days frozen', async () => {
      const listRow = (over: Partial<CashUpListRow>): CashUpListRow => ({
        ...cashUpRow(),
        point_name: 'Dorm 3 lobby',
        live_collected: '8000',
        live_refunded: '1000',
        live_handed_in: '7000',
        ...over,
      });
      cashUps.list.mockResolvedValue([
        listRow({ id: 'cu-2', day: '2026-12-05' }),
        listRow({
          id: 'cu-1',
          day: '2026-12-04',
          status: 'closed',
          collected_cents: '100',
          refunded_cents: '0',
          handed_in_cents: '90',
          difference_cents: '-10',
        }),
      ]);
      const page = await sut.list(manager(), { cursor: encodeCursor(['2026-12-06', 'cu-9']) });
      expect(cashUps.list).toHaveBeenCalledWith(
        expect.anything(),
        expect.objectContaining({ before: ['2026-12-06', 'cu-9'] }),
        DEFAULT_PAGE_SIZE,
      );
      expect(page.items.map((i) => [i.id, i.collectedCents, i.differenceCents])).toEqual([
        ['cu-2', 8000, 0],
        ['cu-1', 100, -10],
      ]);
    });
  });
});
