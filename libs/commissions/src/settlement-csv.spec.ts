import type { SettlementView } from './commission.types';
import { csvCell, settlementCsv } from './settlement-csv';

describe('csvCell', () => {
  it('quotes commas, quotes and line breaks', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
  });

  it('defuses text a spreadsheet would run as a formula', () => {
    expect(csvCell('=SUM(A1)', { text: true })).toBe("'=SUM(A1)");
    expect(csvCell('-12.00')).toBe('-12.00');
  });
});

describe('settlementCsv', () => {
  const statement = (agentId: string, agentName: string, net: number) => ({
    id: `st-${agentId}`,
    agentId,
    agentName,
    campusName: '北大, 东门',
    commissionCents: 1234,
    reversalCents: -34,
    installFeeCents: 0,
    adjustmentCents: 0,
    codHeldCents: 1300 - net,
    cashRefundsCents: 100,
    netCents: net,
    entryCount: 2,
  });
  const s: SettlementView = {
    id: 's',
    regionId: 'r',
    period: '2026-11',
    status: 'approved',
    createdById: 'm1',
    approvedById: 'm2',
    statements: [statement('a1', '李雷', 1200 - 100), statement('a2', 'Han', -500)],
    totals: {
      commissionCents: 2468,
      reversalCents: -68,
      installFeeCents: 0,
      adjustmentCents: 0,
      codHeldCents: 200 + 1800,
      cashRefundsCents: 200,
      netCents: 600,
    },
    createdAt: new Date(),
    approvedAt: new Date(),
    paidAt: null,
    paymentReference: null,
  };

  it('starts with a BOM, ends rows with CRLF, and has a TOTAL row', () => {
    const csv = settlementCsv(s, 'BJ');
    expect(csv.startsWith('\uFEFFregion,period,status,agent_id,agent_name,campus,')).toBe(true);
    const rows = csv.slice(1).split('\r\n');
    expect(rows).toHaveLength(5); // header, 2 agents, total, trailing ''
    expect(rows[0]).toContain(',cod_held,cash_refunds,net_payable,');
    expect(rows[1]).toBe('BJ,2026-11,approved,a1,李雷,"北大, 东门",12.34,-0.34,0.00,0.00,2.00,1.00,11.00,2');
    expect(rows[2]).toBe('BJ,2026-11,approved,a2,Han,"北大, 东门",12.34,-0.34,0.00,0.00,18.00,1.00,-5.00,2');
    expect(rows[3]).toBe('BJ,2026-11,approved,TOTAL,,,24.68,-0.68,0.00,0.00,20.00,2.00,6.00,4');
    expect(rows[4]).toBe('');
  });
});
