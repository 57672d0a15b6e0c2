import {
  confirmationCodeHash,
  confirmationCodeMatches,
  formatWindow,
  installItems,
  windowProblems,
} from './task-policy';

describe('windowProblems', () => {
  const now = new Date('2026-11-28T02:00:00Z');
  const at = (iso: string) => new Date(iso);

  it('accepts a future window of sensible length', () => {
    expect(windowProblems(at('2026-11-28T06:00:00Z'), at('2026-11-28T08:00:00Z'), now)).toEqual([]);
  });

  it('names the field at fault', () => {
    expect(windowProblems(at('2026-11-28T06:00:00Z'), at('2026-11-28T05:00:00Z'), now)).toEqual([
      { field: 'windowEnd', message: 'must be after windowStart' },
    ]);
    expect(windowProblems(at('2026-11-27T06:00:00Z'), at('2026-11-27T08:00:00Z'), now)).toEqual([
      { field: 'windowStart', message: 'must not be in the past' },
    ]);
    expect(windowProblems(at('2026-11-28T06:00:00Z'), at('2026-11-28T15:00:00Z'), now)[0].field).toBe(
      'windowEnd',
    );
    expect(windowProblems(at('2026-11-28T06:00:00Z'), at('2026-11-28T06:05:00Z'), now)[0].field).toBe(
      'windowEnd',
    );
    expect(windowProblems(at('2027-02-01T06:00:00Z'), at('2027-02-01T08:00:00Z'), now)[0].field).toBe(
      'windowStart',
    );
  });
});

describe('confirmationCodeHash', () => {
  it('matches only the same code for the same task', () => {
    const hash = confirmationCodeHash('secret', 'task-1', '123456');
    expect(confirmationCodeMatches('secret', 'task-1', '123456', hash)).toBe(true);
    expect(confirmationCodeMatches('secret', 'task-1', '123457', hash)).toBe(false);
    expect(confirmationCodeMatches('secret', 'task-2', '123456', hash)).toBe(false);
    expect(confirmationCodeMatches('other', 'task-1', '123456', hash)).toBe(false);
    expect(hash).not.toContain('123456');
  });
});

describe('formatWindow', () => {
  it('shows campus time (Asia/Shanghai)', () => {
    expect(formatWindow(new Date('2026-11-28T06:00:00Z'), new Date('2026-11-28T08:30:00Z'))).toBe(
      '11-28 14:00–16:30',
    );
    expect(formatWindow(new Date('2026-11-28T15:00:00Z'), new Date('2026-11-28T17:00:00Z'))).toBe(
      '11-28 23:00–11-29 01:00',
    );
  });
});

describe('installItems', () => {
  it('lists the installable lines and sums fee × quantity', () => {
    const line = (sku: string, q: number, install: boolean, fee: number) => ({
      sku,
      name: sku,
      quantity: q,
      requiresInstallation: install,
      installFeeCents: fee,
    });
    expect(
      installItems([line('USB', 2, false, 0), line('ROUTER', 2, true, 3000), line('PC', 1, true, 5000)]),
    ).toEqual({
      items: [
        { sku: 'ROUTER', name: 'ROUTER', quantity: 2, installFeeCents: 3000 },
        { sku: 'PC', name: 'PC', quantity: 1, installFeeCents: 5000 },
      ],
      feeCents: 11000,
    });
    expect(installItems([line('USB', 1, false, 0)])).toEqual({ items: [], feeCents: 0 });
  });
});
