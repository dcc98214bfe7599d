import type { Conversation, ConversationMessage } from 'crisp-api';
import type { ConversationRecord, MessageRecord } from './conversation-records';
import type { SyncSource } from './sync-source';

/** The latest instant a JavaScript Date holds (±100,000,000 days from the epoch). */
const MAX_EPOCH_MS = 8.64e15;

/** Crisp sends epoch milliseconds; the schema stores timestamptz. Anything else is no time. */
export function isoFromEpochMs(value: unknown): string | null {
  return typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= MAX_EPOCH_MS
    ? new Date(value).toISOString()
    : null;
}

/** Text stays text; structured content (files, pickers, events…) is stored as its JSON. */
export function contentAsText(content: unknown): string | null {
  if (content === undefined || content === null) return null;
  return typeof content === 'string' ? content : JSON.stringify(content);
}

/**
 * Readers that keep a column to its type: Crisp's JSON is not checked before it reaches a mapper,
 * and a value of another type must not make PostgreSQL refuse the row. Such a value is left out of
 * its column; `raw` keeps it (conversations keep the whole payload, messages what no column holds).
 */
type Loose = Readonly<Record<string, unknown>>;
const loose = (value: unknown): Loose =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Loose) : {};
const own = (record: Loose, key: string): unknown =>
  Object.hasOwn(record, key) ? record[key] : undefined;
const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const flag = (value: unknown): boolean | null => (typeof value === 'boolean' ? value : null);
const json = (value: unknown): unknown => (value === undefined ? null : value);
/** smallint / integer columns: a number out of their range would be refused. */
const integer = (value: unknown, limit = 2_147_483_647): number | null =>
  Number.isSafeInteger(value) && Math.abs(value as number) <= limit ? (value as number) : null;
const bigint = (value: unknown): number | null =>
  Number.isSafeInteger(value) ? (value as number) : null;

/**
 * When a REST snapshot of a conversation holds Crisp's state. Crisp serves GET routes through a
 * cache (`Bloom-Status`, docs.crisp.chat/guides/rest-api/rate-limits): a cached copy may be older
 * than events already stored, and then only what Crisp says of it counts, its `updated_at` (every
 * change before it is in the copy), never later than the request. An answer Crisp computed for
 * this request (`fresh`) holds the state when the request was sent, so it also corrects events
 * that arrived out of order before that.
 */
export function snapshotObservedAt(
  conversation: Conversation,
  answer: { fresh: boolean; sentAt: Date },
): Date {
  const sent = answer.sentAt.getTime();
  if (answer.fresh) return answer.sentAt;
  const stated = conversation.updated_at ?? conversation.created_at;
  return new Date(
    typeof stated === 'number' && Number.isFinite(stated) ? Math.min(stated, sent) : 0,
  );
}

export function conversationRecordFromCrisp(
  conversation: Conversation,
  observedAt: Date,
  source: SyncSource,
): ConversationRecord {
  const all = loose(conversation);
  const at = (key: string) => own(all, key);
  const meta = loose(at('meta'));
  const preview = loose(at('preview_message'));
  const active = loose(at('active'));
  const unread = loose(at('unread'));
  return {
    session_id: conversation.session_id,
    website_id: conversation.website_id,
    inbox_id: text(at('inbox_id')) || null,
    people_id: text(at('people_id')),
    state: text(at('state')),
    status: integer(at('status'), 32_767),
    is_blocked: flag(at('is_blocked')),
    is_verified: flag(at('is_verified')),
    availability: text(at('availability')),
    active_now: flag(own(active, 'now')),
    active_last: isoFromEpochMs(own(active, 'last')),
    assigned_user_id: text(own(loose(at('assigned')), 'user_id')),
    participants: json(at('participants')),
    mentions: json(at('mentions')),
    verifications: json(at('verifications')),
    compose: json(at('compose')),
    unread_operator: integer(own(unread, 'operator')),
    unread_visitor: integer(own(unread, 'visitor')),
    last_message: text(at('last_message')),
    preview_message_type: text(own(preview, 'type')),
    preview_message_from: text(own(preview, 'from')),
    preview_message_excerpt: text(own(preview, 'excerpt')),
    preview_message_fingerprint: bigint(own(preview, 'fingerprint')),
    waiting_since: isoFromEpochMs(at('waiting_since')),
    meta_nickname: text(own(meta, 'nickname')),
    meta_email: text(own(meta, 'email')),
    meta_phone: text(own(meta, 'phone')),
    meta_avatar: text(own(meta, 'avatar')),
    meta_ip: text(own(meta, 'ip')),
    meta_origin: text(own(meta, 'origin')),
    meta_subject: text(own(meta, 'subject')),
    meta_address: text(own(meta, 'address')),
    meta_segments: json(own(meta, 'segments')),
    meta_data: json(own(meta, 'data')),
    meta_device: json(own(meta, 'device')),
    meta_connection: json(own(meta, 'connection')),
    created_at_crisp: isoFromEpochMs(at('created_at')),
    updated_at_crisp: isoFromEpochMs(at('updated_at')),
    raw: conversation,
    observed_at: observedAt.toISOString(),
    sync_source: source,
  };
}

/**
 * A message as Crisp sends it, with the identifiers a stored row cannot do without; any other
 * field may be missing or of another type.
 */
export type IdentifiedCrispMessage = object & {
  session_id: string;
  website_id: string;
  fingerprint: number;
  timestamp: number;
};

export function messageRecordFromCrisp(
  message: IdentifiedCrispMessage | (ConversationMessage & IdentifiedCrispMessage),
  observedAt: Date,
  source: SyncSource,
): MessageRecord {
  const all = loose(message);
  const at = (key: string) => own(all, key);
  const user = loose(at('user'));
  return {
    session_id: message.session_id,
    website_id: message.website_id,
    fingerprint: message.fingerprint,
    type: text(at('type')) ?? 'text',
    from: text(at('from')) ?? 'user',
    origin: text(at('origin')),
    content: contentAsText(at('content')),
    user_id: text(own(user, 'user_id')),
    user_nickname: text(own(user, 'nickname')),
    preview: json(at('preview')),
    mentions: json(at('mentions')),
    read: text(at('read')),
    delivered: text(at('delivered')),
    stamped: flag(at('stamped')),
    // Crisp leaves these out unless true (crisp-protocol.md §9): absent is false, so BI counts right.
    edited: flag(at('edited')) ?? false,
    translated: flag(at('translated')) ?? false,
    automated: flag(at('automated')) ?? false,
    timestamp: new Date(message.timestamp).toISOString(),
    raw: messageRawResidual(message),
    observed_at: observedAt.toISOString(),
    sync_source: source,
  };
}

const isString = (value: unknown) => typeof value === 'string';
const isBoolean = (value: unknown) => typeof value === 'boolean';
const isTrue = (value: unknown) => value === true;
const isPresent = (value: unknown) => value !== null && value !== undefined;
const always = () => true;

/**
 * The top-level fields of a Crisp message that a typed column holds exactly, with the test a
 * value must pass to be left out of `raw` (a value that fails it stays in `raw`, e.g. a null, or
 * structured content, whose column holds its JSON text). `type` and `from` stay in `raw`: their
 * columns default to `text`/`user` when Crisp leaves them out, so they would not tell absent
 * from sent. `user` is split member by member (`user_id`, `nickname`); see `messageRawResidual`.
 */
export const MESSAGE_FIELDS_IN_COLUMNS: Record<string, (value: unknown) => boolean> = {
  session_id: always,
  website_id: always,
  fingerprint: always,
  timestamp: Number.isInteger,
  origin: isString,
  content: isString,
  read: isString,
  delivered: isString,
  preview: isPresent,
  mentions: isPresent,
  stamped: isBoolean,
  // Stored as false when absent, so only `true` is told apart by the column alone; a `false`
  // Crisp did send stays in `raw`, and `crisp_message_payload` gives the payload back exactly.
  edited: isTrue,
  translated: isTrue,
  automated: isTrue,
};

const USER_MEMBERS_IN_COLUMNS = ['user_id', 'nickname'];

/**
 * What a message row keeps in `raw`: every field Crisp sent that its typed columns do not hold
 * exactly (see MESSAGE_FIELDS_IN_COLUMNS). The columns plus `raw` give the whole payload back:
 * SQL function `crisp_message_payload(conversation_messages)` (docs/SCHEMA.md). A `user` whose
 * every member went to columns is left out; one with other members keeps only those.
 */
export function messageRawResidual(message: object): Record<string, unknown> {
  const residual: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(message as Loose)) {
    if (value === undefined) continue;
    const inColumn = Object.hasOwn(MESSAGE_FIELDS_IN_COLUMNS, key)
      ? MESSAGE_FIELDS_IN_COLUMNS[key]
      : undefined;
    if (inColumn?.(value)) continue;
    if (key === 'user' && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const rest: Record<string, unknown> = {};
      let moved = 0;
      for (const [member, memberValue] of Object.entries(value as Record<string, unknown>)) {
        if (memberValue === undefined) continue;
        if (USER_MEMBERS_IN_COLUMNS.includes(member) && typeof memberValue === 'string') moved += 1;
        else rest[member] = memberValue;
      }
      if (moved === 0 || Object.keys(rest).length > 0) residual.user = rest;
      continue;
    }
    residual[key] = value;
  }
  return residual;
}

/**
 * A batch from `GET …/messages`, which may omit ids the request already named, as records. An
 * item without a usable fingerprint or timestamp cannot be keyed and is skipped; a batch that is
 * not a list (crisp-api resolves a missing `data` as `{}`) holds nothing. `observedAt` null:
 * each message is dated by its own timestamp (a batch that may come from Crisp's cache holds each
 * message at least as it was sent, and so never undoes a later edit).
 */
export function messageRecordsFromBatch(
  batch: readonly ConversationMessage[],
  conversation: { websiteId: string; sessionId: string },
  observedAt: Date | null,
  source: SyncSource,
): MessageRecord[] {
  if (!Array.isArray(batch)) return [];
  return batch.flatMap((item: unknown) => {
    const message = loose(item);
    const fingerprint = own(message, 'fingerprint');
    const timestamp = own(message, 'timestamp');
    if (!Number.isSafeInteger(fingerprint) || isoFromEpochMs(timestamp) === null) return [];
    return [
      messageRecordFromCrisp(
        {
          ...message,
          session_id: conversation.sessionId,
          website_id: conversation.websiteId,
          fingerprint: fingerprint as number,
          timestamp: timestamp as number,
        },
        observedAt ?? new Date(timestamp as number),
        source,
      ),
    ];
  });
}
