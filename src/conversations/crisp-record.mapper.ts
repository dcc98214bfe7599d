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
    raw: message,
    observed_at: observedAt.toISOString(),
    sync_source: source,
  };
}

/** A batch from `GET …/messages`, which may omit ids the request already named, as records. */
export function messageRecordsFromBatch(
  batch: ConversationMessage[],
  conversation: { websiteId: string; sessionId: string },
  observedAt: Date,
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
            observedAt,
            source,
          ),
        ]
      : [],
  );
}
