import type { Client } from 'pg';

export interface DashboardScale {
  conversations: number;
  messages: number;
  events: number;
}

/** The scale: 200,000 conversations, 10,000,000 messages, 1,000,000 change events. */
export const FULL_SCALE: DashboardScale = {
  conversations: 200_000,
  messages: 10_000_000,
  events: 1_000_000,
};

/**
 * A year of one website's history, written by SQL alone (no service, no Crisp): conversation i
 * starts `created(i)` ago, spread over 365 days; its messages alternate visitor / operator a
 * minute apart, one in five operator replies automated; its change log opens, assigns, resolves
 * and now and then reopens it; three in ten are rated. Session ids are `benchSessionId`'s.
 */
export async function seedDashboardHistory(
  client: Client,
  websiteId: string,
  prefix: string,
  scale: DashboardScale,
) {
  const created = (i: string) =>
    `now() - make_interval(secs => ((${i}::bigint * 7919) % 31536000))`;
  const session = (i: string) => `'session_' || $2 || '_' || lpad((${i})::text, 6, '0')`;
  await client.query(
    `INSERT INTO conversations (session_id, website_id, state, assigned_user_id, meta_nickname,
       created_at_crisp, updated_at_crisp, observed_at, sync_source)
     SELECT ${session('i')}, $1, CASE WHEN i % 10 = 0 THEN 'unresolved' ELSE 'resolved' END,
       'op-' || (i % 20), 'Visitor ' || i, ${created('i')}, ${created('i')} + interval '2 hours',
       now(), 'backfill'
     FROM generate_series(0, $3::int - 1) AS i`,
    [websiteId, prefix, scale.conversations],
  );
  await client.query(
    `INSERT INTO conversation_messages (session_id, website_id, fingerprint, type, "from", user_id,
       user_nickname, content, automated, "timestamp", observed_at, sync_source)
     SELECT ${session('m % $3')}, $1, m + 1, 'text',
       CASE WHEN (m / $3) % 2 = 0 THEN 'user' ELSE 'operator' END,
       CASE WHEN (m / $3) % 2 = 0 THEN ${session('m % $3')} ELSE 'op-' || (m % 20) END,
       CASE WHEN (m / $3) % 2 = 0 THEN NULL ELSE 'Operator ' || (m % 20) END,
       'message ' || m, (m / $3) % 10 = 1,
       ${created('(m % $3)')} + make_interval(mins => (m / $3)::int), now(), 'backfill'
     FROM generate_series(0, $4::bigint - 1) AS m`,
    [websiteId, prefix, scale.conversations, scale.messages],
  );
  const kinds = [
    `('state', NULL, '"unresolved"', 1)`,
    `('assignment', NULL, to_jsonb('op-' || (c % 20)), 2)`,
    `('state', '"unresolved"', '"resolved"', 60)`,
    `('state', '"resolved"', '"unresolved"', 90)`,
    `('state', '"unresolved"', '"resolved"', 120)`,
  ];
  await client.query(
    `INSERT INTO conversation_events (website_id, session_id, kind, old_value, new_value,
       happened_at, time_source, door)
     SELECT $1, ${session('c')}, k.kind, k.old::jsonb, k.new::jsonb,
       ${created('c')} + make_interval(mins => k.minutes), 'webhook', 'webhook'
     FROM generate_series(0, $3::int - 1) AS c
     CROSS JOIN LATERAL (VALUES ${kinds.join(', ')}) AS k(kind, old, new, minutes)
     WHERE c < ceil($4::int / ${kinds.length}.0)`,
    [websiteId, prefix, scale.conversations, scale.events],
  );
  await client.query(
    `INSERT INTO conversation_ratings (session_id, website_id, stars, comment, rated_at, time_source, door)
     SELECT ${session('c')}, $1, 1 + (c % 5), CASE WHEN c % 4 = 0 THEN 'thanks' END,
       ${created('c')} + interval '2 hours', 'webhook', 'webhook'
     FROM generate_series(0, $3::int - 1) AS c WHERE c % 10 < 3`,
    [websiteId, prefix, scale.conversations],
  );
  await client.query('ANALYZE');
}
