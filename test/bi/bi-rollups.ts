import type { Client } from 'pg';

/** Runs the rollup refresh until nothing is queued, as the service does after writes. */
export async function refreshRollups(client: Client, batchSize = 500) {
  for (;;) {
    const { rows } = await client.query<{ refreshed: number }>(
      'SELECT bi_refresh_rollups($1) AS refreshed',
      [batchSize],
    );
    if (rows[0].refreshed === 0) return;
  }
}
