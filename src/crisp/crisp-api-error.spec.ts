import { classifyCrispFailure } from './crisp-api-error';
import { backoffDelayMs } from './retry-policy';

describe('classifyCrispFailure', () => {
  const kind = (rejection: unknown) => classifyCrispFailure(rejection, 'GET /x').kind;

  it('reads the official client’s rejection shapes', () => {
    expect(kind({ message: 'http_error', code: 429 })).toBe('rate_limited');
    expect(kind({ message: 'error', code: 420 })).toBe('rate_limited');
    expect(kind({ message: 'quota_limit_exceeded', code: 429 })).toBe('quota_exhausted');
    expect(kind({ message: 'internal_error', code: 500, data: { namespace: 'request' } })).toBe(
      'network',
    );
    expect(kind({ message: 'server_error', code: 503, data: { namespace: 'response' } })).toBe(
      'server',
    );
    expect(kind({ message: 'invalid_session', code: 401 })).toBe('unauthorized');
    expect(kind({ message: 'not_subscribed', code: 404 })).toBe('not_subscribed');
    expect(kind({ message: 'not_found', code: 404 })).toBe('not_found');
    expect(kind({ message: 'invalid_data', code: 400 })).toBe('client');
    expect(kind(undefined)).toBe('network');
  });

  it('retries only what a retry can fix', () => {
    expect(classifyCrispFailure({ code: 502 }, 'r').retryable).toBe(true);
    expect(classifyCrispFailure({ code: 401 }, 'r').retryable).toBe(false);
  });
});

describe('backoffDelayMs', () => {
  it('grows exponentially under a cap, with full jitter', () => {
    const policy = { maxAttempts: 8, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffDelayMs(policy, 0, () => 1)).toBe(100);
    expect(backoffDelayMs(policy, 3, () => 1)).toBe(800);
    expect(backoffDelayMs(policy, 6, () => 1)).toBe(1000);
    expect(backoffDelayMs(policy, 6, () => 0)).toBe(0);
  });
});
