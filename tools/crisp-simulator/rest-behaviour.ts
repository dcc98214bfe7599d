/**
 * Switchable behaviours of the REST API that Crisp documents but the rest of the simulator does
 * not assume: the 206/200 end-of-history status of `GET …/messages`, the message batch size,
 * and the GET cache whose status the `Bloom-Status` header reports.
 */
import { MESSAGES_BATCH_SIZE } from './rest-api';
import type { SimMessage } from './simulator-types';

export interface RestBehaviourOptions {
  /** Messages per batch of `GET …/messages`. Default 40 (the only size seen, S4). */
  messageBatchSize?: number;
  /**
   * Status of a messages batch. `'crisp'` (default): 206 while older messages remain, 200 at
   * the end (crisp-im/ruby-crisp-api#16). A number: that status for every batch, e.g. a proxy
   * rewriting it (203), or 200 as the simulator answered before it knew.
   */
  historyStatus?: 'crisp' | number;
  /**
   * A GET cache in front of the routes: an answer is kept per token and URL for `ttlMs` and
   * served again meanwhile, stale if the truth changed (`Bloom-Status: HIT`; computed answers
   * say `MISS`). Crisp's real lifetime is UNVERIFIED. `route` limits it to matching templates,
   * e.g. `GET /website/:id/conversation/:sid`. Default: no cache.
   */
  getCache?: { ttlMs: number; route?: RegExp | ((template: string) => boolean) };
}

export interface CachedAnswer {
  status: number;
  payload: string;
}

export class RestBehaviour {
  readonly messageBatchSize: number;
  private readonly historyStatus: 'crisp' | number;
  private readonly cache = new Map<string, CachedAnswer & { storedAt: number }>();
  private readonly cacheTtlMs: number;
  private readonly cacheRoute: ((template: string) => boolean) | null;

  constructor(options: RestBehaviourOptions = {}) {
    this.messageBatchSize = Math.max(
      1,
      Math.floor(options.messageBatchSize ?? MESSAGES_BATCH_SIZE),
    );
    this.historyStatus = options.historyStatus ?? 'crisp';
    this.cacheTtlMs = options.getCache?.ttlMs ?? 0;
    const route = options.getCache?.route;
    this.cacheRoute =
      route === undefined
        ? () => true
        : route instanceof RegExp
          ? (template) => route.test(template)
          : route;
  }

  /**
   * The status of a batch read backwards (no cursor or `timestamp_before`): whether messages
   * older than its first one remain. Forward (`timestamp_after`) batches ask whether newer ones
   * remain; `timestamp_around` always answers 200 (both UNVERIFIED: the source speaks of paging
   * back only).
   */
  messagesStatus(all: readonly SimMessage[], batch: readonly SimMessage[], forward: boolean) {
    if (this.historyStatus !== 'crisp') return this.historyStatus;
    if (batch.length === 0) return 200;
    const more = forward ? batch[batch.length - 1] !== all[all.length - 1] : batch[0] !== all[0];
    return more ? 206 : 200;
  }

  /** A cached answer still alive for this request, if the cache is on for its route. */
  cached(key: string, template: string, now = Date.now()): CachedAnswer | null {
    if (!this.caches(template)) return null;
    const entry = this.cache.get(key);
    if (!entry) return null;
    if (now - entry.storedAt >= this.cacheTtlMs) {
      this.cache.delete(key);
      return null;
    }
    return entry;
  }

  remember(key: string, template: string, answer: CachedAnswer, now = Date.now()): void {
    if (this.caches(template) && answer.status < 300)
      this.cache.set(key, { ...answer, storedAt: now });
  }

  private caches(template: string): boolean {
    return this.cacheTtlMs > 0 && template.startsWith('GET ') && this.cacheRoute !== null
      ? this.cacheRoute(template)
      : false;
  }
}
