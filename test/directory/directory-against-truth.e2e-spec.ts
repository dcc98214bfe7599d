/**
 * The directory against the simulator's ground truth, through the real crisp-api client: every
 * operator and inbox (all pages) stored, a second refresh changing nothing, availability
 * intervals from the snapshot and from events told by both RTM and Web Hooks, an inbox named by
 * an event refreshed, and no operator token secret anywhere in the database or the logs.
 */
import request from 'supertest';
import type { App } from 'supertest/types';
import { DirectoryRefreshService } from '../../src/directory-refresh/directory-refresh.service';
import { FAKE_SECRET_PREFIX, INBOXES_PER_PAGE } from '../../tools/crisp-simulator';
import { eventually } from '../support/crisp-test-setup';
import { startDirectoryApp, type DirectoryApp } from './directory-start';

jest.setTimeout(120_000);

interface IntervalRow {
  user_id: string;
  status: string;
  started_at: Date;
  ended_at: Date | null;
  source: string;
  door: string;
}

describe('the directory against the ground truth, both doors on', () => {
  let d: DirectoryApp;

  beforeAll(async () => {
    d = await startDirectoryApp(83, { CRISP_RTM_ENABLED: 'true' });
  });

  afterAll(() => d?.close());

  const intervals = (userId: string) =>
    d.dataSource.query<IntervalRow[]>(
      `SELECT user_id, status, started_at, ended_at, source, door FROM operator_availability
       WHERE website_id = $1 AND user_id = $2 ORDER BY started_at, id`,
      [d.websiteId, userId],
    );

  it('stores every operator of the truth, with a display name and never a token', async () => {
    const rows: Record<string, unknown>[] = await d.dataSource.query(
      `SELECT user_id, email, first_name, last_name, display_name, role, title, avatar,
         availability, has_token, removed_at FROM operators WHERE website_id = $1 ORDER BY user_id`,
      [d.websiteId],
    );
    const expected = d.truth.directory
      .operators(d.websiteId)
      .map(({ details }) => ({
        user_id: details.user_id,
        email: details.email,
        first_name: details.first_name,
        last_name: details.last_name || null,
        display_name: [details.first_name, details.last_name].filter(Boolean).join(' '),
        role: details.role,
        title: details.title || null,
        avatar: details.avatar || null,
        availability: details.availability,
        has_token: details.has_token,
        removed_at: null,
      }))
      .sort((a, b) => (a.user_id < b.user_id ? -1 : 1));
    expect(rows).toEqual(expected);
    expect(d.simulator.faults.count('GET /website/:id/operators/list')).toBe(1);
  });

  it('stores every inbox of every page, the list read to its empty page', async () => {
    const rows: Record<string, unknown>[] = await d.dataSource.query(
      `SELECT inbox_id, name, emoji, sort_order, operators, conditions, created_at, updated_at
       FROM inboxes WHERE website_id = $1 AND removed_at IS NULL ORDER BY sort_order`,
      [d.websiteId],
    );
    const truth = d.truth.directory.inboxes(d.websiteId);
    expect(truth.length).toBeGreaterThan(INBOXES_PER_PAGE);
    expect(rows).toEqual(
      truth.map((inbox) => ({
        inbox_id: inbox.inbox_id,
        name: inbox.name,
        emoji: inbox.emoji,
        sort_order: inbox.order,
        operators: inbox.operators,
        conditions: inbox.conditions,
        created_at: new Date(inbox.created_at),
        updated_at: new Date(inbox.updated_at),
      })),
    );
    const pages = Math.ceil(truth.length / INBOXES_PER_PAGE) + 1;
    expect(d.simulator.faults.count('GET /website/:id/inboxes/list/:page')).toBe(pages);
  });

  it('opens one interval per operator from the snapshot, at the time Crisp gives', async () => {
    for (const availability of d.truth.directory.availabilities(d.websiteId)) {
      expect(await intervals(availability.user_id)).toEqual([
        {
          user_id: availability.user_id,
          status: availability.type,
          started_at: new Date(availability.time.since),
          ended_at: null,
          source: 'snapshot',
          door: 'rest',
        },
      ]);
    }
  });

  it('changes nothing on a second refresh but the refresh times', async () => {
    const everything = () =>
      d.dataSource.query(
        `SELECT (SELECT jsonb_agg(to_jsonb(o) - 'refreshed_at' ORDER BY user_id) FROM operators o) AS o,
           (SELECT jsonb_agg(to_jsonb(i) - 'refreshed_at' ORDER BY inbox_id) FROM inboxes i) AS i,
           (SELECT jsonb_agg(to_jsonb(a) ORDER BY id) FROM operator_availability a) AS a`,
      );
    const before: unknown = await everything();
    const refresh = d.app.get(DirectoryRefreshService);
    await expect(refresh.refresh('test', ['operators', 'inboxes', 'availability'])).resolves.toBe(
      'done',
    );
    expect(await everything()).toEqual(before);
  });

  it('closes the open interval at an event’s time, once for the copies both doors bring', async () => {
    const [first] = d.truth.directory.availabilities(d.websiteId);
    const next = first.type === 'online' ? 'away' : 'online';
    const change = d.simulator.mutate((truth) =>
      truth.directory.setAvailability(d.websiteId, first.user_id, next),
    );
    const at = new Date(change.events[0].at!);
    await d.simulator.webhooks!.idle();
    const expected = [
      { status: first.type, started_at: new Date(first.time.since), ended_at: at },
      { status: next, started_at: at, ended_at: null, source: 'event', door: 'webhook' },
    ];
    await eventually(async () => expect(await intervals(first.user_id)).toMatchObject(expected));
    // The same event again, by both doors (a replay), and a snapshot agreeing: no change.
    d.simulator.emit(change.events);
    await d.simulator.webhooks!.idle();
    await d.app.get(DirectoryRefreshService).refresh('test', ['availability']);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await intervals(first.user_id)).toHaveLength(2);
    expect(await intervals(first.user_id)).toMatchObject(expected);
    const back = d.simulator.mutate((truth) =>
      truth.directory.setAvailability(d.websiteId, first.user_id, 'offline'),
    );
    const backAt = new Date(back.events[0].at!);
    await d.simulator.webhooks!.idle();
    await eventually(async () =>
      expect(await intervals(first.user_id)).toMatchObject([
        expected[0],
        { ...expected[1], ended_at: backAt },
        { status: 'offline', started_at: backAt, ended_at: null },
      ]),
    );
  });

  it('reads the availability snapshot again after RTM reconnects, catching a change it missed', async () => {
    const route = 'GET /website/:id/availability/operators';
    const before = d.simulator.faults.count(route);
    const operator = d.truth.directory.availabilities(d.websiteId).at(-1)!;
    const next = operator.type === 'away' ? 'online' : 'away';
    // Changed in Crisp, its event never sent: only the snapshot can tell.
    const missed = d.truth.directory.setAvailability(d.websiteId, operator.user_id, next);
    expect(d.simulator.rtm.dropTransports()).toBeGreaterThan(0);
    await eventually(async () =>
      expect((await intervals(operator.user_id)).at(-1)).toEqual({
        user_id: operator.user_id,
        status: next,
        started_at: new Date(missed.availability.time.since),
        ended_at: null,
        source: 'snapshot',
        door: 'rest',
      }),
    );
    expect(d.simulator.faults.count(route)).toBe(before + 1);
  });

  it('lists the inboxes again when an event names one not stored', async () => {
    const inbox = d.truth.directory.addInbox(d.websiteId, { inbox_id: 'inbox-new', name: 'New' });
    const [sessionId] = d.truth.getWebsite(d.websiteId)!.conversations.keys();
    d.simulator.mutate((truth) => truth.setInbox(d.websiteId, sessionId, inbox.inbox_id));
    await eventually(async () =>
      expect(
        await d.dataSource.query(`SELECT name FROM inboxes WHERE inbox_id = $1`, ['inbox-new']),
      ).toEqual([{ name: 'New' }]),
    );
  });

  it('removes nothing when a page of the inbox list fails, and goes on with the rest', async () => {
    const route = 'GET /website/:id/inboxes/list/:page';
    const stored = `SELECT count(*)::int AS n FROM inboxes WHERE removed_at IS NULL`;
    const [{ n }]: { n: number }[] = await d.dataSource.query(stored);
    // Page 1 answers, page 2 fails through every retry (CRISP_MAX_ATTEMPTS, 8 by default).
    d.simulator.faults.script(['pass', ...Array<500>(8).fill(500)], route);
    const operatorsBefore = d.simulator.faults.count('GET /website/:id/operators/list');
    await expect(
      d.app.get(DirectoryRefreshService).refresh('test', ['inboxes', 'operators']),
    ).resolves.toBe('done');
    d.simulator.faults.clearScripts();
    expect(await d.dataSource.query(stored)).toEqual([{ n }]);
    expect(d.simulator.faults.count('GET /website/:id/operators/list')).toBe(operatorsBefore + 1);
    expect(
      d.logs.lines.some((line) =>
        String(line.msg).startsWith(
          `Directory refresh of inboxes for website ${d.websiteId} failed`,
        ),
      ),
    ).toBe(true);
  });

  it('follows live traffic through both doors: each open interval is the truth’s availability', async () => {
    const eventIntervals = async () =>
      (
        await d.dataSource.query<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM operator_availability WHERE source = 'event'`,
        )
      )[0].n;
    const before = await eventIntervals();
    for (let done = 0; done < 400; done += 5) {
      d.simulator.traffic.step(5);
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
    await d.simulator.webhooks!.idle();
    const expected = d.truth.directory
      .availabilities(d.websiteId)
      .map((a) => ({ user_id: a.user_id, status: a.type, started_at: new Date(a.time.since) }))
      .sort((a, b) => (a.user_id < b.user_id ? -1 : 1));
    await eventually(async () =>
      expect(
        await d.dataSource.query(
          `SELECT user_id, status, started_at FROM operator_availability
           WHERE website_id = $1 AND ended_at IS NULL ORDER BY user_id`,
          [d.websiteId],
        ),
      ).toEqual(expected),
    );
    expect(await eventIntervals()).toBeGreaterThan(before + 2);
    // Each operator's intervals follow one another without a gap or an overlap.
    const [{ gaps }]: { gaps: number }[] = await d.dataSource.query(
      `SELECT count(*)::int AS gaps FROM (
         SELECT ended_at, lead(started_at) OVER (PARTITION BY website_id, user_id
           ORDER BY started_at, id) AS next FROM operator_availability) t
       WHERE ended_at IS DISTINCT FROM next`,
    );
    expect(gaps).toBe(0);
  });

  it('keeps no operator token secret in any table or log line', async () => {
    const withToken = d.truth.directory
      .operators(d.websiteId)
      .filter(({ details }) => details.identifier !== undefined);
    expect(withToken.length).toBeGreaterThan(0);
    const secrets = withToken.flatMap(({ details }) => [details.identifier!, details.key!]);
    // Every text-like and JSON column of every table of the schema, whatever it is.
    const columns: { table_name: string; column_name: string }[] = await d.dataSource.query(
      `SELECT c.table_name, c.column_name FROM information_schema.columns c
       JOIN information_schema.tables t USING (table_schema, table_name)
       WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
         AND c.data_type IN ('text', 'character varying', 'character', 'jsonb', 'json', 'ARRAY')`,
    );
    expect(columns.map((c) => c.table_name)).toEqual(
      expect.arrayContaining(['operators', 'inboxes', 'operator_availability', 'set_aside_events']),
    );
    const columnsHolding = async (text: string) => {
      const hits: string[] = [];
      for (const { table_name, column_name } of columns) {
        const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;
        const [row]: { n: number }[] = await d.dataSource.query(
          `SELECT count(*)::int AS n FROM ${quoted(table_name)}
           WHERE strpos(${quoted(column_name)}::text, $1) > 0`,
          [text],
        );
        if (row.n > 0) hits.push(`${table_name}.${column_name}`);
      }
      return hits;
    };
    // The scan finds what is there: the website id is in the directory's own tables.
    expect(await columnsHolding(d.websiteId)).toEqual(
      expect.arrayContaining(['operators.website_id', 'inboxes.website_id']),
    );
    const hits = await columnsHolding(FAKE_SECRET_PREFIX);
    expect(hits).toEqual([]);
    // The refresh logged (at debug) what it read: its lines are among those scanned.
    expect(d.logs.raw.some((line) => line.includes('Directory refresh of operators'))).toBe(true);
    expect(d.logs.raw.filter((line) => line.includes(FAKE_SECRET_PREFIX))).toEqual([]);
    for (const secret of secrets) {
      expect(d.logs.raw.some((line) => line.includes(secret))).toBe(false);
    }
    // Nor in a metric: the scrape tells when each listing was refreshed, and nothing of its content.
    const metrics = await request(d.app.getHttpServer() as App).get('/metrics');
    expect(metrics.status).toBe(200);
    for (const entity of ['operators', 'inboxes', 'operator_availability']) {
      expect(metrics.text).toMatch(
        new RegExp(`^entity_last_refresh_timestamp_seconds\\{entity="${entity}"\\} \\d`, 'm'),
      );
    }
    expect(metrics.text).not.toContain(FAKE_SECRET_PREFIX);
  });
});
