import type { CrispTier } from 'crisp-api';
import { classifyCrispFailure } from './crisp-api-error';

/** `crisp-api` aborts every request after 10 s (DEFAULT_REQUEST_TIMEOUT); so does this. */
const REQUEST_TIMEOUT_MS = 10_000;
const USER_AGENT = 'node-crisp-api/11.3.0';

export interface CrispHttpAuth {
  tier: CrispTier;
  identifier: string;
  key: string;
}

/** What `crisp-api` hides: the HTTP status and the cache status, beside the envelope's `data`. */
export interface CrispHttpAnswer<T> {
  status: number;
  data: T;
  /** `Bloom-Status` (MISS, HIT, DIRECT, OFFLINE per docs.crisp.chat), or null when absent. */
  bloomStatus: string | null;
  /** When the request left (this process's clock): a fresh answer holds Crisp's state then. */
  sentAt: Date;
}

interface CrispEnvelope {
  reason?: unknown;
  data?: unknown;
}

/**
 * One GET to Crisp's REST API, sent as `crisp-api` sends it (Basic auth, `X-Crisp-Tier`, its
 * User-Agent, the same query encoding and timeout), for the routes whose status or headers
 * matter. A failure rejects with the `CrispApiError` that the rejection of `crisp-api` would be
 * classified as.
 */
export async function crispGet<T>(
  restUrl: string,
  auth: CrispHttpAuth,
  segments: string[],
  query: Record<string, string | number | undefined> = {},
): Promise<CrispHttpAnswer<T>> {
  const url = new URL(`${restUrl}/v1/${segments.join('/')}`);
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) url.searchParams.append(key, String(value));
  }
  const sentAt = new Date();
  let response: Response;
  try {
    response = await fetch(url, {
      headers: {
        'User-Agent': USER_AGENT,
        'X-Crisp-Tier': auth.tier,
        Authorization: `Basic ${Buffer.from(`${auth.identifier}:${auth.key}`).toString('base64')}`,
      },
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    throw requestError(error);
  }
  let body: CrispEnvelope | null;
  try {
    body = (await response.json()) as CrispEnvelope | null;
  } catch (error) {
    if (response.status < 400) throw requestError(error);
    body = null;
  }
  if (response.status >= 400) {
    const reason = typeof body?.reason === 'string' && body.reason ? body.reason : 'http_error';
    const data = body?.data as { message?: unknown } | undefined;
    const detail = typeof data?.message === 'string' && data.message ? data.message : reason;
    throw classifyCrispFailure(
      {
        reason: 'error',
        message: reason,
        code: response.status,
        data: { namespace: 'response', message: `Got response error: ${detail}` },
      },
      url.pathname,
    );
  }
  return {
    status: response.status,
    // `crisp-api` resolves `body.data || {}`; the same here.
    data: (body?.data || {}) as T,
    bloomStatus: response.headers.get('bloom-status'),
    sentAt,
  };
}

function requestError(error: unknown) {
  const name = error instanceof Error ? error.name : 'Unknown';
  return classifyCrispFailure(
    {
      reason: 'error',
      message: 'internal_error',
      code: 500,
      data: { namespace: 'request', message: `Got request error: ${name}` },
    },
    'request',
  );
}

/**
 * A cached answer (HIT, OFFLINE) may be older than what this service already knows; an answer
 * without the header may be too. Only MISS and DIRECT say Crisp computed it for this request.
 */
export function isFreshAnswer(bloomStatus: string | null): boolean {
  const status = bloomStatus?.trim().toUpperCase();
  return status === 'MISS' || status === 'DIRECT';
}
