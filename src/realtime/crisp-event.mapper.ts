import type { ConversationPatch } from '../conversations/conversation-patches';
import { isKnownCrispEvent } from '../crisp/crisp-known-events';
import { mapOperatorAvailability } from './availability-event.mapper';
import {
  isHandledEvent,
  isWebsiteEvent,
  type CrispEvent,
  type SessionEventName,
  type WebsiteEventName,
} from './crisp-events';

type AvailabilityEventName = 'website:update_operators_availability';
import {
  mapMessage,
  mapMessageRemoved,
  mapMessageUpdated,
  mapReceipt,
} from './message-event.mapper';
import { mapOperatorActivity, mapRating } from './session-activity.mapper';
import { mapPeopleBind, mapPeopleProfileEvent, type WebsiteContext } from './people-event.mapper';
import {
  changes,
  conversationStub,
  IGNORED,
  patch,
  patchBase,
  setAside,
  type EventContext,
  type EventMapping,
} from './mirror-change';
import {
  holdsNul,
  idOf,
  INVALID,
  isRecord,
  member,
  readBoolean,
  readList,
  readNumber,
  readRecord,
  readString,
  readStringList,
  type JsonRecord,
  type Read,
} from '../common/payload-readers';

export type { EventMapping, MirrorChange } from './mirror-change';

type Columns = ConversationPatch['columns'];
type Mapper = (payload: JsonRecord, context: EventContext) => EventMapping;

/** Crisp's numeric status for each state (1 = unresolved is documented; the others inferred). */
const STATUS_OF_STATE: ReadonlyMap<string, number> = new Map([
  ['pending', 0],
  ['unresolved', 1],
  ['resolved', 2],
]);

/**
 * One field of the payload into one column. `required`: the event means nothing without it
 * (set aside when missing); otherwise a missing key reads as null, as Crisp's omitempty does.
 */
function field<T>(
  key: string,
  read: (value: unknown) => Read<T>,
  toColumns: (value: T | null) => Columns,
  required = true,
): Mapper {
  return (payload, context) => {
    const value = read(member(payload, key));
    if (value === INVALID) return setAside(`invalid:${key}`);
    if (value === undefined && required) return setAside(`missing:${key}`);
    return patch(context, toColumns(value ?? null));
  };
}

/**
 * A `session:sync:*` member. Crisp's Go client marks the inner objects omitempty: an event
 * without one changes nothing but still tells the conversation exists.
 */
function device(key: string, pick: (inner: JsonRecord) => Read<unknown>, column: string): Mapper {
  return (payload, context) => {
    const inner = member(payload, key);
    if (inner === undefined || inner === null) return changes([conversationStub(context)]);
    if (!isRecord(inner)) return setAside(`invalid:${key}`);
    const value = pick(inner);
    if (value === INVALID) return setAside(`invalid:${key}`);
    if (value === undefined || value === null) return changes([conversationStub(context)]);
    return patch(context, { [column]: value });
  };
}

const text = (column: keyof Columns, key: string) =>
  field(key, readString, (value) => ({ [column]: value }));

type WebsiteMapper = (payload: JsonRecord, context: WebsiteContext) => EventMapping;

const MAPPERS: Record<SessionEventName, Mapper> = {
  'session:request:initiated': (_payload, context) => changes([conversationStub(context, true)]),
  'message:send': mapMessage,
  'message:received': mapMessage,
  'message:updated': mapMessageUpdated,
  'message:removed': mapMessageRemoved,
  'message:acknowledge:read:send': (payload, context) => mapReceipt('read', payload, context),
  'message:acknowledge:read:received': (payload, context) => mapReceipt('read', payload, context),
  'message:acknowledge:unread:send': (payload, context) => mapReceipt('unread', payload, context),
  'message:acknowledge:delivered': (payload, context) => mapReceipt('delivered', payload, context),
  'session:set_state': field('state', readString, (state) => ({
    state,
    status: state === null ? null : (STATUS_OF_STATE.get(state) ?? null),
  })),
  'session:set_block': field('is_blocked', readBoolean, (is_blocked) => ({ is_blocked })),
  'session:set_email': text('meta_email', 'email'),
  'session:set_phone': text('meta_phone', 'phone'),
  'session:set_nickname': text('meta_nickname', 'nickname'),
  'session:set_avatar': text('meta_avatar', 'avatar'),
  'session:set_subject': text('meta_subject', 'subject'),
  'session:set_origin': text('meta_origin', 'origin'),
  'session:set_address': text('meta_address', 'address'),
  'session:set_data': field('data', readRecord, (meta_data) => ({ meta_data })),
  'session:set_segments': field('segments', readStringList, (meta_segments) => ({ meta_segments })),
  'session:set_participants': field('participants', readList, (participants) => ({ participants })),
  'session:set_mentions': field('mentions', readStringList, (mentions) => ({ mentions })),
  // Leaving routing_id out is how Crisp's omitempty would say "unassigned".
  'session:set_routing': field(
    'routing_id',
    readString,
    (routing) => ({ assigned_user_id: routing || null }),
    false,
  ),
  // Crisp has sent an empty inbox_id since 2025 (crisp-protocol.md §9): no inbox, not ''.
  'session:set_inbox': field(
    'inbox_id',
    readString,
    (inbox) => ({ inbox_id: inbox || null }),
    false,
  ),
  'session:update_availability': field('availability', readString, (availability) => ({
    availability,
  })),
  'session:update_verify': (payload, context) => {
    const verified = readBoolean(member(payload, 'is_verified'));
    const verifications = readList(member(payload, 'verifications'));
    if (verified === INVALID) return setAside('invalid:is_verified');
    if (verified === undefined) return setAside('missing:is_verified');
    if (verifications === INVALID) return setAside('invalid:verifications');
    return patch(context, { is_verified: verified, verifications: verifications ?? null });
  },
  'session:sync:geolocation': device('geolocation', (inner) => inner, 'meta_device.geolocation'),
  'session:sync:system': device('system', (inner) => inner, 'meta_device.system'),
  'session:sync:timezone': device(
    'timezone',
    (inner) => readNumber(member(inner, 'offset')),
    'meta_device.timezone',
  ),
  'session:sync:locales': device(
    'locales',
    (inner) => readStringList(member(inner, 'locales')),
    'meta_device.locales',
  ),
  // crisp-api types a list, Crisp's Go client {capabilities: [...]}: both are taken.
  'session:sync:capabilities': (payload, context) => {
    const outer = member(payload, 'capabilities');
    const list = Array.isArray(outer)
      ? outer
      : isRecord(outer)
        ? member(outer, 'capabilities')
        : outer;
    const capabilities = readStringList(list);
    if (capabilities === INVALID) return setAside('invalid:capabilities');
    if (capabilities === undefined || capabilities === null)
      return changes([conversationStub(context)]);
    return patch(context, { 'meta_device.capabilities': capabilities });
  },
  'session:sync:network': (payload, context) => {
    const network = member(payload, 'network');
    if (network === undefined || network === null) return changes([conversationStub(context)]);
    if (!isRecord(network)) return setAside('invalid:network');
    const ip = readString(member(network, 'ip'));
    const connection = readRecord(member(network, 'connection'));
    if (ip === INVALID) return setAside('invalid:network.ip');
    if (connection === INVALID) return setAside('invalid:network.connection');
    const columns: Columns = {
      ...(ip !== undefined && { meta_ip: ip }),
      ...(connection && { meta_connection: connection }),
    };
    return Object.keys(columns).length > 0
      ? patch(context, columns)
      : changes([conversationStub(context)]);
  },
  'session:sync:rating': mapRating,
  'session:set_opened': mapOperatorActivity('opened'),
  'session:set_closed': mapOperatorActivity('closed'),
  'session:removed': (_payload, context) =>
    changes([
      conversationStub(context),
      { kind: 'conversation-removed', removal: patchBase(context) },
    ]),
  'people:bind:session': mapPeopleBind,
};

/** Events about a website, not a conversation: they name no session. */
const WEBSITE_MAPPERS: Record<Exclude<WebsiteEventName, AvailabilityEventName>, WebsiteMapper> = {
  'people:profile:created': mapPeopleProfileEvent(false),
  'people:profile:updated': mapPeopleProfileEvent(false),
  'people:profile:removed': mapPeopleProfileEvent(true),
};

/**
 * Pure and total: what an event changes in the mirror, for any JSON whatever. An event the
 * service does not mirror is ignored; one whose name it does not know, or whose payload it cannot
 * store without losing part of it, is set aside (kept whole by the caller), never thrown on.
 */
export function mapCrispEvent(event: CrispEvent): EventMapping {
  if (!isHandledEvent(event.name)) {
    return isKnownCrispEvent(event.name) ? IGNORED : setAside('unknown_event');
  }
  if (event.name === 'website:update_operators_availability') {
    return refusingNul(mapOperatorAvailability(event));
  }
  if (!isRecord(event.payload)) return setAside('missing_ids');
  const website_id = idOf(member(event.payload, 'website_id'));
  if (isWebsiteEvent(event.name)) {
    if (!website_id) return setAside('missing_ids');
    const context = { website_id, sync_source: event.door, at: event.at };
    return refusingNul(WEBSITE_MAPPERS[event.name](event.payload, context));
  }
  const session_id = idOf(member(event.payload, 'session_id'));
  if (!website_id || !session_id) return setAside('missing_ids');
  const context: EventContext = {
    website_id,
    session_id,
    sync_source: event.door,
    observed_at: event.at.toISOString(),
    at: event.at,
    ...(event.twinAt && { twin_observed_at: event.twinAt.toISOString() }),
  };
  return refusingNul(MAPPERS[event.name](event.payload, context));
}

/** Known in advance to be refused by PostgreSQL: set aside here rather than found by the writer. */
function refusingNul(mapping: EventMapping): EventMapping {
  return mapping.outcome === 'changes' && holdsNul(mapping.changes)
    ? setAside('nul_byte')
    : mapping;
}
