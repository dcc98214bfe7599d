import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { BiViews1795609800000 } from '../../src/database/migrations/1795609800000-BiViews';
import { BiHistory1795622000000 } from '../../src/database/migrations/1795622000000-BiHistory';
import { BiTeamViews1795624000000 } from '../../src/database/migrations/1795624000000-BiTeamViews';
import { BiDirectoryNames1795630000000 } from '../../src/database/migrations/1795630000000-BiDirectoryNames';
import { BiRollups1795634000000 } from '../../src/database/migrations/1795634000000-BiRollups';
import { typeOrmOptions } from '../../src/schema/typeorm-options';
import { refreshRollups } from './bi-rollups';
import { useBiDatabase } from './bi-test-role';

const HOUR = 3_600_000;
const MINUTE = 60_000;
/** Two days ago, 00:00 UTC: every seeded time is in the past and inside "the last 30 days". */
const DAY0 = (() => {
  const now = new Date();
  return Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - 2);
})();
const DAY1 = DAY0 + 24 * HOUR;
const at = (ms: number) => new Date(ms).toISOString();
const dateOf = (ms: number) => at(ms).slice(0, 10);
const EPOCH = '1970-01-01T00:00:00.000Z';

interface SeedConversation {
  session: string;
  website: string;
  state: string | null;
  created?: number;
  updated?: number;
  stateEventAt?: number;
  deleted?: boolean;
}

interface SeedMessage {
  session: string;
  fingerprint: number;
  from: 'user' | 'operator';
  ts: number;
  type?: string;
  operator?: string;
  deleted?: boolean;
  placeholder?: boolean;
}

/**
 * Figures computed by hand (times from 00:00 UTC of DAY0 or DAY1):
 * - c1 (w1, DAY0, resolved): visitor 09:00, 09:01; note 09:01:30; op-a 09:02 (first response,
 *   120 s); op-b 09:05; visitor 09:06. Crisp's updated_at 10:00: resolution 3,600 s.
 * - c2 (w1, DAY0 10:00, unresolved): op-b greets 09:59 (not a response); visitor 10:00; an
 *   operator event 10:01 (not a response); op-a 10:03 removed; op-b 10:05 (300 s); a placeholder
 *   "visitor" 10:30 (not counted).
 * - c3 (w1, DAY0 11:00, pending): one visitor message, no response.
 * - c4 (w1, DAY0 12:00, resolved by an event at 13:30, Crisp's updated_at still 12:00): visitor
 *   12:00, op-a 12:10 (600 s); resolution 5,400 s.
 * - c5 (w1, DAY0 08:00): removed in Crisp, with its messages: in no figure.
 * - c6 (w2, DAY1 09:00, resolved at 09:30): visitor 09:00, op-c 09:00:45 (45 s); 1,800 s.
 * - c7 (w1, DAY1 14:00, unresolved): visitor 14:00, op-a 14:01:30 (90 s).
 * - c8 (w2): known only from a visitor message (DAY1 15:00): no state, no creation time yet.
 */
const CONVERSATIONS: SeedConversation[] = [
  {
    session: 'c1',
    website: 'w1',
    state: 'resolved',
    created: DAY0 + 9 * HOUR,
    updated: DAY0 + 10 * HOUR,
  },
  { session: 'c2', website: 'w1', state: 'unresolved', created: DAY0 + 10 * HOUR },
  { session: 'c3', website: 'w1', state: 'pending', created: DAY0 + 11 * HOUR },
  {
    session: 'c4',
    website: 'w1',
    state: 'resolved',
    created: DAY0 + 12 * HOUR,
    updated: DAY0 + 12 * HOUR,
    stateEventAt: DAY0 + 13.5 * HOUR,
  },
  { session: 'c5', website: 'w1', state: 'resolved', created: DAY0 + 8 * HOUR, deleted: true },
  {
    session: 'c6',
    website: 'w2',
    state: 'resolved',
    created: DAY1 + 9 * HOUR,
    updated: DAY1 + 9.5 * HOUR,
  },
  { session: 'c7', website: 'w1', state: 'unresolved', created: DAY1 + 14 * HOUR },
  { session: 'c8', website: 'w2', state: null },
];

const MESSAGES: SeedMessage[] = [
  { session: 'c1', fingerprint: 1, from: 'user', ts: DAY0 + 9 * HOUR },
  { session: 'c1', fingerprint: 2, from: 'user', ts: DAY0 + 9 * HOUR + MINUTE },
  {
    session: 'c1',
    fingerprint: 3,
    from: 'operator',
    type: 'note',
    operator: 'a',
    ts: DAY0 + 9 * HOUR + 1.5 * MINUTE,
  },
  {
    session: 'c1',
    fingerprint: 4,
    from: 'operator',
    operator: 'a',
    ts: DAY0 + 9 * HOUR + 2 * MINUTE,
  },
  {
    session: 'c1',
    fingerprint: 5,
    from: 'operator',
    operator: 'b',
    ts: DAY0 + 9 * HOUR + 5 * MINUTE,
  },
  { session: 'c1', fingerprint: 6, from: 'user', ts: DAY0 + 9 * HOUR + 6 * MINUTE },
  {
    session: 'c2',
    fingerprint: 1,
    from: 'operator',
    operator: 'b',
    ts: DAY0 + 9 * HOUR + 59 * MINUTE,
  },
  { session: 'c2', fingerprint: 2, from: 'user', ts: DAY0 + 10 * HOUR },
  {
    session: 'c2',
    fingerprint: 3,
    from: 'operator',
    type: 'event',
    ts: DAY0 + 10 * HOUR + MINUTE,
  },
  {
    session: 'c2',
    fingerprint: 4,
    from: 'operator',
    operator: 'a',
    ts: DAY0 + 10 * HOUR + 3 * MINUTE,
    deleted: true,
  },
  {
    session: 'c2',
    fingerprint: 5,
    from: 'operator',
    operator: 'b',
    ts: DAY0 + 10 * HOUR + 5 * MINUTE,
  },
  {
    session: 'c2',
    fingerprint: 6,
    from: 'user',
    ts: DAY0 + 10 * HOUR + 30 * MINUTE,
    placeholder: true,
  },
  { session: 'c3', fingerprint: 1, from: 'user', ts: DAY0 + 11 * HOUR },
  { session: 'c4', fingerprint: 1, from: 'user', ts: DAY0 + 12 * HOUR },
  {
    session: 'c4',
    fingerprint: 2,
    from: 'operator',
    operator: 'a',
    ts: DAY0 + 12 * HOUR + 10 * MINUTE,
  },
  { session: 'c5', fingerprint: 1, from: 'user', ts: DAY0 + 8 * HOUR, deleted: true },
  {
    session: 'c5',
    fingerprint: 2,
    from: 'operator',
    operator: 'a',
    ts: DAY0 + 8 * HOUR + MINUTE,
    deleted: true,
  },
  { session: 'c6', fingerprint: 1, from: 'user', ts: DAY1 + 9 * HOUR },
  { session: 'c6', fingerprint: 2, from: 'operator', operator: 'c', ts: DAY1 + 9 * HOUR + 45_000 },
  { session: 'c7', fingerprint: 1, from: 'user', ts: DAY1 + 14 * HOUR },
  {
    session: 'c7',
    fingerprint: 2,
    from: 'operator',
    operator: 'a',
    ts: DAY1 + 14 * HOUR + 1.5 * MINUTE,
  },
  { session: 'c8', fingerprint: 1, from: 'user', ts: DAY1 + 15 * HOUR },
];

async function seed(client: Client) {
  for (const c of CONVERSATIONS) {
    await client.query(
      `INSERT INTO conversations (session_id, website_id, state, created_at_crisp, updated_at_crisp,
         field_observed_at, deleted_at, observed_at, sync_source)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'backfill')`,
      [
        c.session,
        c.website,
        c.state,
        c.created === undefined ? null : at(c.created),
        c.created === undefined ? null : at(c.updated ?? c.created),
        c.stateEventAt === undefined ? {} : { state: at(c.stateEventAt) },
        c.deleted ? at(DAY1) : null,
        c.state === null ? EPOCH : at(DAY1),
      ],
    );
  }
  for (const m of MESSAGES) {
    const website = CONVERSATIONS.find((c) => c.session === m.session)?.website;
    const author = m.from === 'user' ? m.session : m.operator ? `op-${m.operator}` : null;
    const nickname = m.operator ? `Operator ${m.operator.toUpperCase()}` : null;
    await client.query(
      `INSERT INTO conversation_messages (session_id, website_id, fingerprint, type, "from", user_id,
         user_nickname, content, "timestamp", deleted_at, observed_at, sync_source)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'hello', $8, $9, $10, 'backfill')`,
      [
        m.session,
        website,
        m.fingerprint,
        m.type ?? 'text',
        m.from,
        author,
        nickname,
        at(m.ts),
        m.deleted ? at(DAY1) : null,
        m.placeholder ? EPOCH : at(DAY1),
      ],
    );
  }
}

/** c6's visitor rated it 4 stars, the day after: for the documented CSAT query. */
async function seedRating(client: Client) {
  await client.query(
    `INSERT INTO conversation_ratings (session_id, website_id, stars, rated_at, time_source, door)
     VALUES ('c6', 'w2', 4, $1, 'webhook', 'webhook')`,
    [at(DAY1 + 10 * HOUR)],
  );
}

/** The fenced ```sql blocks of docs/BI.md, in order. */
function documentedQueries(): string[] {
  const markdown = readFileSync(join(__dirname, '../../docs/BI.md'), 'utf8');
  return [...markdown.matchAll(/```sql\n([\s\S]*?)```/g)].map((match) => match[1]);
}

describe('BI views', () => {
  const { database, bi } = useBiDatabase(async (admin) => {
    await seed(admin);
    await seedRating(admin);
    // The daily views read rollups, which the service refreshes after writes.
    await refreshRollups(admin);
  });

  it('gives one row per live conversation with its response, resolution and message figures', async () => {
    const { rows } = await bi().query<Record<string, unknown>>(
      `SELECT session_id, state, first_visitor_message_at, first_response_at, first_response_seconds,
         first_responder_user_id, first_responder_nickname, last_message_at, resolved_at,
         resolution_seconds, messages::int, visitor_messages::int, operator_messages::int,
         note_messages::int
       FROM bi_conversations ORDER BY session_id`,
    );
    const row = (
      session: string,
      state: string | null,
      firstVisitor: number | null,
      response: [number, number, string] | null,
      lastMessage: number | null,
      resolved: [number, number] | null,
      counts: [number, number, number, number],
    ) => ({
      session_id: session,
      state,
      first_visitor_message_at: firstVisitor === null ? null : new Date(firstVisitor),
      first_response_at: response ? new Date(response[0]) : null,
      first_response_seconds: response ? response[1] : null,
      first_responder_user_id: response ? `op-${response[2]}` : null,
      first_responder_nickname: response ? `Operator ${response[2].toUpperCase()}` : null,
      last_message_at: lastMessage === null ? null : new Date(lastMessage),
      resolved_at: resolved ? new Date(resolved[0]) : null,
      resolution_seconds: resolved ? resolved[1] : null,
      messages: counts[0],
      visitor_messages: counts[1],
      operator_messages: counts[2],
      note_messages: counts[3],
    });
    expect(rows).toEqual([
      row(
        'c1',
        'resolved',
        DAY0 + 9 * HOUR,
        [DAY0 + 9 * HOUR + 2 * MINUTE, 120, 'a'],
        DAY0 + 9 * HOUR + 6 * MINUTE,
        [DAY0 + 10 * HOUR, 3600],
        [6, 3, 2, 1],
      ),
      row(
        'c2',
        'unresolved',
        DAY0 + 10 * HOUR,
        [DAY0 + 10 * HOUR + 5 * MINUTE, 300, 'b'],
        DAY0 + 10 * HOUR + 5 * MINUTE,
        null,
        [4, 1, 2, 0],
      ),
      row('c3', 'pending', DAY0 + 11 * HOUR, null, DAY0 + 11 * HOUR, null, [1, 1, 0, 0]),
      row(
        'c4',
        'resolved',
        DAY0 + 12 * HOUR,
        [DAY0 + 12 * HOUR + 10 * MINUTE, 600, 'a'],
        DAY0 + 12 * HOUR + 10 * MINUTE,
        [DAY0 + 13.5 * HOUR, 5400],
        [2, 1, 1, 0],
      ),
      row(
        'c6',
        'resolved',
        DAY1 + 9 * HOUR,
        [DAY1 + 9 * HOUR + 45_000, 45, 'c'],
        DAY1 + 9 * HOUR + 45_000,
        [DAY1 + 9.5 * HOUR, 1800],
        [2, 1, 1, 0],
      ),
      row(
        'c7',
        'unresolved',
        DAY1 + 14 * HOUR,
        [DAY1 + 14 * HOUR + 1.5 * MINUTE, 90, 'a'],
        DAY1 + 14 * HOUR + 1.5 * MINUTE,
        null,
        [2, 1, 1, 0],
      ),
      row('c8', null, DAY1 + 15 * HOUR, null, DAY1 + 15 * HOUR, null, [1, 1, 0, 0]),
    ]);
  });

  it('gives per UTC day and website the volume and the median and p90 first response', async () => {
    const { rows } = await bi().query<Record<string, unknown>>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, website_id, conversations::int,
         answered_conversations::int, resolved_conversations::int,
         median_first_response_seconds, p90_first_response_seconds
       FROM bi_daily_volume ORDER BY day, website_id`,
    );
    expect(rows).toEqual([
      // 120, 300 and 600 s: the median is 300; p90 interpolates 80% of the way from 300 to 600.
      {
        day: dateOf(DAY0),
        website_id: 'w1',
        conversations: 4,
        answered_conversations: 3,
        resolved_conversations: 2,
        median_first_response_seconds: 300,
        p90_first_response_seconds: 540,
      },
      {
        day: dateOf(DAY1),
        website_id: 'w1',
        conversations: 1,
        answered_conversations: 1,
        resolved_conversations: 0,
        median_first_response_seconds: 90,
        p90_first_response_seconds: 90,
      },
      {
        day: dateOf(DAY1),
        website_id: 'w2',
        conversations: 1,
        answered_conversations: 1,
        resolved_conversations: 1,
        median_first_response_seconds: 45,
        p90_first_response_seconds: 45,
      },
    ]);
  });

  const queries = documentedQueries();

  it('documents between 5 and 16 example queries in docs/BI.md', () => {
    expect(queries.length).toBeGreaterThanOrEqual(5);
    expect(queries.length).toBeLessThanOrEqual(16);
  });

  it.each(queries.map((sql, i) => [i + 1, sql]))(
    'runs example query %i of docs/BI.md as the read-only role, and it finds rows',
    async (_, sql) => {
      const { rows } = await bi().query(sql);
      expect(rows.length).toBeGreaterThan(0);
    },
  );

  it('answers the documented first-response distribution with the seeded figures', async () => {
    const { rows } = await bi().query<{ first_response: string; conversations: string }>(
      queries[0],
    );
    expect(rows.map((r) => [r.first_response, Number(r.conversations)])).toEqual([
      ['1. under 1 min', 1], // c6: 45 s
      ['2. 1-5 min', 2], // c1: 120 s, c7: 90 s
      ['3. 5-60 min', 2], // c2: 300 s, c4: 600 s
    ]);
  });

  it('drops the views on the way down and brings them back on the way up', async () => {
    const dataSource = new DataSource(typeOrmOptions(database().connection));
    await dataSource.initialize();
    const runner = dataSource.createQueryRunner();
    const views = async () =>
      (
        (await runner.query(
          `SELECT viewname FROM pg_views WHERE viewname LIKE 'bi\\_%' ORDER BY viewname`,
        )) as { viewname: string }[]
      ).map((view) => view.viewname);
    const migrations = [
      new BiViews1795609800000(),
      new BiHistory1795622000000(),
      new BiTeamViews1795624000000(),
      new BiDirectoryNames1795630000000(),
      new BiRollups1795634000000(),
    ];
    try {
      for (const migration of [...migrations].reverse()) await migration.down(runner);
      expect(await views()).toEqual([]);
      for (const migration of migrations) await migration.up(runner);
      expect(await views()).toEqual([
        'bi_backlog_hourly',
        'bi_conversations',
        'bi_daily_volume',
        'bi_operator_daily',
        'bi_ratings_daily',
        'bi_response_times',
      ]);
      // Views a migration re-creates are readable at once: the role's default privileges.
      const { rows } = await bi().query<{ n: number }>(
        'SELECT count(*)::int AS n FROM bi_conversations',
      );
      expect(rows).toEqual([{ n: 7 }]);
    } finally {
      await runner.release();
      await dataSource.destroy();
    }
  });
});
