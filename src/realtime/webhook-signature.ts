import { createHmac, timingSafeEqual, type Hmac } from 'node:crypto';

export type SignatureVerdict = 'valid' | 'missing' | 'invalid' | 'stale';

/** What a well-formed `X-Crisp-Signature` holds: the hex of an HMAC-SHA256. */
const HEX_SHA256 = /^[0-9a-f]{64}$/i;

/** Epoch values below this are seconds (Crisp's unit is UNVERIFIED, crisp-protocol.md §1.4). */
const SECONDS_BEFORE = 1e12;

/**
 * Crisp Plugin Hooks: `X-Crisp-Signature` = hex(HMAC-SHA256(secret, "[timestamp;body]")), with the
 * timestamp from `X-Crisp-Request-Timestamp` and the body exactly as sent. Made from the headers
 * before the body is read (a hook without them is refused unread), fed the body as it arrives,
 * so nothing of an unsigned body is parsed, or even kept, before the verdict. A timestamp too
 * far from now is refused as a replay (in ms; a value in seconds is read as such).
 */
export class PluginHookSignature {
  private readonly hmac: Hmac;

  private constructor(
    secret: string,
    private readonly timestamp: string,
    private readonly given: Buffer,
  ) {
    this.hmac = createHmac('sha256', secret).update(`[${timestamp};`);
  }

  /** A check to feed the body to, or the verdict when the headers alone refuse the hook. */
  static fromHeaders(
    secret: string,
    timestamp: string | undefined,
    signature: string | undefined,
  ): PluginHookSignature | 'missing' | 'invalid' {
    if (!timestamp || !signature) return 'missing';
    if (!HEX_SHA256.test(signature)) return 'invalid';
    return new PluginHookSignature(secret, timestamp, Buffer.from(signature, 'hex'));
  }

  update(bodyChunk: Buffer): void {
    this.hmac.update(bodyChunk);
  }

  /** Once the whole body went through `update`; to be asked once. */
  verdict(maxAgeMs: number, now = Date.now()): SignatureVerdict {
    const expected = this.hmac.update(']').digest();
    if (!timingSafeEqual(this.given, expected)) return 'invalid';
    const sent = Number(this.timestamp);
    const sentMs = sent < SECONDS_BEFORE ? sent * 1000 : sent;
    if (!Number.isFinite(sentMs) || Math.abs(now - sentMs) > maxAgeMs) return 'stale';
    return 'valid';
  }
}
