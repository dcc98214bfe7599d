import { Client } from 'pg';
import { toPgClientConfig, type DatabaseConnection } from '../../src/database/database-connection';

/** The id of the i-th conversation `seedConversations` stores under `prefix`. */
export const benchSessionId = (prefix: string, i: number) =>
  `session_${prefix}_${String(i).padStart(6, '0')}`;

/**
 * `count` resolved conversations of one website, named by `benchSessionId`: known already, so a
 * hook about one costs no metadata call to Crisp.
 */
export async function seedConversations(
  connection: DatabaseConnection,
  websiteId: string,
  prefix: string,
  count: number,
): Promise<void> {
  const client = new Client(toPgClientConfig(connection));
  await client.connect();
  try {
    await client.query(
      `INSERT INTO conversations (session_id, website_id, state, meta_nickname, observed_at, sync_source)
       SELECT 'session_' || $3 || '_' || lpad(i::text, 6, '0'), $1, 'resolved', 'Visitor ' || i,
         now(), 'backfill'
       FROM generate_series(0, $2::int - 1) AS i`,
      [websiteId, count, prefix],
    );
    await client.query('ANALYZE conversations');
  } finally {
    await client.end();
  }
}
