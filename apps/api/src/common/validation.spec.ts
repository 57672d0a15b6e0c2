import { ValidationError } from '@campus/core';
import { PlaceOrderDto } from '@campus/intake';
import { createValidationPipe, inputProblems, MAX_BODY_DEPTH } from './validation';

describe('inputProblems', () => {
  it('names every string holding a NUL character, keys included', () => {
    const sut = inputProblems({ a: 'ok', b: 'x\u0000y', lines: [{ sku: '\u0000' }], ['k\u0000']: 1 });
    expect(sut).toEqual([
      { field: 'b', message: 'must not contain NUL characters' },
      { field: 'lines[0].sku', message: 'must not contain NUL characters' },
      { field: 'k\\0', message: 'must not contain NUL characters' },
    ]);
  });

  it('refuses nesting deeper than the limit, naming where it starts', () => {
    let deep: unknown = 1;
    for (let i = 0; i < MAX_BODY_DEPTH + 5; i++) deep = [deep];
    const sut = inputProblems({ lines: deep });
    expect(sut).toHaveLength(1);
    expect(sut[0].message).toMatch(/nested more than/);
    expect(sut[0].field).toMatch(/^lines(\[0\])+$/);
  });

  it('passes ordinary input', () => {
    expect(inputProblems({ lines: [{ sku: 'USB', quantity: 1 }], note: '💥 fine' })).toEqual([]);
  });
});

describe('createValidationPipe', () => {
  const sut = createValidationPipe();
  const body = (value: unknown) =>
    sut.transform(value, { type: 'body', metatype: PlaceOrderDto, data: undefined });

  it('answers a ValidationError naming the field, also for an empty key', async () => {
    const err = await body({ '': 1, lines: [] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    const fields = (err as ValidationError).errors.map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['""', 'lines', 'fulfillment', 'paymentMethod']));
  });

  it('refuses control characters in free text', async () => {
    const err = await body({
      lines: [{ sku: 'USB', quantity: 1 }],
      fulfillment: { type: 'locker', pickupPointId: '6f1c1b9e-0d4e-4d7c-9d43-3c1f4d1c2b11' },
      paymentMethod: 'cod',
      note: 'ring \u001b[31m twice',
    }).catch((e: unknown) => e);
    expect((err as ValidationError).errors).toEqual([
      { field: 'note', message: 'must not contain control characters', code: 'noControlChars' },
    ]);
  });
});
