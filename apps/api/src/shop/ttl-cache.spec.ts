import { TtlCache } from './ttl-cache';

describe('TtlCache', () => {
  let now: number;
  let sut: TtlCache<string>;
  beforeEach(() => {
    now = 1_000;
    sut = new TtlCache<string>(5_000, 3, () => now);
  });

  it('answers from memory within the time to live, and loads again after it', async () => {
    const load = jest.fn().mockResolvedValueOnce('first').mockResolvedValueOnce('second');
    await expect(sut.get('k', load)).resolves.toBe('first');
    now += 4_999;
    await expect(sut.get('k', load)).resolves.toBe('first');
    now += 1;
    await expect(sut.get('k', load)).resolves.toBe('second');
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('shares one load between concurrent misses of the same key', async () => {
    let release!: (v: string) => void;
    const load = jest.fn(() => new Promise<string>((r) => (release = r)));
    const a = sut.get('k', load);
    const b = sut.get('k', load);
    release('v');
    await expect(Promise.all([a, b])).resolves.toEqual(['v', 'v']);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('does not keep a failed load', async () => {
    const load = jest.fn().mockRejectedValueOnce(new Error('down')).mockResolvedValueOnce('up');
    await expect(sut.get('k', load)).rejects.toThrow('down');
    await expect(sut.get('k', load)).resolves.toBe('up');
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('keeps at most maxEntries keys, dropping the oldest first', async () => {
    for (const k of ['a', 'b', 'c', 'd']) await sut.get(k, async () => k);
    expect(sut.size).toBe(3);
    const load = jest.fn(async () => 'a again');
    await expect(sut.get('a', load)).resolves.toBe('a again');
    await expect(sut.get('d', async () => 'never')).resolves.toBe('d');
    expect(load).toHaveBeenCalledTimes(1);
  });
});
