import type { LineCommission } from './commission-policy';

export const ENTRY_KINDS = ['order_commission', 'reversal', 'install_fee', 'adjustment'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

export const SETTLEMENT_STATUSES = ['draft', 'approved', 'paid'] as const;
export type SettlementStatus = (typeof SETTLEMENT_STATUSES)[number];

export interface CommissionRuleView {
  id: string;
  sku: string | null;
  category: string | null;
  scope: 'sku' | 'category' | 'default';
  rateBps: number;
  fixedCents: number;
  validFrom: Date | null;
  validTo: Date | null;
  createdAt: Date;
}

export interface CommissionTierView {
  id: string;
  regionId: string;
  fromOrder: number;
  bonusBps: number;
  validFrom: Date | null;
  validTo: Date | null;
  createdAt: Date;
}

export interface EntryView {
  id: string;
  agentId: string;
  regionId: string;
  kind: EntryKind;
  amountCents: number;
  sourceId: string;
  orderId: string | null;
  period: string;
  earnedAt: Date;
  ruleIds: string[];
  tierId: string | null;
  rule: string;
  lines: LineCommission[] | null;
  reason: string | null;
  createdBy: { id: string; role: string };
  createdAt: Date;
  statementId: string | null;
  locked: boolean;
}

/** The money of one agent: per period (earnings) or per statement. Reversals are negative. */
export interface MoneyTotals {
  commissionCents: number;
  reversalCents: number;
  installFeeCents: number;
  adjustmentCents: number;
  codHeldCents: number;
  /**
   * Cash refunds the agent owes customers out of the COD cash they hold (a delivered COD order
   * returned): that cash goes back to the customer, not to the company, so it is added back.
   */
  cashRefundsCents: number;
  /** commission + reversal + install fee + adjustment − COD held + cash refunds; negative = the agent owes. */
  netCents: number;
}

export interface EarningsView extends MoneyTotals {
  agentId: string;
  period: string;
  entryCount: number;
}

export interface StatementView extends MoneyTotals {
  id: string;
  agentId: string;
  agentName: string;
  campusName: string;
  entryCount: number;
}

export interface SettlementView {
  id: string;
  regionId: string;
  period: string;
  status: SettlementStatus;
  statements: StatementView[];
  totals: MoneyTotals;
  createdAt: Date;
  approvedAt: Date | null;
  paidAt: Date | null;
  paymentReference: string | null;
  /** Who drew it up (they may not approve it, unless an admin) and who approved it. */
  createdById: string;
  approvedById: string | null;
}

export interface CodHoldingView {
  id: string;
  orderId: string;
  amountCents: number;
  collectedAt: Date;
  period: string;
}

export interface StatementLinesView {
  settlementId: string;
  period: string;
  status: SettlementStatus;
  statement: StatementView;
  entries: EntryView[];
  cod: CodHoldingView[];
  /** Cash refunds this statement adds back (owed by the agent to customers out of their COD cash). */
  cashRefunds: CashRefundLineView[];
}

export interface CashRefundLineView {
  refundId: string;
  orderId: string;
  amountCents: number;
  owedAt: Date;
  period: string;
}

export interface IntegrityReport {
  period: string;
  ok: boolean;
  settlements: number;
  statements: number;
  entries: number;
  statementsNetCents: number;
  entriesNetCents: number;
  problems: string[];
}
