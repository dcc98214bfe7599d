/**
 * Shapes real Crisp sends that a well-formed simulator would not, each behind a switch a test
 * can turn on (crisp-protocol.md §9). They change only what goes on the wire (RTM and Plugin
 * Hooks), never the ground truth: a mirror fed them must stay equal to the truth, or set aside.
 *
 *   const sim = new CrispSimulator({ quirks: { emptyInboxIds: true } });
 *   sim.quirks.nulBytes = true;   // from now on
 */
import type { SimEvent, WireEvent, WirePayload } from './simulator-types';

export interface PayloadQuirks {
  /**
   * Leave out every key whose value is empty (null, false, '', [] or {}), as Crisp's Go client
   * marks them `omitempty` and its hook examples carry no `inbox_id`; the key an event is about
   * (`is_blocked` of `session:set_block`, …) and the ids stay.
   */
  omitOptionalKeys?: boolean;
  /** Receipts (`message:acknowledge:*`) without `fingerprints` (UNVERIFIED upstream, plausible). */
  receiptsWithoutFingerprints?: boolean;
  /** `session:set_inbox` with `inbox_id: ''`: a Crisp bug reported since 2025-09. */
  emptyInboxIds?: boolean;
  /** A NUL byte in visitor-set text: message content, nickname, subject, data values. */
  nulBytes?: boolean;
  /** After every event, one whose name no client knows (UNKNOWN_EVENT_NAME). */
  unknownEvents?: boolean;
}

/** What `unknownEvents` sends: a name the official clients cannot subscribe to. */
export const UNKNOWN_EVENT_NAME = 'session:set_unannounced_feature';

const NUL = '\u0000';

/** The key each event is about: never left out, even when empty. */
const SUBJECT_KEY: Readonly<Record<string, string>> = {
  'session:set_state': 'state',
  'session:set_block': 'is_blocked',
  'session:set_email': 'email',
  'session:set_phone': 'phone',
  'session:set_nickname': 'nickname',
  'session:set_avatar': 'avatar',
  'session:set_subject': 'subject',
  'session:set_origin': 'origin',
  'session:set_address': 'address',
  'session:set_data': 'data',
  'session:set_segments': 'segments',
  'session:set_participants': 'participants',
  'session:set_mentions': 'mentions',
  'session:update_availability': 'availability',
  'session:update_verify': 'is_verified',
  'session:sync:rating': 'rating',
  'session:set_opened': 'operator',
  'session:set_closed': 'operator',
  'website:update_operators_availability': 'availability',
  'people:profile:updated': 'update',
  'people:bind:session': 'people_id',
  'message:updated': 'content',
  'message:send': 'content',
  'message:received': 'content',
};

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function isEmpty(value: unknown): boolean {
  if (value === null || value === false || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return isObject(value) && Object.keys(value).length === 0;
}

/** Go's omitempty, member by member down the payload. */
function omitEmpty(value: Json, keep: ReadonlySet<string>): Json {
  const out: Json = {};
  for (const [key, inner] of Object.entries(value)) {
    if (keep.has(key)) out[key] = inner;
    else if (isObject(inner)) {
      const pruned = omitEmpty(inner, new Set());
      if (!isEmpty(pruned)) out[key] = pruned;
    } else if (!isEmpty(inner)) out[key] = inner;
  }
  return out;
}

const withNul = (text: string) =>
  `${text.slice(0, Math.ceil(text.length / 2))}${NUL}${text.slice(Math.ceil(text.length / 2))}`;

function addNulBytes(event: string, data: Json): Json {
  const out = { ...data };
  if (event === 'message:send' && typeof out.content === 'string')
    out.content = withNul(out.content);
  if (event === 'session:set_nickname' && typeof out.nickname === 'string') {
    out.nickname = withNul(out.nickname);
  }
  if (event === 'session:set_subject' && typeof out.subject === 'string') {
    out.subject = withNul(out.subject);
  }
  if (event === 'session:set_data' && isObject(out.data)) {
    out.data = Object.fromEntries(
      Object.entries(out.data).map(([key, value]) => [
        key,
        typeof value === 'string' ? withNul(value) : value,
      ]),
    );
  }
  return out;
}

/** Whom an event is about: the website, and the session when it is a session's event. */
function idsOf(event: SimEvent): WirePayload {
  const { website_id } = event.data;
  return 'session_id' in event.data
    ? { website_id, session_id: event.data.session_id }
    : { website_id };
}

function reshape(event: SimEvent, quirks: PayloadQuirks): WireEvent {
  let data: Json = { ...event.data };
  if (quirks.receiptsWithoutFingerprints && event.event.startsWith('message:acknowledge:')) {
    delete data.fingerprints;
  }
  if (quirks.emptyInboxIds && event.event === 'session:set_inbox') data.inbox_id = '';
  if (quirks.nulBytes) data = addNulBytes(event.event, data);
  if (quirks.omitOptionalKeys) {
    const keep = new Set([
      'website_id',
      'session_id',
      'people_id',
      'user_id',
      'fingerprint',
      SUBJECT_KEY[event.event],
    ]);
    // An empty inbox id is the bug above, not an empty value to leave out.
    if (quirks.emptyInboxIds && event.event === 'session:set_inbox') keep.add('inbox_id');
    data = omitEmpty(data, keep);
  }
  const payload: WirePayload & Json = { ...data, ...idsOf(event) };
  return { event: event.event, data: payload, at: event.at };
}

/** The events as they go on the wire with `quirks` on (the same objects when none is). */
export function applyPayloadQuirks(
  events: readonly SimEvent[],
  quirks: PayloadQuirks,
): WireEvent[] {
  if (!Object.values(quirks).some(Boolean)) return [...events];
  return events.flatMap((event) => {
    const wire = reshape(event, quirks);
    if (!quirks.unknownEvents) return [wire];
    return [
      wire,
      {
        event: UNKNOWN_EVENT_NAME,
        data: { ...idsOf(event), since: 'simulated' },
        at: event.at,
      },
    ];
  });
}
