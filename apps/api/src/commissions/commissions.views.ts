import { ApiProperty } from '@nestjs/swagger';
import {
  CashRefundLineView,
  CodHoldingView,
  EarningsView,
  ENTRY_KINDS,
  EntryKind,
  EntryView,
  LineCommission,
  MoneyTotals,
  SETTLEMENT_STATUSES,
  SettlementStatus,
  SettlementView,
  StatementLinesView,
  StatementView,
} from '@campus/commissions';
import { Page } from '@campus/core';
import {
  Bool,
  Enum,
  Id,
  Int,
  List,
  NextCursor,
  NullableId,
  NullableStr,
  NullableTime,
  Obj,
  Str,
  Time,
} from '../common/view-props';

/** An agent's money, per month (earnings) or per statement; reversals are negative. */
export class MoneyTotalsView implements MoneyTotals {
  @Int() commissionCents: number;
  @Int({ description: 'negative: commissions taken back for returned orders' }) reversalCents: number;
  @Int() installFeeCents: number;
  @Int() adjustmentCents: number;
  @Int({ description: 'COD cash the agent holds (owed to the company)' }) codHeldCents: number;
  @Int({
    description:
      'cash refunds the agent owes customers out of the COD cash they hold (a returned COD order): added back',
  })
  cashRefundsCents: number;
  @Int({
    description:
      'commission + reversal + install fee + adjustment − COD held + cash refunds; < 0: the agent owes',
  })
  netCents: number;
}

export class EarningsResponse extends MoneyTotalsView implements EarningsView {
  @Id() agentId: string;
  @Str({ example: '2026-11' }) period: string;
  @Int() entryCount: number;
}

export class StatementResponse extends MoneyTotalsView implements StatementView {
  @Id() id: string;
  @Id() agentId: string;
  @Str() agentName: string;
  @Str() campusName: string;
  @Int() entryCount: number;
}

export class SettlementSummaryView {
  @Id() id: string;
  @Id() regionId: string;
  @Str({ example: '2026-11' }) period: string;
  @Enum(SETTLEMENT_STATUSES) status: SettlementStatus;
  @Obj(MoneyTotalsView) totals: MoneyTotalsView;
  @Time() createdAt: Date;
  @NullableTime() approvedAt: Date | null;
  @NullableTime() paidAt: Date | null;
  @NullableStr() paymentReference: string | null;
  /** Who drew it up: they may not approve it (four eyes), unless an admin. */
  @Id() createdById: string;
  @NullableId() approvedById: string | null;
}

export class SettlementResponse extends SettlementSummaryView implements SettlementView {
  @List(StatementResponse) statements: StatementResponse[];
}

export class SettlementPage implements Page<SettlementSummaryView> {
  @List(SettlementSummaryView) items: SettlementSummaryView[];
  @NextCursor() nextCursor: string | null;
}

export class LineCommissionView implements LineCommission {
  @Str() sku: string;
  @Str() category: string;
  @Int() quantity: number;
  @Int() lineTotalCents: number;
  @NullableId() ruleId: string | null;
  @Enum(['sku', 'category', 'default'], { nullable: true }) scope: LineCommission['scope'];
  @Int() rateBps: number;
  @Int() tierBonusBps: number;
  @Int() fixedCents: number;
  @Int() amountCents: number;
}

export class EntryCreatorView {
  @Id() id: string;
  @Str() role: string;
}

export class EntryResponse implements EntryView {
  @Id() id: string;
  @Id() agentId: string;
  @Id() regionId: string;
  @Enum(ENTRY_KINDS) kind: EntryKind;
  @Int() amountCents: number;
  @Id() sourceId: string;
  @NullableId() orderId: string | null;
  @Str() period: string;
  @Time() earnedAt: Date;
  @ApiProperty({ type: String, format: 'uuid', isArray: true }) ruleIds: string[];
  @NullableId() tierId: string | null;
  @Str() rule: string;
  @ApiProperty({ type: LineCommissionView, isArray: true, nullable: true }) lines:
    LineCommissionView[] | null;
  @NullableStr() reason: string | null;
  @Obj(EntryCreatorView) createdBy: EntryCreatorView;
  @Time() createdAt: Date;
  @NullableId() statementId: string | null;
  @Bool() locked: boolean;
}

export class EntryPage implements Page<EntryResponse> {
  @List(EntryResponse) items: EntryResponse[];
  @NextCursor() nextCursor: string | null;
}

export class CodHoldingResponse implements CodHoldingView {
  @Id() id: string;
  @Id() orderId: string;
  @Int() amountCents: number;
  @Time() collectedAt: Date;
  @Str() period: string;
}

export class CashRefundLineResponse implements CashRefundLineView {
  @Id() refundId: string;
  @Id() orderId: string;
  @Int() amountCents: number;
  @Time() owedAt: Date;
  @Str() period: string;
}

export class StatementLinesResponse implements StatementLinesView {
  @Id() settlementId: string;
  @Str() period: string;
  @Enum(SETTLEMENT_STATUSES) status: SettlementStatus;
  @Obj(StatementResponse) statement: StatementResponse;
  @List(EntryResponse) entries: EntryResponse[];
  @List(CodHoldingResponse) cod: CodHoldingResponse[];
  @List(CashRefundLineResponse) cashRefunds: CashRefundLineResponse[];
}
