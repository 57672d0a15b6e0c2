import { LineCommission, partialReversal } from './commission-policy';

describe('partialReversal', () => {
  const line = (sku: string, quantity: number, amountCents: number): LineCommission => ({
    sku,
    category: 'c',
    quantity,
    lineTotalCents: 0,
    ruleId: null,
    scope: null,
    rateBps: 0,
    tierBonusBps: 0,
    fixedCents: 0,
    amountCents,
  });
  const earned = [line('PEN', 3, 1000), line('LAMP', 2, 214)];

  it('reverses the returned units of the returned lines only', () => {
    const r = partialReversal(earned, [{ lineIndex: 0, quantity: 1, returnedBefore: 0, lineQuantity: 3 }]);
    expect(r.amountCents).toBe(333);
    expect(r.lines).toEqual([{ lineIndex: 0, sku: 'PEN', quantity: 1, amountCents: 333 }]);
  });

  it('adds up to the line commission exactly over several returns', () => {
    const parts = [0, 1, 2].map(
      (before) =>
        partialReversal(earned, [{ lineIndex: 0, quantity: 1, returnedBefore: before, lineQuantity: 3 }])
          .amountCents,
    );
    expect(parts.reduce((a, b) => a + b, 0)).toBe(1000);
  });

  it('refuses a line that does not match the commission', () => {
    expect(() =>
      partialReversal(earned, [{ lineIndex: 1, quantity: 1, returnedBefore: 0, lineQuantity: 5 }]),
    ).toThrow(RangeError);
  });
});
