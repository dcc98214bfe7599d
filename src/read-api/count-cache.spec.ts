import { CountCache } from './count-cache';

describe('CountCache', () => {
  let now = 0;
  const cache = () => new CountCache(5_000, 3, () => now);

  beforeEach(() => (now = 0));

  it('runs one count for every request of a key while it runs and for the ttl after', async () => {
    const totals = cache();
    let counts = 0;
    const count = () => Promise.resolve(++counts * 10);
    const answers = await Promise.all([totals.get('a', count), totals.get('a', count)]);
    now = 4_999;
    answers.push(await totals.get('a', count));
    expect(answers).toEqual([10, 10, 10]);
    expect(await totals.get('b', count)).toBe(20);
    now = 5_000;
    expect(await totals.get('a', count)).toBe(30);
  });

  it('keeps no failed count, and no more keys than its bound', async () => {
    const totals = cache();
    await expect(totals.get('a', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await totals.get('a', () => Promise.resolve(1))).toBe(1);
    for (const key of ['b', 'c', 'd']) await totals.get(key, () => Promise.resolve(2));
    expect(await totals.get('a', () => Promise.resolve(3))).toBe(3);
  });
});
