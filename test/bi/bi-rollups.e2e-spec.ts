/**
 * The daily BI views read per-conversation rollups (migration BiRollups). Once the queued
 * conversations are refreshed, each view answers what its definition before the rollups computes
 * from the tables: the two are compared row by row on a generated history, then after writes of
 * every kind; until then, the views trail the writes.
 */
import { Client } from 'pg';
import { FULL_SCALE, seedDashboardHistory } from '../../bench/dashboard/dashboard-seed';
import { toPgClientConfig } from '../../src/database/database-connection';
import { createTestDatabase, type TestDatabase } from '../support/test-databases';
import { createPreRollupViews, PRE_ROLLUP_VIEWS, preRollupName } from '../support/pre-rollup-views';
import { refreshRollups } from './bi-rollups';

const WEBSITE = 'w-rollups';
const PREFIX = 'roll';
const session = (i: number) => `session_${PREFIX}_${String(i).padStart(6, '0')}`;

/** Numbers to 9 significant digits: an average of doubles may differ in its last bits. */
const rounded = (rows: Record<string, unknown>[]) =>
  rows.map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([key, value]) => [
        key,
        typeof value === 'number' ? Number(value.toPrecision(9)) : value,
      ]),
    ),
  );

describe('BI rollups', () => {
  let database: TestDatabase;
  let client: Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    client = new Client(toPgClientConfig(database.connection));
    await client.connect();
    await seedDashboardHistory(client, WEBSITE, PREFIX, {
      conversations: 300,
      messages: 6_000,
      events: FULL_SCALE.events / 1_000,
    });
    await createPreRollupViews(client);
  });

  afterAll(async () => {
    await client.end();
    await database.drop();
  });

  const queued = async () =>
    (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM rollup_queue')).rows[0].n;

  /** Every view of `names`, read in one snapshot (and one now()). */
  async function readViews(names = PRE_ROLLUP_VIEWS.map(([view]) => view)) {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    try {
      const rows: Record<string, unknown>[][] = [];
      for (const name of names) {
        const sql = `SELECT * FROM ${name} ORDER BY 1, 2, 3`;
        rows.push(rounded((await client.query<Record<string, unknown>>(sql)).rows));
      }
      return rows;
    } finally {
      await client.query('COMMIT');
    }
  }

  async function expectViewsMatchPreRollupViews() {
    const views = PRE_ROLLUP_VIEWS.map(([view]) => view);
    const read = await readViews([...views, ...views.map(preRollupName)]);
    for (const [i, view] of views.entries()) {
      const expected = read[views.length + i];
      expect(expected.length).toBeGreaterThan(0);
      expect({ view, rows: read[i] }).toEqual({ view, rows: expected });
    }
  }

  it('queues every conversation written', async () => {
    const { rows } = await client.query<{ sessions: number }>(
      'SELECT count(DISTINCT session_id)::int AS sessions FROM rollup_queue',
    );
    expect(rows[0].sessions).toBe(300);
  });

  it('answers as before from the refreshed rollups, with nothing left queued', async () => {
    await refreshRollups(client, 64);
    expect(await queued()).toBe(0);
    const { rows } = await client.query<{ facts: number; live: number }>(
      `SELECT (SELECT count(*)::int FROM rollup_conversation_facts) AS facts,
              (SELECT count(*)::int FROM bi_conversations) AS live`,
    );
    expect(rows[0].facts).toBe(rows[0].live);
    await expectViewsMatchPreRollupViews();
  });

  it('trails writes of every kind until they are refreshed, then answers as before', async () => {
    const before = await readViews();
    await client.query(
      `INSERT INTO conversation_messages (session_id, website_id, fingerprint, type, "from", user_id,
         user_nickname, content, automated, "timestamp", observed_at, sync_source)
       SELECT s, $1, 900000 + n, 'text', 'operator', 'op-new', 'New operator', 'hello', false,
         now() - interval '1 hour', now(), 'rtm'
       FROM unnest($2::text[]) WITH ORDINALITY AS t(s, n)`,
      [WEBSITE, [session(1), session(2), session(3)]],
    );
    await client.query(
      `UPDATE conversation_messages SET deleted_at = now() WHERE session_id = $1 AND fingerprint < 40`,
      [session(4)],
    );
    await client.query(
      `INSERT INTO conversation_events (website_id, session_id, kind, old_value, new_value,
         happened_at, time_source, door)
       SELECT $1, s, 'state', '"resolved"', '"unresolved"', now() - interval '30 minutes',
         'received', 'rtm' FROM unnest($2::text[]) AS s`,
      [WEBSITE, [session(5), session(6), session(7)]],
    );
    await client.query(
      `UPDATE conversations SET state = 'unresolved' WHERE session_id = ANY($1::text[])`,
      [[session(5), session(6), session(7)]],
    );
    await client.query(
      `UPDATE conversations SET state = 'resolved', updated_at_crisp = now(), assigned_user_id = 'op-new'
       WHERE session_id = $1`,
      [session(10)],
    );
    await client.query(
      `INSERT INTO conversation_ratings (session_id, website_id, stars, rated_at, time_source, door)
       VALUES ($1, $2, 1, now(), 'received', 'rtm')
       ON CONFLICT (session_id) DO UPDATE SET stars = 1, rated_at = now()`,
      [session(0), WEBSITE],
    );
    await client.query(`UPDATE conversations SET deleted_at = now() WHERE session_id = $1`, [
      session(8),
    ]);
    await client.query(`DELETE FROM conversation_events WHERE session_id = $1`, [session(9)]);
    await client.query(
      `INSERT INTO conversations (session_id, website_id, state, created_at_crisp, updated_at_crisp,
         observed_at, sync_source)
       VALUES ('session_new', $1, 'pending', now() - interval '2 hours', now(), now(), 'rtm')`,
      [WEBSITE],
    );
    expect(await queued()).toBeGreaterThan(0);
    expect(await readViews()).toEqual(before);

    const { rows } = await client.query<{ n: number }>('SELECT bi_refresh_rollups(3) AS n');
    expect(rows[0].n).toBe(3);
    expect(await queued()).toBeGreaterThan(0);

    await refreshRollups(client);
    expect(await queued()).toBe(0);
    await expectViewsMatchPreRollupViews();
  });

  it('writes no rollup row again when a refresh finds nothing changed', async () => {
    // Row versions (xmin) of every rollup row of two conversations and of the backlog counts.
    const versions = async () =>
      (
        await client.query<{ versions: string[] }>(
          `SELECT array_agg(v ORDER BY v) AS versions FROM (
             SELECT 'facts ' || xmin::text AS v FROM rollup_conversation_facts WHERE session_id = ANY($1)
             UNION ALL SELECT 'replies ' || xmin::text FROM rollup_operator_reply_days WHERE session_id = ANY($1)
             UNION ALL SELECT 'spans ' || xmin::text FROM rollup_open_spans WHERE session_id = ANY($1)
             UNION ALL SELECT 'backlog ' || xmin::text FROM rollup_backlog_deltas) rows`,
          [[session(20), session(21)]],
        )
      ).rows[0].versions;
    const before = await versions();
    expect(before.filter((v) => v.startsWith('replies ')).length).toBeGreaterThan(0);
    await client.query(
      `UPDATE conversations SET observed_at = observed_at WHERE session_id = ANY($1)`,
      [[session(20), session(21)]],
    );
    expect(await queued()).toBe(2);
    await refreshRollups(client);
    expect(await queued()).toBe(0);
    expect(await versions()).toEqual(before);
  });

  it('leaves the refresh to one session at a time', async () => {
    await client.query(`UPDATE conversations SET state = 'resolved' WHERE session_id = $1`, [
      session(11),
    ]);
    const other = new Client(toPgClientConfig(database.connection));
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query(`SELECT pg_advisory_xact_lock(hashtext('crisp-basedash:bi-rollups'))`);
      const refreshed = async () =>
        (await client.query<{ n: number }>('SELECT bi_refresh_rollups(10) AS n')).rows[0].n;
      expect(await refreshed()).toBe(0);
      await other.query('COMMIT');
      expect(await refreshed()).toBe(1);
    } finally {
      await other.end();
    }
  });
});
