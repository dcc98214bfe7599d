/**
 * What a failed Crisp call means for the caller. The official client rejects with a plain object
 * `{reason, message, code, data: {namespace, message}}`, never an Error, and hides headers.
 */
export type CrispFailureKind =
  | 'rate_limited' // 429 / 420: slow down and retry
  | 'quota_exhausted' // Crisp's daily plugin quota: wait for the reset
  | 'server' // 5xx: retry
  | 'network' // timeout or connection error (client code 500, namespace "request"): retry
  | 'unauthorized' // 401 / 403: bad credentials; retrying cannot help
  | 'not_subscribed' // 404 not_subscribed: the plugin is not installed on that website
  | 'not_found' // 404: no such conversation or route
  | 'client'; // another 4xx: a bug on our side

export class CrispApiError extends Error {
  constructor(
    readonly kind: CrispFailureKind,
    readonly status: number,
    readonly reason: string,
    readonly route: string,
  ) {
    super(`Crisp ${route} failed: ${status} ${reason} (${kind})`);
    this.name = 'CrispApiError';
  }

  get retryable(): boolean {
    return this.kind === 'rate_limited' || this.kind === 'server' || this.kind === 'network';
  }
}

interface OfficialClientRejection {
  message?: unknown;
  code?: unknown;
  data?: { namespace?: unknown; message?: unknown };
}

export function classifyCrispFailure(rejection: unknown, route: string): CrispApiError {
  if (rejection instanceof CrispApiError) {
    return new CrispApiError(rejection.kind, rejection.status, rejection.reason, route);
  }
  const failure = (rejection ?? {}) as OfficialClientRejection;
  const status = typeof failure.code === 'number' ? failure.code : 0;
  const reason = typeof failure.message === 'string' ? failure.message : 'unknown_error';
  return new CrispApiError(kindOf(status, reason, failure.data?.namespace), status, reason, route);
}

function kindOf(status: number, reason: string, namespace: unknown): CrispFailureKind {
  if (status === 500 && namespace === 'request') return 'network';
  if (status === 0) return 'network';
  if ((status === 429 || status === 420) && reason.includes('quota')) return 'quota_exhausted';
  if (status === 429 || status === 420) return 'rate_limited';
  if (status >= 500) return 'server';
  if (status === 401 || status === 403) return 'unauthorized';
  if (status === 404 && reason === 'not_subscribed') return 'not_subscribed';
  if (status === 404) return 'not_found';
  return 'client';
}
