/**
 * Switchable behaviours of the REST API that Crisp documents but the rest of the simulator does
 * not assume: the 206/200 end-of-history status of `GET …/messages`, the message batch size,
 * and the GET cache whose status the `Bloom-Status` header reports.
 */
import { conversationView, type ConversationRecord } from './ground-truth';
import type { SimConversation, SimMessage } from './simulator-types';

/** The only batch size seen (Crisp's export plugin, S4); nothing documents it. */
export const MESSAGES_BATCH_SIZE = 40;

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
   * A GET cache for conversations: for `ttlMs` after a conversation changes, the conversation
   * and list routes serve the view read before the change (`Bloom-Status: HIT`); other answers
   * say `MISS`. Crisp's real cache key and lifetime are UNVERIFIED. Default: no cache.
   */
  getCache?: { ttlMs: number };
  /**
   * Messages as a live capture has them: no `edited`, `translated` or `automated` key when it
   * would be false (crisp-protocol.md §9, "Optional keys"). Default: every key, always.
   */
  omitFalseMessageFlags?: boolean;
}

/** The message flags a live capture of `GET …/messages` leaves out when they are not set. */
const OPTIONAL_MESSAGE_FLAGS = ['edited', 'translated', 'automated'] as const;

export class RestBehaviour {
  readonly messageBatchSize: number;
  private readonly historyStatus: 'crisp' | number;
  private readonly cacheTtlMs: number;
  private readonly cached = new Map<string, SimConversation>();
  private readonly omitFalseMessageFlags: boolean;

  constructor(options: RestBehaviourOptions = {}) {
    this.messageBatchSize = Math.max(
      1,
      Math.floor(options.messageBatchSize ?? MESSAGES_BATCH_SIZE),
    );
    this.historyStatus = options.historyStatus ?? 'crisp';
    this.cacheTtlMs = options.getCache?.ttlMs ?? 0;
    this.omitFalseMessageFlags = options.omitFalseMessageFlags ?? false;
  }

  /** A batch as it goes on the wire (see `omitFalseMessageFlags`). */
  messagesAsSent(messages: readonly SimMessage[]): readonly object[] {
    if (!this.omitFalseMessageFlags) return messages;
    return messages.map((message) => {
      const sent: Record<string, unknown> = { ...message };
      for (const flag of OPTIONAL_MESSAGE_FLAGS) if (sent[flag] !== true) delete sent[flag];
      return sent;
    });
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

  /** The conversation as the cache serves it, and whether that is the cached (stale) copy. */
  conversation(
    record: ConversationRecord,
    now = Date.now(),
  ): { view: SimConversation; hit: boolean } {
    if (this.cacheTtlMs <= 0) return { view: conversationView(record), hit: false };
    const key = `${record.website_id}/${record.session_id}`;
    const kept = this.cached.get(key);
    if (
      kept &&
      kept.updated_at !== record.updated_at &&
      now - record.updated_at < this.cacheTtlMs
    ) {
      return { view: kept, hit: true };
    }
    const view = conversationView(record);
    this.cached.set(key, view);
    return { view, hit: false };
  }
}
