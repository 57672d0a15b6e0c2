import { beijingTime, fenToYuan, mask, parseBeijingTime, yuanToFen } from './alipay-format';

describe('alipay-format', () => {
  it('reads yuan strings as integer fen, exactly', () => {
    expect(yuanToFen('12.30')).toBe(1230);
    expect(yuanToFen('12.3')).toBe(1230);
    expect(yuanToFen('12')).toBe(1200);
    expect(yuanToFen('0.01')).toBe(1);
    expect(yuanToFen('0.29')).toBe(29); // 0.29 * 100 is 28.999999999999996 as a float
    expect(yuanToFen('1.005')).toBeNull();
    expect(yuanToFen('-1.00')).toBeNull();
    expect(yuanToFen('01.00')).toBeNull();
    expect(yuanToFen('1e3')).toBeNull();
    expect(yuanToFen('')).toBeNull();
    expect(yuanToFen(12.3)).toBeNull();
  });

  it('writes fen as yuan strings with two decimals', () => {
    expect(fenToYuan(1230)).toBe('12.30');
    expect(fenToYuan(1)).toBe('0.01');
    expect(fenToYuan(29)).toBe('0.29');
    expect(fenToYuan(100000)).toBe('1000.00');
    expect(() => fenToYuan(1.5)).toThrow(RangeError);
    expect(() => fenToYuan(-1)).toThrow(RangeError);
  });

  it('round-trips every amount up to ¥100', () => {
    for (let c = 0; c <= 10_000; c++) expect(yuanToFen(fenToYuan(c))).toBe(c);
  });

  it('writes and reads Beijing time', () => {
    const at = new Date('2026-11-25T16:30:05Z');
    expect(beijingTime(at)).toBe('2026-11-26 00:30:05');
    expect(parseBeijingTime('2026-11-26 00:30:05')?.toISOString()).toBe('2026-11-25T16:30:05.000Z');
    expect(parseBeijingTime('yesterday')).toBeNull();
  });

  it('masks identifiers for logs', () => {
    expect(mask('2026112522001468540594256659')).toBe('2026********6659');
    expect(mask('abc')).toBe('***');
    expect(mask(undefined)).toBe('');
  });
});
