import { withinReturnWindow } from './return-policy';

describe('withinReturnWindow', () => {
  const delivered = new Date('2026-12-01T08:00:00Z');

  it('accepts a request up to the last millisecond of the window', () => {
    expect(withinReturnWindow(delivered, new Date('2026-12-08T08:00:00Z'), 7)).toBe(true);
  });

  it('refuses one after it', () => {
    expect(withinReturnWindow(delivered, new Date('2026-12-08T08:00:00.001Z'), 7)).toBe(false);
  });

  it('closes returns at once with 0 days', () => {
    expect(withinReturnWindow(delivered, new Date('2026-12-01T08:00:01Z'), 0)).toBe(false);
  });
});
