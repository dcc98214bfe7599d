import type {
  EventsMessageAcknowledge,
  EventsMessageReceived,
  EventsMessageRemoved,
  EventsMessageSend,
  EventsMessageUpdated,
  EventsSessionGeneric,
  EventsSessionSetAddress,
  EventsSessionSetAvatar,
  EventsSessionSetBlock,
  EventsSessionSetData,
  EventsSessionSetEmail,
  EventsSessionSetInbox,
  EventsSessionSetMentions,
  EventsSessionSetNickname,
  EventsSessionSetOrigin,
  EventsSessionSetParticipants,
  EventsSessionSetPhone,
  EventsSessionSetRouting,
  EventsSessionSetSegments,
  EventsSessionSetState,
  EventsSessionSetSubject,
  EventsSessionSyncGeolocation,
  EventsSessionSyncLocales,
  EventsSessionSyncNetwork,
  EventsSessionSyncSystem,
  EventsSessionSyncTimezone,
  EventsSessionUpdateAvailability,
  EventsSessionUpdateVerify,
} from 'crisp-api';

/**
 * crisp-api types `capabilities` as a list; Crisp's Go client as `{capabilities: [...]}`
 * (crisp-protocol.md §3, UNVERIFIED which is right): both are accepted.
 */
export interface EventsSessionSyncCapabilitiesEitherShape extends EventsSessionGeneric {
  capabilities: string[] | { capabilities: string[] };
}

/** Every Crisp event that changes mirrored data, with its payload (crisp-protocol.md §3). */
export interface CrispEventPayloads {
  'session:request:initiated': EventsSessionGeneric;
  'message:send': EventsMessageSend;
  'message:received': EventsMessageReceived;
  'message:updated': EventsMessageUpdated;
  'message:removed': EventsMessageRemoved;
  'message:acknowledge:read:send': EventsMessageAcknowledge;
  'message:acknowledge:read:received': EventsMessageAcknowledge;
  'message:acknowledge:unread:send': EventsMessageAcknowledge;
  'message:acknowledge:delivered': EventsMessageAcknowledge;
  'session:set_state': EventsSessionSetState;
  'session:set_block': EventsSessionSetBlock;
  'session:set_email': EventsSessionSetEmail;
  'session:set_phone': EventsSessionSetPhone;
  'session:set_nickname': EventsSessionSetNickname;
  'session:set_avatar': EventsSessionSetAvatar;
  'session:set_subject': EventsSessionSetSubject;
  'session:set_origin': EventsSessionSetOrigin;
  'session:set_address': EventsSessionSetAddress;
  'session:set_data': EventsSessionSetData;
  'session:set_segments': EventsSessionSetSegments;
  'session:set_participants': EventsSessionSetParticipants;
  'session:set_mentions': EventsSessionSetMentions;
  'session:set_routing': EventsSessionSetRouting;
  'session:set_inbox': EventsSessionSetInbox;
  'session:update_availability': EventsSessionUpdateAvailability;
  'session:update_verify': EventsSessionUpdateVerify;
  'session:sync:geolocation': EventsSessionSyncGeolocation;
  'session:sync:system': EventsSessionSyncSystem;
  'session:sync:network': EventsSessionSyncNetwork;
  'session:sync:timezone': EventsSessionSyncTimezone;
  'session:sync:locales': EventsSessionSyncLocales;
  'session:sync:capabilities': EventsSessionSyncCapabilitiesEitherShape;
  'session:removed': EventsSessionGeneric;
}

export type CrispEventName = keyof CrispEventPayloads;

export const HANDLED_EVENTS = [
  'session:request:initiated',
  'message:send',
  'message:received',
  'message:updated',
  'message:removed',
  'message:acknowledge:read:send',
  'message:acknowledge:read:received',
  'message:acknowledge:unread:send',
  'message:acknowledge:delivered',
  'session:set_state',
  'session:set_block',
  'session:set_email',
  'session:set_phone',
  'session:set_nickname',
  'session:set_avatar',
  'session:set_subject',
  'session:set_origin',
  'session:set_address',
  'session:set_data',
  'session:set_segments',
  'session:set_participants',
  'session:set_mentions',
  'session:set_routing',
  'session:set_inbox',
  'session:update_availability',
  'session:update_verify',
  'session:sync:geolocation',
  'session:sync:system',
  'session:sync:network',
  'session:sync:timezone',
  'session:sync:locales',
  'session:sync:capabilities',
  'session:removed',
] as const satisfies readonly CrispEventName[];

/** One event as either door delivers it; `at` is when it happened (or, failing that, arrived). */
export type CrispEvent = {
  [N in CrispEventName]: {
    name: N;
    payload: CrispEventPayloads[N];
    at: Date;
    door: 'rtm' | 'webhook';
  };
}[CrispEventName];

export function isHandledEvent(name: string): name is CrispEventName {
  return (HANDLED_EVENTS as readonly string[]).includes(name);
}
