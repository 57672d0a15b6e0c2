import type { AuditService } from '@campus/audit';
import {
  Clock,
  DEFAULT_PAGE_SIZE,
  encodeCursor,
  Principal,
  RequestContext,
  ValidationError,
} from '@campus/core';
import type { Db } from '@campus/database';
import type { AgentsService } from '@campus/network';
import type { OrderService } from '@campus/orders';
import type { EntryRow, LedgerRepository } from './ledger.repository';
import { LedgerService, NotYetBookedError } from './ledger.service';
import type { CommissionRulesService } from './rules.service';

/** The ledger's repository faked at the seam: these are the booking decisions, not the SQL. */
type Mocked<T> = { [K in keyof T]: T[K] extends (...a: never[]) => unknown ? jest.Mock : T[K] };

const ORDER = 'o-1';
const AGENT = 'a-1';
const REGION = 'r-1';

const ctxOf = (p: Partial<Principal>) =>
  new RequestContext({ kind: 'user', id: 'u-1', role: 'admin', ...p } as Principal, 'req');

const entry = (over: Partial<EntryRow> = {}): EntryRow => ({
  id: '7',
  agent_id: AGENT,
  region_id: REGION,
  kind: 'order_commission',
  amount_cents: '1200',
  source_id: ORDER,
  order_id: ORDER,
  period: '2026-11',
  earned_at: new Date('2026-11-20T02:00:00Z'),
  rule_ids: ['rule-1'],
  tier_id: null,
  rule_description: 'order A-1',
  detail: {},
  reason: null,
  created_by_id: 'system',
  created_by_role: 'system',
  created_at: new Date('2026-11-20T02:00:01Z'),
  statement_id: null,
  settlement_status: null,
  ...over,
});

describe(LedgerService.name, () => {
  let sut: LedgerService;
  let ledger: Mocked<LedgerRepository>;
  let orders: { find: jest.Mock; linesWithCategory: jest.Mock; lineReturns: jest.Mock };
  let agents: { get: jest.Mock };
  let audit: { record: jest.Mock };

  beforeEach(() => {
    ledger = {
      lockAgentMonth: jest.fn().mockResolvedValue(undefined),
      lockReversals: jest.fn().mockResolvedValue(undefined),
      countOrderCommissions: jest.fn().mockResolvedValue(0),
      partialReversalsTotal: jest.fn().mockResolvedValue(0),
      findEntry: jest.fn().mockResolvedValue(null),
      insert: jest
        .fn()
        .mockImplementation((_ctx, e: { kind: EntryRow['kind']; amountCents: number; sourceId: string }) =>
          Promise.resolve(
            entry({ id: '8', kind: e.kind, amount_cents: String(e.amountCents), source_id: e.sourceId }),
          ),
        ),
      insertCod: jest.fn().mockResolvedValue(undefined),
      insertCashRefund: jest.fn().mockResolvedValue(undefined),
      list: jest.fn().mockResolvedValue([]),
      earnings: jest.fn(),
      codSettled: jest.fn(),
    };
    orders = {
      find: jest.fn().mockResolvedValue({
        id: ORDER,
        number: 'A-1',
        regionId: REGION,
        returnedAt: new Date('2026-12-02T02:00:00Z'),
      }),
      linesWithCategory: jest.fn(),
      lineReturns: jest.fn().mockResolvedValue([]),
    };
    agents = { get: jest.fn().mockResolvedValue({ id: AGENT, regionId: REGION }) };
    audit = { record: jest.fn().mockResolvedValue(undefined) };
    const db = { transaction: (ctx: RequestContext, fn: (tx: RequestContext) => unknown) => fn(ctx) };
    const clock: Clock = { now: () => new Date('2026-12-06T02:00:00Z'), onJump: () => () => undefined };
    sut = new LedgerService(
      db as unknown as Db,
      ledger as unknown as LedgerRepository,
      orders as unknown as OrderService,
      agents as unknown as AgentsService,
      {} as CommissionRulesService,
      clock,
      audit as unknown as AuditService,
    );
  });

  describe('bookOrderCommission', () => {
    it('books nothing for an order without an attributed agent', async () => {
      await expect(
        sut.bookOrderCommission(RequestContext.system(), { orderId: ORDER, agentId: null, regionId: REGION }),
      ).resolves.toBeNull();
      expect(ledger.findEntry).not.toHaveBeenCalled();
    });

    it('answers a replay with the entry already booked, taking no lock and inserting nothing', async () => {
      ledger.findEntry.mockResolvedValue(entry());
      const booked = await sut.bookOrderCommission(RequestContext.system(), {
        orderId: ORDER,
        agentId: AGENT,
        regionId: REGION,
      });
      expect(booked).toMatchObject({ id: '7', amountCents: 1200, kind: 'order_commission' });
      expect(ledger.lockAgentMonth).not.toHaveBeenCalled();
      expect(ledger.insert).not.toHaveBeenCalled();
    });
  });

  describe('bookReversal', () => {
    it('asks the queue to retry while the commission it reverses is not booked yet', async () => {
      await expect(
        sut.bookReversal(RequestContext.system(), { orderId: ORDER, agentId: AGENT, reason: null }),
      ).rejects.toBeInstanceOf(NotYetBookedError);
      expect(ledger.lockReversals).toHaveBeenCalledWith(expect.anything(), ORDER);
    });

    it('reverses only what earlier partial returns left, for the same agent, in the month of the return', async () => {
      ledger.findEntry.mockImplementation((_ctx, _source: string, kind: string) =>
        Promise.resolve(kind === 'order_commission' ? entry() : null),
      );
      ledger.partialReversalsTotal.mockResolvedValue(-300);
      const reversal = await sut.bookReversal(RequestContext.system(), {
        orderId: ORDER,
        agentId: AGENT,
        reason: 'damaged',
      });
      expect(ledger.insert).toHaveBeenCalledWith(
        expect.anything(),
        expect.objectContaining({
          kind: 'reversal',
          agentId: AGENT,
          amountCents: -900,
          sourceId: ORDER,
          earnedAt: new Date('2026-12-02T02:00:00Z'),
          detail: { reverses: '7', earlierPartialCents: -300 },
          reason: 'damaged',
        }),
      );
      expect(reversal).toMatchObject({ kind: 'reversal', amountCents: -900 });
    });
  });

  describe('adjust', () => {
    it('refuses a zero adjustment before looking the agent up', async () => {
      await expect(
        sut.adjust(ctxOf({}), { agentId: AGENT, amountCents: 0, reason: 'nothing' }),
      ).rejects.toBeInstanceOf(ValidationError);
      expect(agents.get).not.toHaveBeenCalled();
    });

    it("books a signed entry in the agent's region and audits it", async () => {
      await sut.adjust(ctxOf({}), { agentId: AGENT, amountCents: -500, reason: 'lost parcel' });
      expect(ledger.insert.mock.calls[0][1]).toMatchObject({
        kind: 'adjustment',
        regionId: REGION,
        amountCents: -500,
        reason: 'lost parcel',
      });
      expect(audit.record).toHaveBeenCalledWith(
        expect.anything(),
        expect.objectContaining({ action: 'commission.adjust', regionId: REGION }),
      );
    });
  });

  describe('list', () => {
    it('reads "me" as the calling agent, and refuses it for anyone else', async () => {
      await sut.list(ctxOf({ role: 'agent', agentId: AGENT }), { agentId: 'me' });
      expect(ledger.list).toHaveBeenCalledWith(
        expect.anything(),
        expect.objectContaining({ agentId: AGENT }),
        DEFAULT_PAGE_SIZE,
      );
      await expect(sut.list(ctxOf({}), { agentId: 'me' })).rejects.toBeInstanceOf(ValidationError);
    });

    it('refuses a cursor it did not issue', async () => {
      await expect(sut.list(ctxOf({}), { cursor: encodeCursor(['not-an-id']) })).rejects.toBeInstanceOf(
        ValidationError,
      );
      expect(ledger.list).not.toHaveBeenCalled();
    });
  });

  describe('earnings', () => {
    it('nets the month: earned + reversed + fees + adjustments − COD held + cash refunds owed', async () => {
      ledger.earnings.mockResolvedValue({
        commission: '3000',
        reversal: '-500',
        install_fee: '800',
        adjustment: '100',
        n: 6,
        cod: '2000',
        refunds: '300',
      });
      const view = await sut.earnings(ctxOf({}), AGENT, '2026-11');
      expect(view).toMatchObject({ period: '2026-11', netCents: 1700, codHeldCents: 2000, entryCount: 6 });
    });
  });
});
