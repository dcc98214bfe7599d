/**
 * What run-ingest-bench and its simulator child say to each other over IPC. Kept in one file so
 * both sides compile against the same shapes (the child is a separate process, not a module call).
 */

/** The website every run uses: a fixed id so the service can be told it (`CRISP_WEBSITE_IDS`). */
export const BENCH_WEBSITE_ID = '5b0f3c1e-8d2a-4b7e-9f61-2c4d8e0a7b13';

/** Every bench message's content starts with this, then `<tag>:<emittedAtMs>:<index>`. */
export const CONTENT_PREFIX = 'bench';

export type SimulatorCommand =
  /**
   * Emit `count` message events round-robin over the conversations, `rate` per second
   * (0: as fast as the child can), stopping early once `maxMs` has passed (rate 0 only).
   */
  | { type: 'emit'; tag: string; count: number; rate: number; maxMs: number }
  | { type: 'restCalls' }
  | { type: 'stop' };

export type SimulatorReply =
  | { type: 'ready'; restUrl: string; sessionIds: string[] }
  | {
      type: 'emitted';
      emitted: number;
      /** Epoch ms (Date.now) of the first and last emit: the same clock as PostgreSQL's now(). */
      firstEmitAt: number;
      lastEmitAt: number;
      restCalls: number;
    }
  | { type: 'restCalls'; restCalls: number }
  | { type: 'stopped' };

export function benchContent(tag: string, emittedAtMs: number, index: number): string {
  return `${CONTENT_PREFIX}:${tag}:${emittedAtMs}:${index}`;
}

/** The inverse of benchContent; null for anything else. */
export function parseBenchContent(
  content: string,
): { tag: string; emittedAtMs: number; index: number } | null {
  const parts = content.split(':');
  if (parts.length !== 4 || parts[0] !== CONTENT_PREFIX) return null;
  const emittedAtMs = Number(parts[2]);
  const index = Number(parts[3]);
  if (!Number.isFinite(emittedAtMs) || !Number.isInteger(index)) return null;
  return { tag: parts[1], emittedAtMs, index };
}
