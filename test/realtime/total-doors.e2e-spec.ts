/**
 * Issue 11 items 3 and 6: every door is total (any shape is stored, ignored or set aside, and
 * answered 2xx), and what some fields mean. Signed hooks come from the simulator's sender.
 */
import request from 'supertest';
import type { App } from 'supertest/types';
import { MetricsService } from '../../src/metrics/metrics.service';
import { signHook, UNKNOWN_EVENT_NAME } from '../../tools/crisp-simulator';
import { HOOK_SECRET, startHookDoor, type HookDoor } from '../support/hook-door';
jest.setTimeout(90_000);

const SEED = 47;
const VARIABLES = {};

describe('total doors: Web Hooks and RTM events of any shape', () => {
  let door: HookDoor;
  beforeAll(async () => {
    door = await startHookDoor(SEED, VARIABLES);
  });
  afterAll(() => door.close());

  it('answers 200 to receipts without fingerprints and device events without their object', async () => {
    const session_id = door.sessions()[0];
    const events = [
      door.hook('message:acknowledge:unread:send', { session_id, origin: 'chat' }),
      door.hook('message:acknowledge:read:received', { session_id, origin: 'chat' }),
      door.hook('message:acknowledge:delivered', { session_id, origin: 'email' }),
      door.hook('session:sync:timezone', { session_id }),
      door.hook('session:sync:locales', { session_id }),
      door.hook('session:sync:network', { session_id }),
    ];
    for (const event of events)
      expect([event.event, await door.statusOf(event)]).toEqual([event.event, 200]);
    const rows: unknown[] = await door.dataSource.query(
      'SELECT 1 FROM conversations WHERE session_id = $1',
      [session_id],
    );
    expect(rows).toHaveLength(1);
  });

  it('sets aside unknown events, malformed bodies and fields of another type, answering 200', async () => {
    const session_id = door.sessions()[2];
    expect(await door.statusOf(door.hook('session:set_future_thing', { session_id, x: 1 }))).toBe(
      200,
    );
    expect(
      await door.statusOf(door.hook('session:set_block', { session_id, is_blocked: 'yes' })),
    ).toBe(200);
    expect(await door.statusOf(door.hook('session:set_state', { state: 'resolved' }))).toBe(200);
    const body = JSON.stringify({ website_id: door.websiteId, event: 'session:set_state' });
    const now = String(Date.now());
    const malformed = await request(door.app.getHttpServer() as App)
      .post('/crisp/webhooks')
      .set('Content-Type', 'application/json')
      .set('X-Crisp-Request-Timestamp', now)
      .set('X-Crisp-Signature', signHook(HOOK_SECRET, now, body))
      .send(body);
    expect(malformed.status).toBe(200);
    expect(await door.setAside(`reason = 'malformed_hook'`)).toEqual([
      { door: 'webhook', event: 'session:set_state', reason: 'malformed_hook', payload: body },
    ]);
    const kept = await door.setAside(
      `event IN ('session:set_future_thing', 'session:set_block', 'session:set_state') AND reason <> 'malformed_hook'`,
    );
    expect(kept.map((row) => [row.event, row.reason])).toEqual([
      ['session:set_future_thing', 'unknown_event'],
      ['session:set_block', 'invalid:is_blocked'],
      ['session:set_state', 'missing_ids'],
    ]);
    const metrics = await door.app.get(MetricsService).registry.metrics();
    expect(metrics).toContain(
      'crisp_events_set_aside_total{event="unknown",reason="unknown_event"} 1',
    );
    expect(metrics).toContain(
      'crisp_events_set_aside_total{event="session:set_block",reason="invalid:is_blocked"} 1',
    );
  });

  it('stores an empty inbox id as NULL, binds people, and tells picker answers from edits', async () => {
    const session_id = door.sessions()[0];
    await door.send(door.hook('session:set_inbox', { session_id, inbox_id: 'inbox-1' }));
    await door.send(door.hook('session:set_inbox', { session_id, inbox_id: '' }));
    await door.send(door.hook('people:bind:session', { session_id, people_id: 'people-42' }));
    const [conversation]: Record<string, unknown>[] = await door.dataSource.query(
      'SELECT inbox_id, people_id FROM conversations WHERE session_id = $1',
      [session_id],
    );
    expect(conversation).toEqual({ inbox_id: null, people_id: 'people-42' });

    const picker = {
      id: 'p',
      text: 'Pick one',
      choices: [{ value: 'a', label: 'A', selected: false }],
    };
    const { message } = door.truth.addMessage(door.websiteId, session_id, {
      from: 'operator',
      type: 'text',
    });
    const fingerprint = message.fingerprint;
    await door.send(door.hook('message:updated', { session_id, fingerprint, content: picker }));
    const answered = { ...picker, choices: [{ value: 'a', label: 'A', selected: true }] };
    await door.send(door.hook('message:updated', { session_id, fingerprint, content: answered }));
    const [row]: Record<string, unknown>[] = await door.dataSource.query(
      'SELECT content, edited, translated FROM conversation_messages WHERE session_id = $1 AND fingerprint = $2',
      [session_id, fingerprint],
    );
    // The first update (no selection) is an edit; the answer that follows does not unset it.
    expect(row).toMatchObject({ content: JSON.stringify(answered), edited: true });

    const plain = door.truth.addMessage(door.websiteId, session_id, {
      from: 'user',
      content: 'no flags',
    });
    expect(await door.statusOf(plain.events[0])).toBe(200);
    const [flags]: Record<string, unknown>[] = await door.dataSource.query(
      'SELECT edited, translated FROM conversation_messages WHERE session_id = $1 AND fingerprint = $2',
      [session_id, plain.message.fingerprint],
    );
    expect(flags).toEqual({ edited: false, translated: false });

    const other = door.truth.addMessage(door.websiteId, session_id, {
      from: 'user',
      content: 'to answer',
    });
    await door.send(other.events[0]);
    await door.send(
      door.hook('message:updated', {
        session_id,
        fingerprint: other.message.fingerprint,
        content: answered,
      }),
    );
    const [unedited]: Record<string, unknown>[] = await door.dataSource.query(
      'SELECT edited FROM conversation_messages WHERE session_id = $1 AND fingerprint = $2',
      [session_id, other.message.fingerprint],
    );
    expect(unedited).toEqual({ edited: false });
  });

  it('stores what the simulator sends with its payload quirks on, answering every hook 200', async () => {
    // Known, and its metadata fetched, since the first test: no REST snapshot races the events.
    const session_id = door.sessions()[0];
    Object.assign(door.simulator.quirks, {
      omitOptionalKeys: true,
      receiptsWithoutFingerprints: true,
      emptyInboxIds: true,
      unknownEvents: true,
    });
    try {
      const before = door.simulator.webhooks!.deliveries.length;
      const { message } = door.simulator.mutate((t) =>
        t.addMessage(door.websiteId, session_id, { from: 'user', content: 'quirky' }),
      );
      door.simulator.mutate((t) => t.ackRead(door.websiteId, session_id, { reader: 'operator' }));
      door.simulator.mutate((t) => t.setInbox(door.websiteId, session_id, 'inbox-support'));
      door.simulator.mutate((t) => t.setBlock(door.websiteId, session_id, false));
      await door.simulator.webhooks!.idle();
      const deliveries = door.simulator.webhooks!.deliveries.slice(before);
      expect(deliveries.length).toBeGreaterThanOrEqual(8);
      expect(deliveries.map((d) => d.attempts[0].status).filter((s) => s !== 200)).toEqual([]);
      const [row]: Record<string, unknown>[] = await door.dataSource.query(
        `SELECT m.content, m.edited, m.translated, c.inbox_id, c.is_blocked
         FROM conversation_messages m JOIN conversations c USING (session_id)
         WHERE m.session_id = $1 AND m.fingerprint = $2`,
        [session_id, message.fingerprint],
      );
      expect(row).toEqual({
        content: 'quirky',
        edited: false,
        translated: false,
        inbox_id: null,
        is_blocked: false,
      });
      const unknown = await door.setAside(`event = $1 AND payload LIKE $2`, [
        UNKNOWN_EVENT_NAME,
        `%${session_id}%`,
      ]);
      expect(unknown.length).toBeGreaterThanOrEqual(4);
      expect(new Set(unknown.map((r) => r.reason))).toEqual(new Set(['unknown_event']));
    } finally {
      for (const key of Object.keys(door.simulator.quirks))
        delete door.simulator.quirks[key as 'nulBytes'];
    }
  });
});
