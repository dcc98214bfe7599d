import { createHmac, timingSafeEqual } from 'node:crypto';

export type SignatureVerdict = 'valid' | 'missing' | 'invalid' | 'stale';

/**
 * Crisp Plugin Hooks: `X-Crisp-Signature` = hex(HMAC-SHA256(secret, "[timestamp;body]")), with the
 * timestamp from `X-Crisp-Request-Timestamp` and the body exactly as sent. A timestamp too far
 * from now is refused as a replay (in ms; a value in seconds is read as such).
 */
export function verifyWebhookSignature(input: {
  secret: string;
  rawBody: Buffer;
  timestamp: string | undefined;
  signature: string | undefined;
  maxAgeMs: number;
  now?: number;
}): SignatureVerdict {
  const { secret, rawBody, timestamp, signature, maxAgeMs, now = Date.now() } = input;
  if (!timestamp || !signature) return 'missing';
  const expected = createHmac('sha256', secret)
    .update(`[${timestamp};`)
    .update(rawBody)
    .update(']')
    .digest();
  const given = Buffer.from(signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
  const sent = Number(timestamp);
  const sentMs = sent < 1e12 ? sent * 1000 : sent;
  if (!Number.isFinite(sentMs) || Math.abs(now - sentMs) > maxAgeMs) return 'stale';
  return 'valid';
}
