import fc from 'fast-check';
import { CONVERSATION_COLUMNS } from '../conversations/conversations.repository';
import { MESSAGE_COLUMNS } from '../conversations/conversation-messages.repository';
import { contentAsText } from '../conversations/crisp-record.mapper';
import { mapCrispEvent } from './crisp-event.mapper';
import { VALID_PAYLOADS } from './crisp-event-payloads.arbitrary';
import { HANDLED_EVENTS, type CrispEvent } from './crisp-events';
import type { EventMapping, MirrorChange } from './mirror-change';

/** Issue 11 asks for at least 10,000 generated payloads per handled event name. */
const RUNS = { arbitrary: 4_000, varied: 3_000, mistyped: 3_000 };
const ids = { website_id: 'website-1', session_id: 'session_1' };

const event = (name: string, payload: unknown, door: CrispEvent['door'] = 'webhook') => ({
  name,
  payload,
  at: new Date(1_767_225_600_000),
  door,
});

/** A value PostgreSQL takes in a column of this type (jsonb takes any JSON). */
function fits(type: string, value: unknown): boolean {
  if (value === null || type === 'jsonb') return value !== undefined;
  if (type === 'text' || type === 'timestamptz') return typeof value === 'string';
  if (type === 'boolean') return typeof value === 'boolean';
  return Number.isSafeInteger(value);
}

/** Every column value a change carries fits its column: nothing is refused for its type. */
function storable(change: MirrorChange): boolean {
  const columns: [string, unknown, Record<string, string>][] =
    change.kind === 'conversation-patch'
      ? Object.entries(change.patch.columns).map(([k, v]) => [k, v, CONVERSATION_COLUMNS])
      : change.kind === 'message-patch'
        ? Object.entries(change.patch.columns).map(([k, v]) => [k, v, MESSAGE_COLUMNS])
        : change.kind === 'message'
          ? Object.entries(change.record).map(([k, v]) => [k, v, MESSAGE_COLUMNS])
          : [];
  return columns.every(([key, value, types]) =>
    key.startsWith('meta_device.') ? value !== undefined : fits(types[key], value),
  );
}

function isSound(mapping: EventMapping): boolean {
  return mapping.outcome !== 'changes' || mapping.changes.every(storable);
}

describe('mapCrispEvent is total (property-based, fast-check)', () => {
  describe.each(HANDLED_EVENTS)('%s', (name) => {
    it('maps any JSON at all, or sets it aside, without throwing', () => {
      const json = fc.jsonValue({ maxDepth: 3 });
      // Half of them name the conversation, so the mapper reads past the ids.
      const named = fc
        .dictionary(fc.string({ maxLength: 12 }), json, { maxKeys: 6 })
        .map((payload) => ({ ...payload, ...ids }));
      fc.assert(
        fc.property(fc.oneof(json, named), (payload) =>
          isSound(mapCrispEvent(event(name, payload))),
        ),
        { numRuns: RUNS.arbitrary },
      );
    });

    it('stores every valid payload, with any extra keys and any optional key left out', () => {
      const extra = fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), {
        maxKeys: 3,
      });
      fc.assert(
        fc.property(
          VALID_PAYLOADS[name],
          extra,
          fc.constantFrom('rtm', 'webhook'),
          (valid, more, door) => {
            const mapping = mapCrispEvent(event(name, { ...more, ...valid, ...ids }, door));
            return mapping.outcome === 'changes' && mapping.changes.every(storable);
          },
        ),
        { numRuns: RUNS.varied },
      );
    });

    it('never throws on a valid payload with one field of another type', () => {
      fc.assert(
        fc.property(
          VALID_PAYLOADS[name],
          fc.nat(),
          fc.jsonValue({ maxDepth: 2 }),
          (valid, pick, value) => {
            const keys = [...Object.keys(valid), 'website_id', 'session_id'];
            const key = keys[pick % keys.length];
            return isSound(mapCrispEvent(event(name, { ...valid, ...ids, [key]: value })));
          },
        ),
        { numRuns: RUNS.mistyped },
      );
    });
  });

  it('keeps what a valid message says: fingerprint, content, flags', () => {
    fc.assert(
      fc.property(VALID_PAYLOADS['message:send'], (valid) => {
        const mapping = mapCrispEvent(event('message:send', { ...valid, ...ids }));
        if (mapping.outcome !== 'changes') return false;
        const [change] = mapping.changes;
        return (
          change.kind === 'message' &&
          change.record.fingerprint === valid.fingerprint &&
          change.record.content === contentAsText(valid.content) &&
          change.record.edited === (valid.edited === true) &&
          change.record.translated === (valid.translated === true)
        );
      }),
      { numRuns: 2_000 },
    );
  });

  it('patches every fingerprint a receipt names, and none when it names none', () => {
    fc.assert(
      fc.property(VALID_PAYLOADS['message:acknowledge:read:send'], (valid) => {
        const mapping = mapCrispEvent(event('message:acknowledge:read:send', { ...valid, ...ids }));
        const named = new Set((valid.fingerprints as number[] | undefined) ?? []);
        return (
          mapping.outcome === 'changes' &&
          mapping.changes.filter((change) => change.kind === 'message-patch').length === named.size
        );
      }),
      { numRuns: 2_000 },
    );
  });

  it('sets aside names it does not know, ignores known ones it does not mirror', () => {
    fc.assert(
      fc.property(fc.string(), fc.jsonValue({ maxDepth: 2 }), (name, payload) => {
        const mapping = mapCrispEvent(event(`x-${name}`, payload));
        return mapping.outcome === 'set-aside' && mapping.reason === 'unknown_event';
      }),
    );
    expect(mapCrispEvent(event('message:compose:send', { ...ids }))).toEqual({
      outcome: 'ignored',
    });
  });

  it('maps the shapes Crisp is known to send', () => {
    const inbox = mapCrispEvent(event('session:set_inbox', { ...ids, inbox_id: '' }));
    expect(inbox).toMatchObject({
      changes: [{}, { patch: { columns: { inbox_id: null } } }],
    });
    const state = mapCrispEvent(event('session:set_state', { ...ids, state: 'constructor' }));
    expect(state).toMatchObject({ changes: [{}, { patch: { columns: { status: null } } }] });
    const picker = {
      choices: [
        { value: 'a', label: 'A', selected: true },
        { value: 'b', label: 'B', selected: false },
      ],
    };
    const answer = mapCrispEvent(
      event('message:updated', { ...ids, fingerprint: 5, content: picker }),
    );
    expect(answer).toMatchObject({
      changes: [{}, { patch: { columns: { content: JSON.stringify(picker) } } }],
    });
    expect(JSON.stringify(answer)).not.toContain('edited');
    expect(mapCrispEvent(event('people:bind:session', { ...ids, people_id: 'p1' }))).toMatchObject({
      changes: [
        {},
        { patch: { columns: { people_id: 'p1' } } },
        { kind: 'people-hint', hint: { people_id: 'p1', removed: false } },
      ],
    });
    expect(
      mapCrispEvent(event('people:profile:removed', { website_id: 'website-1', people_id: 'p2' })),
    ).toMatchObject({
      changes: [{ kind: 'people-hint', hint: { people_id: 'p2', removed: true } }],
    });
    expect(mapCrispEvent(event('people:profile:updated', { website_id: 'website-1' }))).toEqual({
      outcome: 'set-aside',
      reason: 'missing:people_id',
    });
    expect(mapCrispEvent(event('session:sync:network', { ...ids }))).toMatchObject({
      outcome: 'changes',
      changes: [{ kind: 'conversation' }],
    });
  });
});
