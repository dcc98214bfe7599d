import { FixedWindowCounter } from './fixed-window-counter';

describe('FixedWindowCounter', () => {
  it('lets `limit` hits of a key through per window, then says how long until the next', () => {
    let now = 1_000;
    const counter = new FixedWindowCounter(2, 60_000, 10, () => now);
    expect([counter.hit('a'), counter.hit('a')]).toEqual([null, null]);
    now += 15_000;
    expect(counter.hit('a')).toBe(45_000);
    expect(counter.hit('b')).toBeNull();
    now += 45_000;
    expect(counter.hit('a')).toBeNull();
  });

  it('refuses new keys past `maxKeys` in one window, so a flood of addresses holds no more memory', () => {
    let now = 0;
    const counter = new FixedWindowCounter(5, 1_000, 3, () => now);
    for (const key of ['a', 'b', 'c']) expect(counter.hit(key)).toBeNull();
    expect(counter.hit('d')).toBe(1_000);
    expect(counter.hit('a')).toBeNull();
    now = 1_000;
    expect(counter.hit('d')).toBeNull();
  });
});
