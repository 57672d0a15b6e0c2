import { canonicalJson, requestHash } from './request-hash';

describe('requestHash', () => {
  it('ignores key order and undefined fields', () => {
    expect(requestHash({ a: 1, b: { c: [1, 2], d: undefined } })).toBe(
      requestHash({ b: { c: [1, 2] }, a: 1 }),
    );
  });

  it('differs when any value differs', () => {
    expect(requestHash({ lines: [{ sku: 'A', quantity: 1 }] })).not.toBe(
      requestHash({ lines: [{ sku: 'A', quantity: 2 }] }),
    );
    expect(canonicalJson([{ b: 1, a: null }])).toBe('[{"a":null,"b":1}]');
  });
});
