/**
 * How the truth looks from outside: the REST shape of a conversation (`conversationView`) and the
 * payloads of the events mutations emit. Kept apart from ground-truth.ts, which holds the state and
 * the mutations, so each file stays readable.
 */
import type { ConversationState, EventsSessionGeneric } from 'crisp-api';
import type { ConversationRecord } from './ground-truth';
import type {
  MetaStringField,
  SimConversation,
  SimConversationMeta,
  SimDevice,
  SimEvent,
  SimMessage,
  SimMessageEventPayload,
} from './simulator-types';
import { excerptOf } from './synthetic-content';

/**
 * Mapping of state → numeric status. Only `unresolved ↔ 1` is attested (crisp-protocol.md §2.7);
 * 0 = pending and 2 = resolved is the natural reading and is UNVERIFIED.
 */
export const STATUS_BY_STATE: Readonly<Record<ConversationState, number>> = {
  pending: 0,
  unresolved: 1,
  resolved: 2,
};

export function baseOf(record: ConversationRecord): EventsSessionGeneric {
  return {
    website_id: record.website_id,
    session_id: record.session_id,
    inbox_id: record.inbox_id,
  };
}

export function messageEventPayload(
  record: ConversationRecord,
  message: SimMessage,
): SimMessageEventPayload {
  return {
    ...baseOf(record),
    type: message.type,
    from: message.from,
    origin: message.origin,
    content: message.content,
    fingerprint: message.fingerprint,
    timestamp: message.timestamp,
    user: { user_id: message.user.user_id, nickname: message.user.nickname },
    mentions: [...message.mentions],
    stamped: message.stamped,
  };
}

export function metaEvent(
  field: MetaStringField,
  value: string,
  base: EventsSessionGeneric,
): SimEvent {
  switch (field) {
    case 'email':
      return { event: 'session:set_email', data: { ...base, email: value } };
    case 'phone':
      return { event: 'session:set_phone', data: { ...base, phone: value } };
    case 'nickname':
      return { event: 'session:set_nickname', data: { ...base, nickname: value } };
    case 'avatar':
      return { event: 'session:set_avatar', data: { ...base, avatar: value } };
    case 'subject':
      return { event: 'session:set_subject', data: { ...base, subject: value } };
    case 'origin':
      return { event: 'session:set_origin', data: { ...base, origin: value } };
    case 'address':
      return { event: 'session:set_address', data: { ...base, address: value } };
  }
}

/** First index whose timestamp is >= `timestamp`. */
export function lowerBound(messages: readonly SimMessage[], timestamp: number): number {
  let low = 0;
  let high = messages.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (messages[mid].timestamp < timestamp) {
      low = mid + 1;
    } else {
      high = mid;
    }
  }
  return low;
}

/** First index whose timestamp is > `timestamp`. */
export function upperBound(messages: readonly SimMessage[], timestamp: number): number {
  let low = 0;
  let high = messages.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (messages[mid].timestamp <= timestamp) {
      low = mid + 1;
    } else {
      high = mid;
    }
  }
  return low;
}

export function unreadCounts(messages: readonly SimMessage[]): {
  operator: number;
  visitor: number;
} {
  let operator = 0;
  let visitor = 0;
  for (const message of messages) {
    if (message.read !== '' || message.type === 'note' || message.type === 'event') {
      continue;
    }
    if (message.from === 'user') {
      operator++;
    } else {
      visitor++;
    }
  }
  return { operator, visitor };
}

/** Derives the REST shape. Derived fields (unread, previews, waiting_since) follow the messages. */
export function conversationView(record: ConversationRecord): SimConversation {
  const messages = record.messages;
  const last = messages[messages.length - 1];
  let lastVisitorAt = record.created_at;
  let waitingSince: number | undefined;
  let answered = false;
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message.from === 'user') {
      lastVisitorAt = Math.max(lastVisitorAt, message.timestamp);
      if (!answered) {
        // The visitor has been waiting since their first message after the last operator reply.
        waitingSince = message.timestamp;
      } else {
        break;
      }
    } else if (message.type !== 'note' && message.type !== 'event') {
      answered = true;
    }
  }
  const view: SimConversation = {
    session_id: record.session_id,
    website_id: record.website_id,
    people_id: record.people_id,
    state: record.state,
    status: STATUS_BY_STATE[record.state],
    is_verified: record.is_verified,
    is_blocked: record.is_blocked,
    availability: record.availability,
    active: { now: record.availability === 'online', last: lastVisitorAt },
    last_message: last ? excerptOf(last.content) : '',
    verifications: record.verifications.map((v) => ({ ...v })),
    participants: record.participants.map((p) => ({ ...p })),
    mentions: [...record.mentions],
    unread: unreadCounts(messages),
    meta: structuredMeta(record.meta),
    created_at: record.created_at,
    updated_at: record.updated_at,
  };
  if (record.inbox_id !== null) {
    view.inbox_id = record.inbox_id;
  }
  if (last) {
    view.preview_message = {
      type: last.type,
      from: last.from,
      excerpt: excerptOf(last.content),
      fingerprint: last.fingerprint,
    };
  }
  if (record.assigned_user_id !== null) {
    view.assigned = { user_id: record.assigned_user_id };
  }
  if (record.state !== 'resolved' && waitingSince !== undefined) {
    view.waiting_since = waitingSince;
  }
  return view;
}

/** Copies meta so callers (and JSON snapshots) never alias the mutable truth. */
export function structuredMeta(meta: SimConversationMeta): SimConversationMeta {
  return {
    ...meta,
    segments: [...meta.segments],
    data: { ...meta.data },
    device: {
      ...meta.device,
      capabilities: [...meta.device.capabilities],
      locales: [...meta.device.locales],
    },
    connection: { ...meta.connection },
  };
}

/** The `session:sync:<member>` event for one part of meta.device, shaped as crisp-api types it. */
export function deviceSyncEvent(
  base: EventsSessionGeneric,
  device: SimDevice,
  member: keyof SimDevice,
): SimEvent {
  switch (member) {
    case 'geolocation':
      return {
        event: 'session:sync:geolocation',
        data: { ...base, geolocation: structuredClone(device.geolocation) },
      };
    case 'system':
      return {
        event: 'session:sync:system',
        data: { ...base, system: structuredClone(device.system) },
      };
    case 'timezone':
      return {
        event: 'session:sync:timezone',
        data: { ...base, timezone: { offset: device.timezone } },
      };
    case 'locales':
      return {
        event: 'session:sync:locales',
        data: { ...base, locales: { locales: [...device.locales] } },
      };
    case 'capabilities':
      return {
        event: 'session:sync:capabilities',
        data: { ...base, capabilities: [...device.capabilities] },
      };
  }
}
