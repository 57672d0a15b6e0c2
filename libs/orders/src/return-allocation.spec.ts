import { allocateReturn, planPartialRefund, ReceiptBalance, returnedShareCents } from './money-policy';

describe('returnedShareCents', () => {
  it('prorates a line total, rounded half-up once', () => {
    expect(returnedShareCents(9999, 3, 0, 1)).toBe(3333);
    expect(returnedShareCents(1000, 3, 0, 1)).toBe(333);
    expect(returnedShareCents(1000, 3, 0, 2)).toBe(667);
  });

  it('adds up to the line total exactly when a line comes back in several goes', () => {
    const parts = [
      returnedShareCents(1000, 3, 0, 1),
      returnedShareCents(1000, 3, 1, 1),
      returnedShareCents(1000, 3, 2, 1),
    ];
    expect(parts).toEqual([333, 334, 333]);
    expect(parts.reduce((a, b) => a + b, 0)).toBe(1000);
  });

  it('refuses more units than are left', () => {
    expect(() => returnedShareCents(1000, 3, 2, 2)).toThrow(RangeError);
  });
});

describe('planPartialRefund', () => {
  const receipt = (over: Partial<ReceiptBalance>): ReceiptBalance => ({
    paymentId: 'p1',
    method: 'cash',
    amountCents: 5000,
    refundedCents: 0,
    holder: { agentId: 'a1', pickupPointId: null },
    providerRef: 'cash:o1',
    ...over,
  });

  it('draws on the receipt the way its money came: cash owed by the holder', () => {
    expect(planPartialRefund([receipt({})], 1200)).toEqual([
      expect.objectContaining({
        paymentId: 'p1',
        amountCents: 1200,
        method: 'cash',
        status: 'owed',
        holder: { agentId: 'a1', pickupPointId: null },
      }),
    ]);
  });

  it('skips what was refunded already and spills over to the next receipt', () => {
    const plan = planPartialRefund(
      [receipt({ refundedCents: 4500 }), receipt({ paymentId: 'p2', method: 'alipay', providerRef: 'T2' })],
      1000,
    );
    expect(plan!.map((p) => [p.paymentId, p.amountCents, p.method, p.status])).toEqual([
      ['p1', 500, 'cash', 'owed'],
      ['p2', 500, 'alipay', 'pending'],
    ]);
  });

  it('plans nothing when the receipts do not hold the amount', () => {
    expect(planPartialRefund([receipt({ amountCents: 100 })], 101)).toBeNull();
  });
});

describe('allocateReturn', () => {
  const lines = [
    { sku: 'PEN', name: 'Pen', quantity: 3, returnedQuantity: 1, lineTotalCents: 1000 },
    { sku: 'LAMP', name: 'Lamp', quantity: 2, returnedQuantity: 0, lineTotalCents: 3998 },
    { sku: 'PEN', name: 'Pen', quantity: 1, returnedQuantity: 0, lineTotalCents: 0 },
  ];

  it('fills the lines of a SKU in order with the units not yet returned', () => {
    const r = allocateReturn(lines, [{ sku: 'PEN', quantity: 3 }]);
    expect(r).toEqual({
      ok: true,
      lines: [
        expect.objectContaining({ lineIndex: 0, quantity: 2, returnedBefore: 1, refundCents: 667 }),
        expect.objectContaining({ lineIndex: 2, quantity: 1, returnedBefore: 0, refundCents: 0 }),
      ],
    });
  });

  it('names the line at fault: unknown SKU, too many units', () => {
    const r = allocateReturn(lines, [
      { sku: 'NOPE', quantity: 1 },
      { sku: 'LAMP', quantity: 3 },
    ]);
    expect(r).toEqual({
      ok: false,
      errors: [
        expect.objectContaining({ field: 'lines[0].sku' }),
        expect.objectContaining({ field: 'lines[1].quantity' }),
      ],
    });
  });
});
