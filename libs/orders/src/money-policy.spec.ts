import {
  cashDueCents,
  decideReceipt,
  PayableOrder,
  planFullRefund,
  planPartialRefund,
  ReceiptBalance,
  refundableCents,
  refundMethodFor,
} from './money-policy';

describe('money-policy', () => {
  const receipt = (r: Partial<ReceiptBalance>): ReceiptBalance => ({
    paymentId: 'p1',
    method: 'alipay',
    amountCents: 7800,
    refundedCents: 0,
    holder: { agentId: null, pickupPointId: null },
    providerRef: 'T1',
    ...r,
  });

  describe('planPartialRefund', () => {
    it('takes the amount from the receipts in turn, never more than one still holds', () => {
      const receipts = [
        receipt({ paymentId: 'a', method: 'alipay', amountCents: 1000, refundedCents: 600 }),
        receipt({
          paymentId: 'c',
          method: 'cash',
          amountCents: 500,
          holder: { agentId: 'ag', pickupPointId: null },
        }),
      ];
      expect(refundableCents(receipts)).toBe(900);
      expect(planPartialRefund(receipts, 700)).toEqual([
        expect.objectContaining({ paymentId: 'a', amountCents: 400, method: 'alipay', status: 'pending' }),
        expect.objectContaining({ paymentId: 'c', amountCents: 300, method: 'cash', status: 'owed' }),
      ]);
      expect(planPartialRefund(receipts, 300)).toEqual([
        expect.objectContaining({ paymentId: 'a', amountCents: 300 }),
      ]);
    });

    it('plans nothing when the receipts hold less than asked', () => {
      expect(planPartialRefund([receipt({ amountCents: 500, refundedCents: 100 })], 401)).toBeNull();
      expect(planPartialRefund([], 1)).toBeNull();
    });
  });

  describe('planFullRefund', () => {
    it('pays back each receipt the way its money came, for what is left of it', () => {
      expect(
        planFullRefund([
          receipt({ paymentId: 'a', method: 'alipay', amountCents: 7800, refundedCents: 1000 }),
          receipt({
            paymentId: 'c',
            method: 'cash',
            amountCents: 500,
            holder: { agentId: 'ag', pickupPointId: null },
          }),
          receipt({ paymentId: 'n', method: 'notice', amountCents: 300 }),
          receipt({
            paymentId: 'k',
            method: 'counter',
            amountCents: 200,
            holder: { agentId: null, pickupPointId: 'pp' },
          }),
        ]),
      ).toEqual([
        {
          paymentId: 'a',
          amountCents: 6800,
          method: 'alipay',
          status: 'pending',
          holder: null,
          providerRef: 'T1',
        },
        {
          paymentId: 'c',
          amountCents: 500,
          method: 'cash',
          status: 'owed',
          holder: { agentId: 'ag', pickupPointId: null },
          providerRef: 'T1',
        },
        {
          paymentId: 'n',
          amountCents: 300,
          method: 'manual',
          status: 'owed',
          holder: null,
          providerRef: 'T1',
        },
        {
          paymentId: 'k',
          amountCents: 200,
          method: 'cash',
          status: 'owed',
          holder: { agentId: null, pickupPointId: 'pp' },
          providerRef: 'T1',
        },
      ]);
    });

    it('owes nothing for receipts already refunded in full, or when nothing came in', () => {
      expect(planFullRefund([receipt({ refundedCents: 7800 })])).toEqual([]);
      expect(planFullRefund([])).toEqual([]);
    });

    it('maps receipt methods to refund methods', () => {
      expect(['alipay', 'cash', 'counter', 'notice'].map((m) => refundMethodFor(m as never))).toEqual([
        'alipay',
        'cash',
        'cash',
        'manual',
      ]);
    });
  });

  describe('decideReceipt', () => {
    const unpaid: PayableOrder = {
      status: 'pending_payment',
      paymentMethod: 'online',
      totalCents: 7800,
      paidAt: null,
      codCollectedCents: null,
    };

    it('pays an unpaid online order with its exact total', () => {
      expect(decideReceipt(unpaid, 7800, false)).toEqual({ kind: 'pay' });
      expect(decideReceipt(unpaid, 7799, true)).toEqual({ kind: 'refund', cause: 'late_payment' });
    });

    it('owes money back when the order cannot take it: cancelled (late) or already paid (duplicate)', () => {
      expect(decideReceipt({ ...unpaid, status: 'cancelled' }, 7800, true)).toEqual({
        kind: 'refund',
        cause: 'late_payment',
      });
      expect(decideReceipt({ ...unpaid, status: 'confirmed', paidAt: new Date() }, 7800, true)).toEqual({
        kind: 'refund',
        cause: 'duplicate_payment',
      });
    });

    it('lets an unpaid COD order be paid online before its hand-off, when the adapter allows it', () => {
      const cod: PayableOrder = { ...unpaid, paymentMethod: 'cod', status: 'out_for_delivery' };
      expect(decideReceipt(cod, 7800, true)).toEqual({ kind: 'prepay_cod' });
      expect(decideReceipt(cod, 7800, false)).toEqual({ kind: 'refund', cause: 'late_payment' });
      expect(decideReceipt({ ...cod, status: 'delivered', codCollectedCents: 7800 }, 7800, true).kind).toBe(
        'refund',
      );
      expect(decideReceipt({ ...cod, paidAt: new Date() }, 7800, true)).toEqual({
        kind: 'refund',
        cause: 'duplicate_payment',
      });
    });
  });

  it('cash is due only for a COD order not paid online', () => {
    expect(cashDueCents({ paymentMethod: 'cod', paidAt: null, totalCents: 7800 })).toBe(7800);
    expect(cashDueCents({ paymentMethod: 'cod', paidAt: new Date(), totalCents: 7800 })).toBe(0);
    expect(cashDueCents({ paymentMethod: 'online', paidAt: null, totalCents: 7800 })).toBe(0);
  });
});
