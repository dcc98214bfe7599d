/**
 * Shapes shared by every part of the simulator.
 *
 * The crisp-api typings mark almost every field optional (they describe what a client may receive);
 * the simulator's truth always fills them, so it declares stricter shapes that remain structurally
 * assignable to crisp-api's `Conversation` / `ConversationMessage` where the wire format allows.
 */
import type {
  ConversationEventMessageContent,
  ConversationFileMessageContent,
  ConversationMessagePreview,
  ConversationState,
  EventsMessageAcknowledge,
  EventsMessageRemoved,
  EventsPeopleBindSession,
  EventsPeopleProfileCreated,
  EventsPeopleProfileRemoved,
  EventsPeopleProfileUpdated,
  EventsSessionGeneric,
  EventsSessionSetAddress,
  EventsSessionSetAvatar,
  EventsSessionSetBlock,
  EventsSessionSetData,
  EventsSessionSetEmail,
  EventsSessionSetInbox,
  EventsSessionSetMentions,
  EventsSessionSetClosed,
  EventsSessionSetNickname,
  EventsSessionSetOpened,
  EventsSessionSetOrigin,
  EventsSessionSetParticipants,
  EventsSessionSetPhone,
  EventsSessionSetRouting,
  EventsSessionSetSegments,
  EventsSessionSetState,
  EventsSessionSetSubject,
  EventsSessionSyncCapabilities,
  EventsSessionSyncGeolocation,
  EventsSessionSyncLocales,
  EventsSessionSyncNetwork,
  EventsSessionSyncRating,
  EventsSessionSyncSystem,
  EventsSessionSyncTimezone,
  EventsSessionUpdateAvailability,
  EventsSessionUpdateVerify,
  EventsSessionVerification,
} from 'crisp-api';

export type CrispTierName = 'user' | 'website' | 'plugin';

/** One fake token the simulator accepts on REST and RTM. */
export interface SimCredential {
  identifier: string;
  key: string;
  tier: CrispTierName;
  /** Websites this token is subscribed to (plugin) or owns (website tier); 'all' = every website. */
  websiteIds: readonly string[] | 'all';
}

export type SimMessageType = 'text' | 'file' | 'note' | 'event';
export type SimMessageFrom = 'user' | 'operator';
export type SimOrigin = 'chat' | 'email';
/** Crisp reports read/delivered as the channel name the message was read on, or "" if not yet. */
export type SimAck = '' | SimOrigin;
export type SimMessageContent =
  string | ConversationFileMessageContent | ConversationEventMessageContent;

export interface SimMessageUser {
  user_id: string;
  nickname: string;
  type?: string;
  avatar?: string;
}

/** A message exactly as GET …/messages returns it. Treat instances as immutable snapshots. */
export interface SimMessage {
  session_id: string;
  website_id: string;
  fingerprint: number;
  type: SimMessageType;
  from: SimMessageFrom;
  origin: SimOrigin;
  content: SimMessageContent;
  user: SimMessageUser;
  preview: readonly ConversationMessagePreview[];
  mentions: readonly string[];
  read: SimAck;
  delivered: SimAck;
  stamped: boolean;
  edited: boolean;
  translated: boolean;
  timestamp: number;
}

export interface SimDevice {
  capabilities: string[];
  geolocation: {
    country: string;
    region: string;
    city: string;
    coordinates: { latitude: number; longitude: number };
  };
  system: {
    os: { name: string; version: string };
    engine: { name: string; version: string };
    browser: { name: string; version: string; major: string };
    useragent: string;
  };
  timezone: number;
  locales: string[];
}

export interface SimConversationMeta {
  nickname: string;
  email: string;
  phone: string;
  avatar: string;
  ip: string;
  address: string;
  subject: string;
  origin: string;
  segments: string[];
  data: Record<string, string | number | boolean>;
  device: SimDevice;
  connection: { isp: string; asn: string };
}

export interface SimParticipant {
  type: string;
  target: string;
}

/** A conversation exactly as GET …/conversation/{session_id} (and the list route) return it. */
export interface SimConversation {
  session_id: string;
  website_id: string;
  /** Omitted on the wire while the conversation is in no inbox. */
  inbox_id?: string;
  people_id: string;
  state: ConversationState;
  status: number;
  is_verified: boolean;
  is_blocked: boolean;
  availability: 'online' | 'offline';
  active: { now: boolean; last: number };
  last_message: string;
  preview_message?: {
    type: SimMessageType;
    from: SimMessageFrom;
    excerpt: string;
    fingerprint: number;
  };
  verifications: EventsSessionVerification[];
  participants: SimParticipant[];
  mentions: string[];
  unread: { operator: number; visitor: number };
  assigned?: { user_id: string };
  meta: SimConversationMeta;
  created_at: number;
  updated_at: number;
  waiting_since?: number;
}

/** Same fields as crisp-api's message event types, with the simulator's content union. */
export interface SimMessageEventPayload extends EventsSessionGeneric {
  type: SimMessageType;
  from: SimMessageFrom;
  origin: SimOrigin;
  content: SimMessageContent;
  fingerprint: number;
  timestamp: number;
  user: SimMessageUser;
  mentions: string[];
  stamped: boolean;
}

export interface SimMessageUpdatedPayload extends EventsSessionGeneric {
  fingerprint: number;
  content: SimMessageContent;
}

/**
 * `website:update_operators_availability`: both clients type `{website_id, user_id,
 * availability: {type}}`; crisp-api's `type` is online/offline only, the simulator also sends
 * `away`, a value Crisp's REST availability documents (UNVERIFIED on this event).
 */
export interface SimOperatorsAvailabilityPayload {
  website_id: string;
  user_id: string;
  availability: { type: 'online' | 'away' | 'offline' };
}

/** Payload of every event the simulator can emit, keyed by Crisp event name (crisp-protocol.md §3). */
export interface SimEventMap {
  'session:request:initiated': EventsSessionGeneric;
  'message:send': SimMessageEventPayload;
  'message:received': SimMessageEventPayload;
  'message:updated': SimMessageUpdatedPayload;
  'message:removed': EventsMessageRemoved;
  'message:acknowledge:read:send': EventsMessageAcknowledge;
  'message:acknowledge:read:received': EventsMessageAcknowledge;
  'message:acknowledge:delivered': EventsMessageAcknowledge;
  'session:set_state': EventsSessionSetState;
  'session:set_email': EventsSessionSetEmail;
  'session:set_phone': EventsSessionSetPhone;
  'session:set_nickname': EventsSessionSetNickname;
  'session:set_avatar': EventsSessionSetAvatar;
  'session:set_subject': EventsSessionSetSubject;
  'session:set_origin': EventsSessionSetOrigin;
  'session:set_address': EventsSessionSetAddress;
  'session:set_data': EventsSessionSetData;
  'session:set_segments': EventsSessionSetSegments;
  'session:set_block': EventsSessionSetBlock;
  'session:set_participants': EventsSessionSetParticipants;
  'session:set_mentions': EventsSessionSetMentions;
  'session:set_routing': EventsSessionSetRouting;
  'session:set_inbox': EventsSessionSetInbox;
  'session:set_opened': EventsSessionSetOpened;
  'session:set_closed': EventsSessionSetClosed;
  'session:update_availability': EventsSessionUpdateAvailability;
  'session:update_verify': EventsSessionUpdateVerify;
  'session:sync:geolocation': EventsSessionSyncGeolocation;
  'session:sync:system': EventsSessionSyncSystem;
  'session:sync:network': EventsSessionSyncNetwork;
  'session:sync:timezone': EventsSessionSyncTimezone;
  'session:sync:locales': EventsSessionSyncLocales;
  'session:sync:capabilities': EventsSessionSyncCapabilities;
  'session:sync:rating': EventsSessionSyncRating;
  'session:removed': EventsSessionGeneric;
  'website:update_operators_availability': SimOperatorsAvailabilityPayload;
  'people:profile:created': EventsPeopleProfileCreated;
  'people:profile:updated': EventsPeopleProfileUpdated;
  'people:profile:removed': EventsPeopleProfileRemoved;
  'people:bind:session': EventsPeopleBindSession;
}

export type SimEventName = keyof SimEventMap;

export interface SimEventOf<N extends SimEventName> {
  event: N;
  data: SimEventMap[N];
  /**
   * When the change happened in the ground truth (ms since epoch). Not part of the RTM payload
   * (RTM carries no time); a Web Hook sends it as its `timestamp`, which is when the event happened.
   */
  at?: number;
}

/** Discriminated union over `event`, so `if (e.event === 'message:send') e.data.content` type-checks. */
export type SimEvent = { [N in SimEventName]: SimEventOf<N> }[SimEventName];

/** The least every event on the wire carries: whom it is about (a room, maybe an inbox). */
export interface WirePayload {
  website_id: string;
  session_id?: string;
  inbox_id?: string | null;
}

/**
 * An event as RTM and Plugin Hooks deliver it: a SimEvent, or one reshaped by the payload quirks
 * (payload-quirks.ts), whose keys or name Crisp's types do not promise.
 */
export interface WireEvent {
  event: string;
  data: WirePayload;
  /** As `SimEventOf.at`: when the change happened; the Web Hook `timestamp`, never on RTM. */
  at?: number;
}

/** What every ground-truth mutation returns: the events to deliver plus mutation-specific values. */
export type Mutation<T extends object = object> = T & { events: SimEvent[] };

export type MetaStringField =
  'email' | 'phone' | 'nickname' | 'avatar' | 'subject' | 'origin' | 'address';
