import { WebsiteBackoff } from './website-backoff';

const options = { baseDelayMs: 1_000, maxRetryableDelayMs: 8_000, maxPermanentDelayMs: 60_000 };
const server = { kind: 'server', retryable: true };
const notSubscribed = { kind: 'not_subscribed', retryable: false };

describe('WebsiteBackoff: a failing website waits on its own, after the healthy ones', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => (now = 5_000_000));

  it('leaves a failing website out until its backoff ends, and takes it after the healthy ones', () => {
    const backoff = new WebsiteBackoff(options, clock);
    expect(backoff.failed('a', server)).toEqual({ retryInMs: 1_000, newKind: true });
    expect(backoff.due(['a', 'b', 'c'])).toEqual(['b', 'c']);
    expect(backoff.nextDueAt()).toBe(now + 1_000);
    now += 1_000;
    expect(backoff.due(['a', 'b', 'c'])).toEqual(['b', 'c', 'a']);
    expect(backoff.failingWebsites()).toEqual(['a']);
  });

  it('doubles the wait per failure, capped by whether the failure may pass by itself', () => {
    const retryable = new WebsiteBackoff(options, clock);
    const waits = [1, 2, 3, 4, 5].map(() => retryable.failed('a', server).retryInMs);
    expect(waits).toEqual([1_000, 2_000, 4_000, 8_000, 8_000]);
    const permanent = new WebsiteBackoff(options, clock);
    const longer = [1, 2, 3, 4, 5, 6, 7, 8].map(
      () => permanent.failed('a', notSubscribed).retryInMs,
    );
    expect(longer).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000]);
  });

  it('says a kind is new once per website until it succeeds, and forgets it then', () => {
    const backoff = new WebsiteBackoff(options, clock);
    expect(backoff.failed('a', server).newKind).toBe(true);
    expect(backoff.failed('a', server).newKind).toBe(false);
    expect(backoff.failed('a', notSubscribed).newKind).toBe(true);
    expect(backoff.failed('b', server).newKind).toBe(true);
    expect(backoff.succeeded('a')).toBe(3);
    expect(backoff.succeeded('a')).toBe(0);
    expect(backoff.failed('a', server)).toEqual({ retryInMs: 1_000, newKind: true });
  });

  it('forgets the websites no longer covered', () => {
    const backoff = new WebsiteBackoff(options, clock);
    backoff.failed('a', server);
    backoff.failed('b', server);
    backoff.retainOnly(['b', 'c']);
    expect(backoff.failingWebsites()).toEqual(['b']);
    backoff.succeeded('b');
    expect(backoff.nextDueAt()).toBeNull();
  });
});
