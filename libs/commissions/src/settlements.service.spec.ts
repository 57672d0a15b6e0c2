import type { AuditService } from '@campus/audit';
import { Clock, IllegalTransitionError, NotFoundError, Principal, RequestContext } from '@campus/core';
import type { Db } from '@campus/database';
import type { NetworkService } from '@campus/network';
import { FourEyesRequiredError, SettlementExistsError, SettlementNotLatestError } from './commissions.errors';
import type { SettlementRepository, SettlementRow, StatementRow } from './settlement.repository';
import { SettlementsService } from './settlements.service';

/** The repository faked at the seam: every statement a jest.fn, nothing reaches PostgreSQL. */
type Mocked<T> = { [K in keyof T]: T[K] extends (...a: never[]) => unknown ? jest.Mock : T[K] };

const REGION = '11111111-1111-4111-8111-111111111111';
const DRAFTER = '22222222-2222-4222-8222-222222222222';
const APPROVER = '33333333-3333-4333-8333-333333333333';
const ID = '44444444-4444-4444-8444-444444444444';

const ctxOf = (p: Partial<Principal>) =>
  new RequestContext({ kind: 'user', id: APPROVER, role: 'regional_manager', regionId: REGION, ...p }, 'req');

const settlement = (over: Partial<SettlementRow> = {}): SettlementRow => ({
  id: ID,
  region_id: REGION,
  period: '2026-11',
  status: 'draft',
  seq: '3',
  entries_upto: '100',
  cod_upto: '20',
  refunds_upto: '5',
  created_by_id: DRAFTER,
  created_at: new Date('2026-12-01T02:00:00Z'),
  approved_at: null,
  approved_by_id: null,
  paid_at: null,
  payment_reference: null,
  ...over,
});

const statement = (over: Partial<StatementRow> = {}): StatementRow => ({
  id: 'st1',
  agent_id: 'a1',
  agent_name: 'Li Lei',
  campus_name: 'North',
  entry_count: 2,
  commission_cents: '1000',
  reversal_cents: '-200',
  install_fee_cents: '500',
  adjustment_cents: '0',
  cod_held_cents: '300',
  cash_refunds_cents: '0',
  net_cents: '1000',
  ...over,
});

describe(SettlementsService.name, () => {
  let sut: SettlementsService;
  let repo: Mocked<SettlementRepository>;
  let audit: { record: jest.Mock };
  let network: { regionInScope: jest.Mock };
  let now: Date;

  beforeEach(() => {
    repo = {
      lockRegion: jest.fn().mockResolvedValue(undefined),
      insertDraft: jest.fn(),
      idOf: jest.fn(),
      writeStatements: jest.fn().mockResolvedValue(undefined),
      statementTotals: jest.fn().mockResolvedValue({ statements: 1, net_cents: 1000 }),
      list: jest.fn().mockResolvedValue([]),
      findInScope: jest.fn().mockResolvedValue(settlement()),
      find: jest.fn().mockResolvedValue(settlement()),
      statements: jest.fn().mockResolvedValue([statement()]),
      approve: jest.fn().mockResolvedValue(true),
      markPaid: jest.fn().mockResolvedValue(true),
      clearCovered: jest.fn().mockResolvedValue(undefined),
      lockWithLater: jest.fn().mockResolvedValue({ status: 'draft', later: false }),
      delete: jest.fn().mockResolvedValue(undefined),
      status: jest.fn(),
      regionCode: jest.fn().mockResolvedValue('EAST'),
      statementInScope: jest.fn().mockResolvedValue(statement()),
      statementLines: jest.fn().mockResolvedValue({ entries: [], cod: [], refunds: [] }),
      compareWithLedger: jest.fn().mockResolvedValue([]),
      misCleared: jest.fn().mockResolvedValue([]),
      periodSums: jest.fn().mockResolvedValue({ settlements: 0, statements: 0, net: '0', links: 0 }),
    } as unknown as Mocked<SettlementRepository>;
    audit = { record: jest.fn().mockResolvedValue(undefined) };
    network = { regionInScope: jest.fn().mockResolvedValue(undefined) };
    now = new Date('2026-12-06T01:00:00Z');
    const db = { transaction: (ctx: RequestContext, fn: (tx: RequestContext) => unknown) => fn(ctx) };
    const clock: Clock = { now: () => now, onJump: () => () => undefined };
    sut = new SettlementsService(
      db as unknown as Db,
      repo as unknown as SettlementRepository,
      network as unknown as NetworkService,
      audit as unknown as AuditService,
      clock,
    );
  });

  describe('create', () => {
    it('refuses a month that has not started in Shanghai, before touching the ledger', async () => {
      now = new Date('2026-11-30T15:59:59Z'); // 23:59:59 on 30 November in Shanghai
      await expect(sut.create(ctxOf({}), REGION, '2026-12')).rejects.toMatchObject({
        code: 'period_not_started',
        extra: { period: '2026-12', currentPeriod: '2026-11' },
      });
      expect(repo.lockRegion).not.toHaveBeenCalled();
    });

    it('checks the region is in scope first', async () => {
      network.regionInScope.mockRejectedValue(new NotFoundError('region', REGION));
      await expect(sut.create(ctxOf({}), REGION, '2026-11')).rejects.toBeInstanceOf(NotFoundError);
      expect(repo.insertDraft).not.toHaveBeenCalled();
    });

    it('answers 409 with the existing settlement when the month is drafted already', async () => {
      repo.insertDraft.mockResolvedValue(null);
      repo.idOf.mockResolvedValue('existing-id');
      const err = await sut.create(ctxOf({}), REGION, '2026-11').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SettlementExistsError);
      expect(err).toMatchObject({ extra: { settlementId: 'existing-id' } });
      expect(repo.writeStatements).not.toHaveBeenCalled();
      expect(audit.record).not.toHaveBeenCalled();
    });

    it('locks the region, writes the statements of what the new watermarks cover and audits the totals', async () => {
      const draft = { id: ID, seq: '3', entries_upto: '100', cod_upto: '20', refunds_upto: '5' };
      repo.insertDraft.mockResolvedValue(draft);
      const view = await sut.create(ctxOf({ id: DRAFTER }), REGION, '2026-11');

      expect(repo.lockRegion.mock.invocationCallOrder[0]).toBeLessThan(
        repo.insertDraft.mock.invocationCallOrder[0],
      );
      expect(repo.insertDraft).toHaveBeenCalledWith(expect.anything(), REGION, '2026-11', DRAFTER);
      expect(repo.writeStatements).toHaveBeenCalledWith(expect.anything(), draft, REGION, '2026-11');
      expect(audit.record).toHaveBeenCalledWith(expect.anything(), {
        action: 'settlement.create',
        entityType: 'settlement',
        entityId: ID,
        regionId: REGION,
        after: {
          period: '2026-11',
          status: 'draft',
          statements: 1,
          netCents: 1000,
          entriesUpTo: 100,
          codUpTo: 20,
          refundsUpTo: 5,
        },
      });
      expect(view.totals).toMatchObject({ commissionCents: 1000, codHeldCents: 300, netCents: 1000 });
    });
  });

  describe('approve', () => {
    it('refuses the manager who drew the settlement up (four eyes)', async () => {
      await expect(sut.approve(ctxOf({ id: DRAFTER }), ID)).rejects.toBeInstanceOf(FourEyesRequiredError);
      expect(repo.approve).not.toHaveBeenCalled();
    });

    it('lets an admin approve their own draft', async () => {
      repo.findInScope.mockResolvedValue(settlement({ created_by_id: APPROVER }));
      await sut.approve(ctxOf({ role: 'admin', regionId: null }), ID);
      expect(repo.approve).toHaveBeenCalledWith(expect.anything(), ID, APPROVER, 'admin');
    });

    it('answers 409 with the current status when the draft moved meanwhile, and audits nothing', async () => {
      repo.approve.mockResolvedValue(false);
      repo.status.mockResolvedValue('approved');
      const err = await sut.approve(ctxOf({}), ID).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(IllegalTransitionError);
      expect(err).toMatchObject({ currentStatus: 'approved', action: 'approve' });
      expect(audit.record).not.toHaveBeenCalled();
    });

    it('is 404 for a settlement out of scope', async () => {
      repo.findInScope.mockResolvedValue(null);
      await expect(sut.approve(ctxOf({}), ID)).rejects.toBeInstanceOf(NotFoundError);
    });
  });

  describe('discard', () => {
    it('refuses a settlement that is no longer a draft', async () => {
      repo.lockWithLater.mockResolvedValue({ status: 'approved', later: false });
      await expect(sut.discard(ctxOf({}), ID)).rejects.toBeInstanceOf(IllegalTransitionError);
      expect(repo.delete).not.toHaveBeenCalled();
    });

    it('refuses a draft with a later settlement of the region', async () => {
      repo.lockWithLater.mockResolvedValue({ status: 'draft', later: true });
      await expect(sut.discard(ctxOf({}), ID)).rejects.toBeInstanceOf(SettlementNotLatestError);
      expect(repo.delete).not.toHaveBeenCalled();
    });

    it('deletes the latest draft under the region lock and audits it', async () => {
      await sut.discard(ctxOf({}), ID);
      expect(repo.lockRegion).toHaveBeenCalledWith(expect.anything(), REGION);
      expect(repo.delete).toHaveBeenCalledWith(expect.anything(), ID);
      expect(audit.record).toHaveBeenCalledWith(
        expect.anything(),
        expect.objectContaining({ action: 'settlement.discard', after: null }),
      );
    });
  });

  describe('markPaid', () => {
    it('clears the COD cash and cash refunds the settlement covers once it is paid', async () => {
      const s = settlement({ status: 'approved' });
      repo.findInScope.mockResolvedValue(s);
      await sut.markPaid(ctxOf({ role: 'admin' }), ID, 'BANK-42');
      expect(repo.markPaid).toHaveBeenCalledWith(expect.anything(), ID, APPROVER, 'BANK-42');
      expect(repo.clearCovered).toHaveBeenCalledWith(expect.anything(), s);
    });

    it('clears nothing when the settlement is not approved (409)', async () => {
      repo.markPaid.mockResolvedValue(false);
      repo.status.mockResolvedValue('draft');
      await expect(sut.markPaid(ctxOf({ role: 'admin' }), ID)).rejects.toBeInstanceOf(IllegalTransitionError);
      expect(repo.clearCovered).not.toHaveBeenCalled();
    });
  });

  describe('statement', () => {
    it("is 404 when the caller's scope does not cover the statement", async () => {
      repo.statementInScope.mockResolvedValue(null);
      await expect(sut.statement(ctxOf({ role: 'agent', agentId: 'a2' }), ID, 'a1')).rejects.toBeInstanceOf(
        NotFoundError,
      );
      expect(repo.statementLines).not.toHaveBeenCalled();
    });
  });

  describe('exportCsv', () => {
    it('names the file by region code and period', async () => {
      const csv = await sut.exportCsv(ctxOf({}), ID);
      expect(csv.filename).toBe('settlement-EAST-2026-11.csv');
      expect(csv.body).toContain('Li Lei');
    });
  });

  describe('integrity', () => {
    it('is ok when every statement matches the ledger rows it covers', async () => {
      repo.compareWithLedger.mockResolvedValue([
        {
          settlement_id: ID,
          agent_id: 'a1',
          statement_id: 'st1',
          what: '',
          net: '1000',
          derived_net: '1000',
          n: 2,
        },
      ]);
      repo.periodSums.mockResolvedValue({ settlements: 1, statements: 1, net: '1000', links: 2 });
      await expect(sut.integrity(ctxOf({ role: 'admin' }), '2026-11')).resolves.toMatchObject({
        ok: true,
        entries: 2,
        statementsNetCents: 1000,
        entriesNetCents: 1000,
        problems: [],
      });
    });

    it('names each mismatch, missing statement and wrongly cleared COD row', async () => {
      repo.compareWithLedger.mockResolvedValue([
        {
          settlement_id: ID,
          agent_id: 'a1',
          statement_id: 'st1',
          what: 'net',
          net: '900',
          derived_net: '1000',
          n: 2,
        },
        {
          settlement_id: ID,
          agent_id: 'a2',
          statement_id: null,
          what: 'no statement for the rows it covers',
          net: null,
          derived_net: '50',
          n: 1,
        },
      ]);
      repo.misCleared.mockResolvedValue([{ id: 'cod 7', why: 'not cleared though its settlement is paid' }]);
      repo.periodSums.mockResolvedValue({ settlements: 1, statements: 1, net: '900', links: 2 });
      const report = await sut.integrity(ctxOf({ role: 'admin' }), '2026-11');
      expect(report.ok).toBe(false);
      expect(report.problems).toEqual([
        'statement st1 (agent a1): net differ from its lines',
        `settlement ${ID} covers rows of agent a2 but has no statement for the rows it covers`,
        'cod 7 is not cleared though its settlement is paid',
        'statements net 900 ≠ entries settled minus COD plus cash refunds 1050',
        'statements count 2 entries but 3 entries are settled',
      ]);
    });
  });
});
