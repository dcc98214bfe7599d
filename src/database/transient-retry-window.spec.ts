import { TransientRetryWindow } from './transient-retry-window';

describe('TransientRetryWindow: wait and resume, for a bounded time without progress', () => {
  const options = { windowMs: 10_000, baseDelayMs: 100, maxDelayMs: 2_000 };
  let now = 0;
  const clock = () => now;
  beforeEach(() => (now = 1_000_000));

  it('backs off exponentially up to the cap', () => {
    const retry = new TransientRetryWindow(options, clock);
    const delays = [1, 2, 3, 4, 5, 6].map(() => retry.failed());
    expect(delays).toEqual([100, 200, 400, 800, 1_600, 2_000]);
  });

  it('gives up once failures have lasted longer than the window, with a last attempt at its end', () => {
    const retry = new TransientRetryWindow(options, clock);
    expect(retry.failed()).toBe(100);
    now += 9_500;
    expect(retry.failed()).toBe(200);
    now += 400;
    expect(retry.failed()).toBe(100);
    now += 100;
    expect(retry.failed()).toBe(0);
    now += 1;
    expect(retry.failed()).toBeNull();
  });

  it('waits only after a transient database error', () => {
    const retry = new TransientRetryWindow(options, clock);
    const terminated = Object.assign(new Error('terminating connection'), { code: '57P01' });
    expect(retry.delayAfter(terminated)).toBe(100);
    expect(retry.delayAfter(Object.assign(new Error('unique'), { code: '23505' }))).toBeNull();
    expect(retry.delayAfter(new Error('Crisp GET … failed: 500 (server)'))).toBeNull();
  });

  it('starts a new window, and the short delays again, after progress', () => {
    const retry = new TransientRetryWindow(options, clock);
    retry.failed();
    now += 8_000;
    retry.failed();
    retry.progressed();
    now += 5_000;
    expect(retry.failed()).toBe(100);
    now += 9_000;
    expect(retry.failed()).toBe(200);
  });
});
