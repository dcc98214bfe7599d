import { MigrationInterface, QueryRunner } from 'typeorm';
import { BI_DAILY_VOLUME } from './1795622000000-BiHistory';
import {
  BACKLOG_RUNNING_SUM,
  BI_BACKLOG_HOURLY,
  BI_OPERATOR_DAILY,
  BI_RATINGS_DAILY,
} from './1795624000000-BiTeamViews';
import {
  FACT_COLUMNS,
  IN_BATCH,
  backlogDeltasOf,
  factsOf,
  openSpansOf,
  replyDaysOf,
} from './bi-rollup-sql';
import { ROLLUP_COMMENTS, ROLLUP_TABLES } from './bi-rollup-tables';

/**
 * Issue 13's dashboard bar: the daily BI views (volume, operators, backlog, ratings) group
 * per-conversation rollups instead of recomputing every conversation's history on each read.
 * A statement trigger on the four tables the figures come from queues each conversation a write
 * touches (in the writer's transaction, so no change can be missed); `bi_refresh_rollups`, which
 * the service runs every
 * BI_ROLLUP_REFRESH_MS, recomputes the queued conversations' rollups from the same definitions
 * bi_conversations uses. The daily views read the rollups, so they trail the tables by that
 * refresh (a fraction of a second while the service keeps up); bi_conversations, and the views
 * that need no rollup, still compute on read.
 */

const TRIGGERED_TABLES = [
  'conversations',
  'conversation_messages',
  'conversation_events',
  'conversation_ratings',
];

const ENQUEUE = `
CREATE FUNCTION "rollup_enqueue"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "rollup_queue" ("session_id") SELECT DISTINCT "session_id" FROM changed_rows;
  RETURN NULL;
END $$`;

const triggersOn = (table: string) =>
  (['INSERT', 'UPDATE', 'DELETE'] as const).map(
    (event) =>
      `CREATE TRIGGER "${table}_rollup_${event.toLowerCase()}" AFTER ${event} ON "${table}"
       REFERENCING ${event === 'DELETE' ? 'OLD' : 'NEW'} TABLE AS changed_rows
       FOR EACH STATEMENT EXECUTE FUNCTION "rollup_enqueue"()`,
  );

const FACT_NAMES = FACT_COLUMNS.map(([name]) => `"${name}"`);

/** `a` and `b` hold the same values in `columns`. */
const same = (a: string, b: string, columns: string[]) =>
  `(${columns.map((c) => `${a}."${c}"`).join(', ')}) IS NOT DISTINCT FROM (${columns.map((c) => `${b}."${c}"`).join(', ')})`;

const REPLY_DAY_COLUMNS = ['operator_user_id', 'day', 'replies', 'operator_nickname'];
const SPAN_COLUMNS = ['website_id', 'opened', 'closed'];

/**
 * Recomputes the rollups of up to `batch_size` queued changes' sessions in one statement (one
 * snapshot: a change committed meanwhile keeps its queue row, and is refreshed next time), and
 * returns how many sessions it refreshed; 0 when the queue is empty or another session is
 * refreshing. Only rows that changed are written (most writes change no rollup: a message to an
 * answered conversation), so that the tables the views read do not bloat under ingest. Spans
 * that change move the hourly backlog counts by what they add and take away.
 */
const REFRESH = `
CREATE FUNCTION "bi_refresh_rollups"(batch_size integer DEFAULT 500) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE batch text[];
BEGIN
  IF NOT pg_try_advisory_xact_lock(hashtext('crisp-basedash:bi-rollups')) THEN RETURN 0; END IF;
  SELECT array_agg(DISTINCT q."session_id") INTO batch
  FROM (SELECT "session_id" FROM "rollup_queue" ORDER BY "id" LIMIT batch_size) q;
  IF batch IS NULL THEN RETURN 0; END IF;
  WITH done AS (
    DELETE FROM "rollup_queue" WHERE ${IN_BATCH('"session_id"')}
  ), facts AS (${factsOf(IN_BATCH)}
  ), facts_gone AS (
    DELETE FROM "rollup_conversation_facts" f WHERE ${IN_BATCH('f."session_id"')}
      AND NOT EXISTS (SELECT 1 FROM facts WHERE facts."session_id" = f."session_id")
  ), facts_kept AS (
    INSERT INTO "rollup_conversation_facts" AS t SELECT * FROM facts
    ON CONFLICT ("session_id") DO UPDATE SET (${FACT_NAMES.slice(1).join(', ')})
      = (${FACT_NAMES.slice(1)
        .map((name) => `EXCLUDED.${name}`)
        .join(', ')})
    WHERE NOT ${same(
      't',
      'EXCLUDED',
      FACT_COLUMNS.map(([name]) => name),
    )}
  ), replies AS (${replyDaysOf(IN_BATCH)}
  ), replies_gone AS (
    DELETE FROM "rollup_operator_reply_days" r WHERE ${IN_BATCH('r."session_id"')}
      AND NOT EXISTS (SELECT 1 FROM replies n
        WHERE n."session_id" = r."session_id" AND ${same('n', 'r', REPLY_DAY_COLUMNS)})
  ), replies_kept AS (
    INSERT INTO "rollup_operator_reply_days" SELECT * FROM replies n
    WHERE NOT EXISTS (SELECT 1 FROM "rollup_operator_reply_days" r
      WHERE r."session_id" = n."session_id" AND ${same('n', 'r', REPLY_DAY_COLUMNS)})
  ), spans AS (${openSpansOf(IN_BATCH)}
  ), spans_gone AS (
    DELETE FROM "rollup_open_spans" s WHERE ${IN_BATCH('s."session_id"')}
      AND NOT EXISTS (SELECT 1 FROM spans n
        WHERE n."session_id" = s."session_id" AND ${same('n', 's', SPAN_COLUMNS)})
    RETURNING "website_id", "opened", "closed"
  ), spans_kept AS (
    INSERT INTO "rollup_open_spans" ("website_id", "session_id", "opened", "closed")
    SELECT n."website_id", n."session_id", n."opened", n."closed" FROM spans n
    WHERE NOT EXISTS (SELECT 1 FROM "rollup_open_spans" s
      WHERE s."session_id" = n."session_id" AND ${same('n', 's', SPAN_COLUMNS)})
    RETURNING "website_id", "opened", "closed"
  ), moves AS (
    ${backlogDeltasOf('spans_kept', 1)}
    UNION ALL
    ${backlogDeltasOf('spans_gone', -1)}
  )
  INSERT INTO "rollup_backlog_deltas" AS t ("website_id", "hour", "delta")
  SELECT "website_id", "hour", sum("delta") FROM moves GROUP BY 1, 2 ORDER BY 1, 2
  ON CONFLICT ("website_id", "hour") DO UPDATE SET "delta" = t."delta" + EXCLUDED."delta";
  RETURN cardinality(batch);
END $$`;

const DAILY_VOLUME = `
CREATE OR REPLACE VIEW "bi_daily_volume" AS
SELECT
  f."created_day" AS "day",
  f."website_id",
  count(*) AS "conversations",
  count(f."first_response_at") AS "answered_conversations",
  count(*) FILTER (WHERE f."state" = 'resolved') AS "resolved_conversations",
  percentile_cont(0.5) WITHIN GROUP (ORDER BY f."first_response_seconds")
    AS "median_first_response_seconds",
  percentile_cont(0.9) WITHIN GROUP (ORDER BY f."first_response_seconds")
    AS "p90_first_response_seconds",
  percentile_cont(0.5) WITHIN GROUP (ORDER BY f."first_human_response_seconds")
    AS "median_first_human_response_seconds",
  percentile_cont(0.9) WITHIN GROUP (ORDER BY f."first_human_response_seconds")
    AS "p90_first_human_response_seconds",
  count(*) FILTER (WHERE f."reopen_count" > 0) AS "reopened_conversations",
  count(f."rating_stars") AS "rated_conversations",
  avg(f."rating_stars")::double precision AS "average_rating"
FROM "rollup_conversation_facts" f
WHERE f."created_at" IS NOT NULL
GROUP BY 1, 2`;

/**
 * As before: replies where they were sent; outcomes to the assignee, else the first responder.
 * Each kind is grouped on its own first, so the final grouping only merges a few rows a day.
 */
const OPERATOR_DAILY = `
CREATE OR REPLACE VIEW "bi_operator_daily" AS
WITH facts AS (
  SELECT r."website_id", r."operator_user_id", r."day", max(r."operator_nickname") AS "nickname",
    count(*) AS "answered", sum(r."replies") AS "replies", 0 AS "first_responses",
    NULL::double precision AS "median", 0 AS "resolved", 0 AS "ratings",
    NULL::double precision AS "stars"
  FROM "rollup_operator_reply_days" r GROUP BY 1, 2, 3
  UNION ALL
  SELECT f."website_id", f."first_human_responder_user_id", f."first_human_response_day", NULL,
    0, 0, count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY f."first_human_response_seconds"),
    0, 0, NULL
  FROM "rollup_conversation_facts" f GROUP BY 1, 2, 3
  UNION ALL
  SELECT f."website_id", coalesce(f."assigned_user_id", f."first_human_responder_user_id"),
    f."resolved_day", NULL, 0, 0, 0, NULL, count(*), 0, NULL
  FROM "rollup_conversation_facts" f GROUP BY 1, 2, 3
  UNION ALL
  SELECT f."website_id", coalesce(f."assigned_user_id", f."first_human_responder_user_id"),
    f."rated_day", NULL, 0, 0, 0, NULL, 0, count(*), sum(f."rating_stars")
  FROM "rollup_conversation_facts" f GROUP BY 1, 2, 3
)
SELECT "day", "website_id", "operator_user_id", max("nickname") AS "operator_nickname",
  sum("answered")::bigint AS "conversations_answered",
  sum("replies")::bigint AS "replies",
  sum("first_responses")::bigint AS "first_responses",
  max("median") AS "median_first_human_response_seconds",
  sum("resolved")::bigint AS "conversations_resolved",
  sum("ratings")::bigint AS "ratings",
  sum("stars") / nullif(sum("ratings"), 0)::double precision AS "average_rating"
FROM facts
WHERE "operator_user_id" IS NOT NULL AND "day" IS NOT NULL
GROUP BY "day", "website_id", "operator_user_id"`;

/** The hourly counts; every count before the window folds into its first hour. */
const BACKLOG_HOURLY = `
CREATE OR REPLACE VIEW "bi_backlog_hourly" AS
WITH bounds AS (
  SELECT date_trunc('hour', now()) - interval '90 days' AS "since", date_trunc('hour', now()) AS "until"
), per_hour AS (
  SELECT d."website_id", greatest(d."hour", b."since") AS "hour", sum(d."delta") AS "delta"
  FROM "rollup_backlog_deltas" d, bounds b GROUP BY 1, 2
)${BACKLOG_RUNNING_SUM}`;

const RATINGS_DAILY = `
CREATE OR REPLACE VIEW "bi_ratings_daily" AS
SELECT
  f."rated_day" AS "day",
  f."website_id",
  count(*) AS "ratings",
  avg(f."rating_stars")::double precision AS "average_stars",
  (count(*) FILTER (WHERE f."rating_stars" >= 4))::double precision / count(*) AS "satisfied_share",
  count(*) FILTER (WHERE f."rating_stars" <= 2) AS "unhappy_ratings",
  count(*) FILTER (WHERE f."rating_commented") AS "comments"
FROM "rollup_conversation_facts" f
WHERE f."rated_day" IS NOT NULL
GROUP BY 1, 2`;

const replaced = (view: string) => view.replace('CREATE VIEW', 'CREATE OR REPLACE VIEW');

export class BiRollups1795634000000 implements MigrationInterface {
  name = 'BiRollups1795634000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of ROLLUP_TABLES) await queryRunner.query(table);
    await queryRunner.query(ENQUEUE);
    for (const table of TRIGGERED_TABLES) {
      for (const trigger of triggersOn(table)) await queryRunner.query(trigger);
    }
    await queryRunner.query(REFRESH);
    await queryRunner.query(`REVOKE EXECUTE ON FUNCTION "bi_refresh_rollups"(integer) FROM PUBLIC`);
    for (const comment of ROLLUP_COMMENTS) await queryRunner.query(comment);

    for (const view of [DAILY_VOLUME, OPERATOR_DAILY, BACKLOG_HOURLY, RATINGS_DAILY]) {
      await queryRunner.query(view);
    }
    // What is already stored is rolled up by the service, in batches, after the upgrade.
    await queryRunner.query(
      `INSERT INTO "rollup_queue" ("session_id") SELECT "session_id" FROM "conversations"`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const view of [BI_DAILY_VOLUME, BI_OPERATOR_DAILY, BI_BACKLOG_HOURLY, BI_RATINGS_DAILY]) {
      await queryRunner.query(replaced(view));
    }
    await queryRunner.query(`DROP FUNCTION "bi_refresh_rollups"(integer)`);
    for (const table of TRIGGERED_TABLES) {
      for (const event of ['insert', 'update', 'delete']) {
        await queryRunner.query(`DROP TRIGGER "${table}_rollup_${event}" ON "${table}"`);
      }
    }
    await queryRunner.query(`DROP FUNCTION "rollup_enqueue"()`);
    for (const table of [
      'rollup_backlog_deltas',
      'rollup_open_spans',
      'rollup_operator_reply_days',
      'rollup_conversation_facts',
      'rollup_queue',
    ]) {
      await queryRunner.query(`DROP TABLE "${table}"`);
    }
  }
}
