/**
 * Issue 13 item 6: the figures BI views read from the change log, ratings, automated messages
 * and business hours, on seeded data whose figures are worked out by hand (times from 00:00 UTC
 * of DAY0, two days ago; website w1 is open 09:00–11:00 UTC every day):
 *
 * - h1: created 09:00. Visitor 09:00, a bot 09:00:10, visitor 09:00:20, op-a 09:05, visitor
 *   09:06 and 09:07, op-b 09:10, a note 09:11. Log: → unresolved 09:00, → resolved 10:00,
 *   → unresolved 11:00, → resolved 12:00; assigned op-a 09:02, then op-b 09:30. Rated 5 at 12:05.
 * - h2: created 13:00, resolved with no change logged; Crisp's updated_at 14:00.
 * - h3: created 14:30. Visitor 14:30, op-c 15:10. Log: → resolved 15:00, → unresolved 15:30,
 *   then resolved again unseen (Crisp's updated_at 16:30). Rated 2 at 16:40.
 * - h4: created 17:00, → unresolved 17:00, one visitor message, no reply: still open.
 */
import { Client } from 'pg';
import { BI_VIEW_COMMENTS } from '../../src/database/migrations/bi-view-comments';
import { refreshRollups } from './bi-rollups';
import { useBiDatabase } from './bi-test-role';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const DAY0 = (() => {
  const now = new Date();
  return Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - 2);
})();
const t = (hours: number, minutes = 0, seconds = 0) =>
  new Date(DAY0 + hours * HOUR + minutes * MINUTE + seconds * 1000);
const day0 = new Date(DAY0).toISOString().slice(0, 10);

const CONVERSATIONS: [string, string, Date, Date, string | null][] = [
  ['h1', 'resolved', t(9), t(12), 'op-b'],
  ['h2', 'resolved', t(13), t(14), null],
  ['h3', 'resolved', t(14, 30), t(16, 30), null],
  ['h4', 'unresolved', t(17), t(17), null],
];

type Message = [string, number, 'user' | 'operator', Date, string | null, boolean?, string?];
const MESSAGES: Message[] = [
  ['h1', 1, 'user', t(9), null],
  ['h1', 2, 'operator', t(9, 0, 10), 'bot', true],
  ['h1', 3, 'user', t(9, 0, 20), null],
  ['h1', 4, 'operator', t(9, 5), 'op-a'],
  ['h1', 5, 'user', t(9, 6), null],
  ['h1', 6, 'user', t(9, 7), null],
  ['h1', 7, 'operator', t(9, 10), 'op-b'],
  ['h1', 8, 'operator', t(9, 11), 'op-a', false, 'note'],
  ['h3', 1, 'user', t(14, 30), null],
  ['h3', 2, 'operator', t(15, 10), 'op-c'],
  ['h4', 1, 'user', t(17), null],
];

const EVENTS: [string, string, string | null, string | null, Date][] = [
  ['h1', 'state', null, 'unresolved', t(9)],
  ['h1', 'assignment', null, 'op-a', t(9, 2)],
  ['h1', 'assignment', 'op-a', 'op-b', t(9, 30)],
  ['h1', 'state', 'unresolved', 'resolved', t(10)],
  ['h1', 'state', 'resolved', 'unresolved', t(11)],
  ['h1', 'state', 'unresolved', 'resolved', t(12)],
  ['h3', 'state', null, 'resolved', t(15)],
  ['h3', 'state', 'resolved', 'unresolved', t(15, 30)],
  ['h4', 'state', null, 'unresolved', t(17)],
];

async function seed(client: Client) {
  for (const [session, state, created, updated, assigned] of CONVERSATIONS) {
    await client.query(
      `INSERT INTO conversations (session_id, website_id, state, assigned_user_id, created_at_crisp,
         updated_at_crisp, observed_at, sync_source) VALUES ($1, 'w1', $2, $3, $4, $5, $5, 'backfill')`,
      [session, state, assigned, created, updated],
    );
  }
  for (const [session, fingerprint, from, ts, user, automated, type] of MESSAGES) {
    await client.query(
      `INSERT INTO conversation_messages (session_id, website_id, fingerprint, type, "from", user_id,
         user_nickname, automated, "timestamp", observed_at, sync_source)
       VALUES ($1, 'w1', $2, $3, $4, $5, $6, $7, $8, $8, 'backfill')`,
      [session, fingerprint, type ?? 'text', from, user ?? session, user, automated ?? false, ts],
    );
  }
  for (const [session, kind, before, after, at] of EVENTS) {
    await client.query(
      `INSERT INTO conversation_events (website_id, session_id, kind, old_value, new_value,
         happened_at, time_source, door) VALUES ('w1', $1, $2, to_jsonb($3::text), to_jsonb($4::text), $5, 'webhook', 'webhook')`,
      [session, kind, before, after, at],
    );
  }
  await client.query(
    `INSERT INTO conversation_ratings (session_id, website_id, stars, comment, rated_at, time_source, door)
     VALUES ('h1', 'w1', 5, 'great', $1, 'webhook', 'webhook'), ('h3', 'w1', 2, NULL, $2, 'received', 'rtm')`,
    [t(12, 5), t(16, 40)],
  );
  await client.query(
    `INSERT INTO operators (website_id, user_id, display_name, refreshed_at)
     VALUES ('w1', 'op-b', 'Bea Baker', now())`,
  );
  await client.query(
    `UPDATE conversations SET inbox_id = 'inbox-1' WHERE session_id = 'h1';
     INSERT INTO inboxes (website_id, inbox_id, name, refreshed_at)
     VALUES ('w1', 'inbox-1', 'Billing', now())`,
  );
  await client.query(
    `INSERT INTO bi_business_hours (website_id, weekday, opens, closes)
     SELECT 'w1', d, '09:00', '11:00' FROM generate_series(1, 7) AS d`,
  );
  await client.query(
    `INSERT INTO bi_business_hours (website_id, weekday, opens, closes, time_zone)
     SELECT 'paris', d, '09:00', '17:00', 'Europe/Paris' FROM generate_series(1, 5) AS d`,
  );
}

describe('BI views on the change log, ratings and business hours', () => {
  // The daily views read rollups, which the service refreshes after writes: so does the seed.
  const { admin, bi } = useBiDatabase((client) => seed(client).then(() => refreshRollups(client)));

  const select = async (sql: string) => (await bi().query<Record<string, unknown>>(sql)).rows;

  it('reads exact resolutions, reopenings, assignments, human responses and ratings', async () => {
    const rows = await select(
      `SELECT session_id, first_resolved_at, last_resolved_at, resolved_at, resolution_seconds,
         reopen_count, first_assigned_at, seconds_to_first_assignment, assignment_count,
         first_response_seconds, first_responder_user_id, first_human_response_seconds,
         first_human_responder_user_id, automated_messages::int, visitor_messages::int,
         operator_messages::int, rating_stars, rating_comment,
         first_human_response_business_seconds, resolution_business_seconds, inbox_name,
         assigned_operator_name
       FROM bi_conversations ORDER BY session_id`,
    );
    expect(rows).toEqual([
      {
        session_id: 'h1',
        first_resolved_at: t(10),
        last_resolved_at: t(12),
        resolved_at: t(12),
        resolution_seconds: 3 * 3600,
        reopen_count: 1,
        first_assigned_at: t(9, 2),
        seconds_to_first_assignment: 120,
        assignment_count: 2,
        first_response_seconds: 10,
        first_responder_user_id: 'bot',
        first_human_response_seconds: 300,
        first_human_responder_user_id: 'op-a',
        automated_messages: 1,
        visitor_messages: 4,
        operator_messages: 3,
        rating_stars: 5,
        rating_comment: 'great',
        first_human_response_business_seconds: 300,
        resolution_business_seconds: 7200,
        inbox_name: 'Billing',
        assigned_operator_name: 'Bea Baker',
      },
      expect.objectContaining({
        session_id: 'h2',
        first_resolved_at: t(14),
        last_resolved_at: t(14),
        resolution_seconds: 3600,
        reopen_count: 0,
        first_assigned_at: null,
        assignment_count: 0,
        first_human_response_seconds: null,
        resolution_business_seconds: 0,
        inbox_name: null,
        assigned_operator_name: null,
      }),
      expect.objectContaining({
        session_id: 'h3',
        first_resolved_at: t(15),
        last_resolved_at: t(16, 30),
        resolved_at: t(16, 30),
        reopen_count: 1,
        first_human_response_seconds: 40 * 60,
        rating_stars: 2,
        rating_comment: null,
      }),
      expect.objectContaining({
        session_id: 'h4',
        first_resolved_at: null,
        last_resolved_at: null,
        resolved_at: null,
        reopen_count: 0,
      }),
    ]);
  });

  it('gives every visitor message the human reply that answered it, and which ones start a wait', async () => {
    const rows = await select(
      `SELECT session_id, visitor_fingerprint::int, starts_turn, response_seconds, responder_user_id
       FROM bi_response_times ORDER BY session_id, visitor_fingerprint`,
    );
    expect(rows).toEqual([
      {
        session_id: 'h1',
        visitor_fingerprint: 1,
        starts_turn: true,
        response_seconds: 300,
        responder_user_id: 'op-a',
      },
      {
        session_id: 'h1',
        visitor_fingerprint: 3,
        starts_turn: false,
        response_seconds: 280,
        responder_user_id: 'op-a',
      },
      {
        session_id: 'h1',
        visitor_fingerprint: 5,
        starts_turn: true,
        response_seconds: 240,
        responder_user_id: 'op-b',
      },
      {
        session_id: 'h1',
        visitor_fingerprint: 6,
        starts_turn: false,
        response_seconds: 180,
        responder_user_id: 'op-b',
      },
      {
        session_id: 'h3',
        visitor_fingerprint: 1,
        starts_turn: true,
        response_seconds: 2400,
        responder_user_id: 'op-c',
      },
      {
        session_id: 'h4',
        visitor_fingerprint: 1,
        starts_turn: true,
        response_seconds: null,
        responder_user_id: null,
      },
    ]);
  });

  it('gives each operator day its replies, first responses, resolutions and ratings', async () => {
    const rows = await select(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, operator_user_id, conversations_answered::int,
         replies::int, first_responses::int, median_first_human_response_seconds,
         conversations_resolved::int, ratings::int, average_rating
       FROM bi_operator_daily ORDER BY day, operator_user_id`,
    );
    const day = day0;
    expect(rows).toEqual([
      {
        day,
        operator_user_id: 'op-a',
        conversations_answered: 1,
        replies: 1,
        first_responses: 1,
        median_first_human_response_seconds: 300,
        conversations_resolved: 0,
        ratings: 0,
        average_rating: null,
      },
      {
        day,
        operator_user_id: 'op-b',
        conversations_answered: 1,
        replies: 1,
        first_responses: 0,
        median_first_human_response_seconds: null,
        conversations_resolved: 1,
        ratings: 1,
        average_rating: 5,
      },
      {
        day,
        operator_user_id: 'op-c',
        conversations_answered: 1,
        replies: 1,
        first_responses: 1,
        median_first_human_response_seconds: 2400,
        conversations_resolved: 1,
        ratings: 1,
        average_rating: 2,
      },
    ]);
  });

  it('counts the backlog at each hour from the change log', async () => {
    const rows = await select(
      `SELECT extract(epoch FROM hour - '${new Date(DAY0).toISOString()}'::timestamptz)::int / 3600 AS h,
         open_conversations
       FROM bi_backlog_hourly
       WHERE website_id = 'w1' AND hour BETWEEN '${t(8).toISOString()}' AND '${t(19).toISOString()}'
       ORDER BY hour`,
    );
    expect(rows.map((row) => [row.h, row.open_conversations])).toEqual([
      [8, 0],
      [9, 1],
      [10, 0],
      [11, 1],
      [12, 0],
      [13, 1],
      [14, 0],
      [15, 0],
      [16, 1],
      [17, 1],
      [18, 1],
      [19, 1],
    ]);
  });

  it('gives the ratings of each day, and the figures of the daily volume', async () => {
    expect(
      await select(
        `SELECT to_char(day, 'YYYY-MM-DD') AS day, ratings::int, average_stars, satisfied_share,
           unhappy_ratings::int, comments::int FROM bi_ratings_daily`,
      ),
    ).toEqual([
      {
        day: day0,
        ratings: 2,
        average_stars: 3.5,
        satisfied_share: 0.5,
        unhappy_ratings: 1,
        comments: 1,
      },
    ]);
    expect(
      await select(
        `SELECT conversations::int, answered_conversations::int, median_first_response_seconds,
           median_first_human_response_seconds, reopened_conversations::int,
           rated_conversations::int, average_rating FROM bi_daily_volume`,
      ),
    ).toEqual([
      {
        conversations: 4,
        answered_conversations: 2,
        median_first_response_seconds: (10 + 2400) / 2,
        median_first_human_response_seconds: (300 + 2400) / 2,
        reopened_conversations: 2,
        rated_conversations: 2,
        average_rating: 3.5,
      },
    ]);
  });

  it('counts business seconds in the website time zone, across days, and none without hours', async () => {
    const seconds = async (website: string, from: string, to: string) =>
      (
        await bi().query<{ s: number | null }>(
          `SELECT bi_business_seconds($1, $2::timestamptz, $3::timestamptz) AS s`,
          [website, from, to],
        )
      ).rows[0].s;
    // Paris is UTC+1 in winter: open 08:00–16:00 UTC, Monday to Friday (30 November 2026 is a Monday).
    expect(await seconds('paris', '2026-11-30T07:00:00Z', '2026-11-30T10:00:00Z')).toBe(7200);
    expect(await seconds('paris', '2026-11-27T15:00:00Z', '2026-11-30T09:00:00Z')).toBe(7200);
    expect(await seconds('paris', '2026-11-28T10:00:00Z', '2026-11-28T12:00:00Z')).toBe(0);
    expect(await seconds('nowhere', '2026-11-30T07:00:00Z', '2026-11-30T10:00:00Z')).toBeNull();
  });

  it('comments every BI view and every one of its columns', async () => {
    const { rows } = await admin().query<{ view: string; column: string; comment: string | null }>(
      `SELECT c.table_name AS view, c.column_name AS column,
         col_description(format('%I', c.table_name)::regclass, c.ordinal_position) AS comment
       FROM information_schema.columns c
       JOIN pg_views v ON v.viewname = c.table_name AND v.schemaname = c.table_schema
       WHERE c.table_schema = current_schema() AND c.table_name LIKE 'bi\\_%'`,
    );
    expect(rows.filter((row) => !row.comment)).toEqual([]);
    expect(new Set(rows.map((row) => row.view))).toEqual(new Set(Object.keys(BI_VIEW_COMMENTS)));
    const { rows: views } = await admin().query<{ relname: string; about: string | null }>(
      `SELECT relname, obj_description(oid, 'pg_class') AS about FROM pg_class
       WHERE relkind = 'v' AND relname LIKE 'bi\\_%'`,
    );
    expect(views.filter((view) => !view.about)).toEqual([]);
  });
});
