import { BusinessRuleError, ForbiddenError, ValidationError } from '@campus/core';
import { checkCod } from './cod-policy';

describe('checkCod', () => {
  const cod = { paymentMethod: 'cod', totalCents: 7800, mayOverride: false };

  it('records the exact total of a COD order', () => {
    expect(checkCod({ ...cod, codCollectedCents: 7800 })).toEqual({
      collect: true,
      amountCents: 7800,
      expectedCents: 7800,
      overrideReason: null,
    });
  });

  it('collects nothing for a COD order already paid online (an Alipay QR at the door)', () => {
    expect(checkCod({ ...cod, paidOnline: true })).toEqual({ collect: false });
    expect(checkCod({ ...cod, paidOnline: true, codCollectedCents: 0 })).toEqual({ collect: false });
    expect(() => checkCod({ ...cod, paidOnline: true, codCollectedCents: 7800 })).toThrow(
      expect.objectContaining({ code: 'nothing_to_collect', status: 422 }),
    );
  });

  it('needs the amount for a COD order (400 naming the field)', () => {
    expect(() => checkCod(cod)).toThrow(ValidationError);
  });

  it('refuses another amount from an agent (422)', () => {
    expect(() => checkCod({ ...cod, codCollectedCents: 7000 })).toThrow(
      expect.objectContaining({ code: 'cod_amount_mismatch', status: 422 }),
    );
  });

  it('lets a manager record less with a reason, never without one', () => {
    const manager = { ...cod, mayOverride: true, codCollectedCents: 7000 };
    expect(() => checkCod(manager)).toThrow(BusinessRuleError);
    expect(checkCod({ ...manager, overrideReason: 'customer short ¥8, agreed' })).toEqual({
      collect: true,
      amountCents: 7000,
      expectedCents: 7800,
      overrideReason: 'customer short ¥8, agreed',
    });
  });

  it('never records more than the total', () => {
    expect(() =>
      checkCod({ ...cod, mayOverride: true, codCollectedCents: 9000, overrideReason: 'tip' }),
    ).toThrow(expect.objectContaining({ code: 'cod_over_collected' }));
  });

  it('refuses an override reason from someone who may not override (403)', () => {
    expect(() => checkCod({ ...cod, codCollectedCents: 7000, overrideReason: 'x' })).toThrow(ForbiddenError);
  });

  it('has nothing to collect on orders paid otherwise', () => {
    expect(checkCod({ ...cod, paymentMethod: 'online' })).toEqual({ collect: false });
    expect(checkCod({ ...cod, paymentMethod: 'counter', codCollectedCents: 0 })).toEqual({ collect: false });
    expect(() => checkCod({ ...cod, paymentMethod: 'online', codCollectedCents: 100 })).toThrow(
      expect.objectContaining({ code: 'nothing_to_collect' }),
    );
  });
});
