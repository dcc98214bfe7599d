import type { Conversation, ConversationMessage } from 'crisp-api';
import type { ConversationRecord, MessageRecord } from './conversation-records';
import type { SyncSource } from './sync-source';

/** Crisp sends epoch milliseconds; the schema stores timestamptz. */
export function isoFromEpochMs(value: number | undefined | null): string | null {
  return typeof value === 'number' && Number.isFinite(value) ? new Date(value).toISOString() : null;
}

/** Text stays text; structured content (files, pickers, events…) is stored as its JSON. */
export function contentAsText(content: ConversationMessage['content']): string | null {
  if (content === undefined || content === null) return null;
  return typeof content === 'string' ? content : JSON.stringify(content);
}

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
  const meta = conversation.meta ?? {};
  const preview = conversation.preview_message ?? {};
  return {
    session_id: conversation.session_id,
    website_id: conversation.website_id,
    inbox_id: conversation.inbox_id ?? null,
    people_id: conversation.people_id ?? null,
    state: conversation.state ?? null,
    status: conversation.status ?? null,
    is_blocked: conversation.is_blocked ?? null,
    is_verified: conversation.is_verified ?? null,
    availability: conversation.availability ?? null,
    active_now: conversation.active?.now ?? null,
    active_last: isoFromEpochMs(conversation.active?.last),
    assigned_user_id: conversation.assigned?.user_id ?? null,
    participants: conversation.participants ?? null,
    mentions: conversation.mentions ?? null,
    verifications: conversation.verifications ?? null,
    compose: conversation.compose ?? null,
    unread_operator: conversation.unread?.operator ?? null,
    unread_visitor: conversation.unread?.visitor ?? null,
    last_message: conversation.last_message ?? null,
    preview_message_type: preview.type ?? null,
    preview_message_from: preview.from ?? null,
    preview_message_excerpt: preview.excerpt ?? null,
    preview_message_fingerprint: preview.fingerprint ?? null,
    waiting_since: isoFromEpochMs(conversation.waiting_since),
    meta_nickname: meta.nickname ?? null,
    meta_email: meta.email ?? null,
    meta_phone: meta.phone ?? null,
    meta_avatar: meta.avatar ?? null,
    meta_ip: meta.ip ?? null,
    meta_origin: meta.origin ?? null,
    meta_subject: meta.subject ?? null,
    meta_address: meta.address ?? null,
    meta_segments: meta.segments ?? null,
    meta_data: meta.data ?? null,
    meta_device: meta.device ?? null,
    meta_connection: meta.connection ?? null,
    created_at_crisp: isoFromEpochMs(conversation.created_at),
    updated_at_crisp: isoFromEpochMs(conversation.updated_at),
    raw: conversation,
    observed_at: observedAt.toISOString(),
    sync_source: source,
  };
}

/** A message as Crisp sends it, with the identifiers a stored row cannot do without. */
export type IdentifiedCrispMessage = ConversationMessage &
  Required<Pick<ConversationMessage, 'session_id' | 'website_id' | 'fingerprint' | 'timestamp'>>;

export function messageRecordFromCrisp(
  message: IdentifiedCrispMessage,
  observedAt: Date,
  source: SyncSource,
): MessageRecord {
  return {
    session_id: message.session_id,
    website_id: message.website_id,
    fingerprint: message.fingerprint,
    type: message.type ?? 'text',
    from: message.from ?? 'user',
    origin: message.origin ?? null,
    content: contentAsText(message.content),
    user_id: message.user?.user_id ?? null,
    user_nickname: message.user?.nickname ?? null,
    preview: message.preview ?? null,
    mentions: message.mentions ?? null,
    read: message.read ?? null,
    delivered: message.delivered ?? null,
    stamped: message.stamped ?? null,
    edited: message.edited ?? null,
    timestamp: new Date(message.timestamp).toISOString(),
    raw: messageRawResidual(message),
    observed_at: observedAt.toISOString(),
    sync_source: source,
  };
}

const isString = (value: unknown) => typeof value === 'string';
const isBoolean = (value: unknown) => typeof value === 'boolean';
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
  edited: isBoolean,
};

const USER_MEMBERS_IN_COLUMNS = ['user_id', 'nickname'];

/**
 * What a message row keeps in `raw`: every field Crisp sent that its typed columns do not hold
 * exactly (see MESSAGE_FIELDS_IN_COLUMNS). The columns plus `raw` give the whole payload back:
 * SQL function `crisp_message_payload(conversation_messages)` (docs/SCHEMA.md). A `user` whose
 * every member went to columns is left out; one with other members keeps only those.
 */
export function messageRawResidual(message: IdentifiedCrispMessage): Record<string, unknown> {
  const residual: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(message)) {
    if (value === undefined) continue;
    const inColumn = MESSAGE_FIELDS_IN_COLUMNS[key];
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
 * A batch from `GET …/messages`, which may omit ids the request already named, as records.
 * `observedAt` null: each message is dated by its own timestamp (a batch that may come from
 * Crisp's cache holds each message at least as it was sent, and so never undoes a later edit).
 */
export function messageRecordsFromBatch(
  batch: ConversationMessage[],
  conversation: { websiteId: string; sessionId: string },
  observedAt: Date | null,
  source: SyncSource,
): MessageRecord[] {
  return batch.flatMap((message) =>
    typeof message.fingerprint === 'number' && typeof message.timestamp === 'number'
      ? [
          messageRecordFromCrisp(
            {
              ...message,
              session_id: conversation.sessionId,
              website_id: conversation.websiteId,
              fingerprint: message.fingerprint,
              timestamp: message.timestamp,
            },
            observedAt ?? new Date(message.timestamp),
            source,
          ),
        ]
      : [],
  );
}
