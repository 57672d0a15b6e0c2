import { formatDecimal } from '@campus/core';
import type { SettlementView } from './commission.types';

export const CSV_BOM = '\uFEFF';

export const CSV_HEADER = [
  'region',
  'period',
  'status',
  'agent_id',
  'agent_name',
  'campus',
  'commission',
  'reversals',
  'install_fees',
  'adjustments',
  'cod_held',
  'cash_refunds',
  'net_payable',
  'entries',
];

/**
 * One cell: quoted when it holds a comma, quote or line break (RFC 4180). Text that a spreadsheet
 * would run as a formula (starting with = + - @ or a tab/CR) gets a leading apostrophe; amounts are
 * not text and keep their minus sign.
 */
export function csvCell(value: string, opts: { text?: boolean } = {}): string {
  let v = value;
  if (opts.text && /^[=+\-@\t\r]/.test(v)) v = `'${v}`;
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/**
 * The settlement as finance reads it: UTF-8 with a byte-order mark (so spreadsheet programs show
 * Chinese names), CRLF line ends, amounts in yuan with two decimals, one row per agent statement and
 * a final TOTAL row.
 */
export function settlementCsv(s: SettlementView, regionCode: string): string {
  const rows: string[][] = [CSV_HEADER];
  const money = (c: {
    commissionCents: number;
    reversalCents: number;
    installFeeCents: number;
    adjustmentCents: number;
    codHeldCents: number;
    cashRefundsCents: number;
    netCents: number;
  }) => [
    formatDecimal(c.commissionCents),
    formatDecimal(c.reversalCents),
    formatDecimal(c.installFeeCents),
    formatDecimal(c.adjustmentCents),
    formatDecimal(c.codHeldCents),
    formatDecimal(c.cashRefundsCents),
    formatDecimal(c.netCents),
  ];
  for (const st of s.statements) {
    rows.push([
      csvCell(regionCode, { text: true }),
      s.period,
      s.status,
      st.agentId,
      csvCell(st.agentName, { text: true }),
      csvCell(st.campusName, { text: true }),
      ...money(st),
      String(st.entryCount),
    ]);
  }
  rows.push([
    csvCell(regionCode, { text: true }),
    s.period,
    s.status,
    'TOTAL',
    '',
    '',
    ...money(s.totals),
    String(s.statements.reduce((n, st) => n + st.entryCount, 0)),
  ]);
  return CSV_BOM + rows.map((r) => r.join(',')).join('\r\n') + '\r\n';
}
