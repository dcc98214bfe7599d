import fc from 'fast-check';
import type { CrispEventName } from './crisp-events';

/**
 * Valid payloads of every handled event, as Crisp documents them (crisp-api `Events.ts`, Crisp's
 * Go client `events.go`), for the property tests. Keys Crisp may leave out are optional here.
 */
const text = fc.string({ maxLength: 12 });
const id = fc.stringMatching(/^[a-z0-9_-]{1,16}$/);
const fingerprint = fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER });
const timestamp = fc.integer({ min: 0, max: 4_102_444_800_000 });
const origin = fc.constantFrom('chat', 'email', 'urn:crisp:im:whatsapp');
const strings = fc.array(text, { maxLength: 4 });
const json = fc.jsonValue({ maxDepth: 2 });
const object = fc.dictionary(text, json, { maxKeys: 4 });
const coordinate = fc.double({ min: -180, max: 180, noNaN: true });

const optional = { requiredKeys: [] as never[] };
const receipt = fc.record(
  { origin, fingerprints: fc.array(fingerprint, { maxLength: 5 }) },
  { requiredKeys: ['origin'] },
);
const message = fc.record(
  {
    fingerprint,
    timestamp,
    type: fc.constantFrom('text', 'note', 'file', 'picker', 'event'),
    from: fc.constantFrom('user', 'operator'),
    origin,
    content: fc.oneof(text, object),
    user: fc.record({ user_id: id, nickname: text }, optional),
    mentions: fc.array(id, { maxLength: 3 }),
    stamped: fc.boolean(),
    edited: fc.boolean(),
    translated: fc.boolean(),
    inbox_id: fc.option(id),
  },
  { requiredKeys: ['fingerprint'] },
);
const field = <T>(key: string, value: fc.Arbitrary<T>) => fc.record({ [key]: value });

export const VALID_PAYLOADS: Record<CrispEventName, fc.Arbitrary<Record<string, unknown>>> = {
  'session:request:initiated': fc.constant({}),
  'message:send': message,
  'message:received': message,
  'message:updated': fc.record({ fingerprint, content: fc.oneof(text, object) }),
  'message:removed': fc.record({ fingerprint }),
  'message:acknowledge:read:send': receipt,
  'message:acknowledge:read:received': receipt,
  'message:acknowledge:unread:send': receipt,
  'message:acknowledge:delivered': receipt,
  'session:set_state': field('state', fc.constantFrom('pending', 'unresolved', 'resolved')),
  'session:set_block': field('is_blocked', fc.boolean()),
  'session:set_email': field('email', text),
  'session:set_phone': field('phone', text),
  'session:set_nickname': field('nickname', text),
  'session:set_avatar': field('avatar', text),
  'session:set_subject': field('subject', text),
  'session:set_origin': field('origin', text),
  'session:set_address': field('address', text),
  'session:set_data': field('data', object),
  'session:set_segments': field('segments', strings),
  'session:set_participants': field(
    'participants',
    fc.array(fc.record({ type: fc.constant('email'), target: text }), { maxLength: 3 }),
  ),
  'session:set_mentions': field('mentions', fc.array(id, { maxLength: 3 })),
  'session:set_routing': fc.record(
    { routing_id: fc.option(id), previous_routing_id: fc.option(id) },
    optional,
  ),
  'session:set_inbox': fc.record(
    {
      inbox_id: fc.oneof(id, fc.constant(''), fc.constant(null)),
      previous_inbox_id: fc.option(id),
    },
    optional,
  ),
  'session:update_availability': field('availability', fc.constantFrom('online', 'offline')),
  'session:update_verify': fc.record(
    { is_verified: fc.boolean(), verifications: fc.array(object, { maxLength: 2 }) },
    { requiredKeys: ['is_verified'] },
  ),
  'session:sync:geolocation': fc.record(
    {
      geolocation: fc.record(
        {
          country: text,
          region: text,
          city: text,
          coordinates: fc.record({ latitude: coordinate, longitude: coordinate }),
        },
        optional,
      ),
    },
    optional,
  ),
  'session:sync:system': fc.record({ system: object }, optional),
  'session:sync:network': fc.record(
    { network: fc.record({ ip: text, connection: object }, optional) },
    optional,
  ),
  'session:sync:timezone': fc.record(
    { timezone: fc.record({ offset: fc.integer({ min: -720, max: 840 }) }, optional) },
    optional,
  ),
  'session:sync:locales': fc.record(
    { locales: fc.record({ locales: strings }, optional) },
    optional,
  ),
  'session:sync:capabilities': fc.record(
    { capabilities: fc.oneof(strings, fc.record({ capabilities: strings })) },
    optional,
  ),
  'session:sync:rating': field(
    'rating',
    fc.record(
      { stars: fc.integer({ min: 1, max: 5 }), comment: text },
      { requiredKeys: ['stars'] },
    ),
  ),
  'session:set_opened': field('operator', fc.record({ user_id: id, nickname: text }, optional)),
  'session:set_closed': field('operator', fc.record({ user_id: id, nickname: text }, optional)),
  'session:removed': fc.constant({}),
  'people:bind:session': field('people_id', id),
  'people:profile:created': fc.record(
    { people_id: id, email: text },
    { requiredKeys: ['people_id'] },
  ),
  'people:profile:updated': fc.record(
    { people_id: id, email: text, update: fc.record({ updated_at: fc.nat(), person: object }) },
    { requiredKeys: ['people_id'] },
  ),
  'people:profile:removed': field('people_id', id),
  'website:update_operators_availability': fc.record({
    user_id: id,
    availability: fc.record({ type: fc.constantFrom('online', 'away', 'offline') }),
  }),
};
