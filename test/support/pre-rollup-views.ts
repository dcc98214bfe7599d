import type { Client } from 'pg';
import { BI_DAILY_VOLUME } from '../../src/database/migrations/1795622000000-BiHistory';
import {
  BI_BACKLOG_HOURLY,
  BI_OPERATOR_DAILY,
  BI_RATINGS_DAILY,
} from '../../src/database/migrations/1795624000000-BiTeamViews';

/**
 * The daily BI views as they were before the rollups (computed on read from the tables, as the
 * migrations BiHistory and BiTeamViews made them), to compare the views of today with.
 */
export const PRE_ROLLUP_VIEWS: [view: string, definition: string][] = [
  ['bi_daily_volume', BI_DAILY_VOLUME],
  ['bi_operator_daily', BI_OPERATOR_DAILY],
  ['bi_backlog_hourly', BI_BACKLOG_HOURLY],
  ['bi_ratings_daily', BI_RATINGS_DAILY],
];

/** The name `view` has as it was before the rollups. */
export const preRollupName = (view: string) => view.replace(/^bi_/, 'pre_rollup_');

/** Creates every PRE_ROLLUP_VIEWS view, under its preRollupName. */
export async function createPreRollupViews(client: Client) {
  for (const [view, definition] of PRE_ROLLUP_VIEWS) {
    await client.query(
      definition.replace(
        /CREATE (OR REPLACE )?VIEW "bi_\w+"/,
        `CREATE VIEW "${preRollupName(view)}"`,
      ),
    );
  }
}
