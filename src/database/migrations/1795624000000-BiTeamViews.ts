import { MigrationInterface, QueryRunner } from 'typeorm';
import { BI_VIEW_COMMENTS, commentOnViews } from './bi-view-comments';

/**
 * Issue 13, item 6 (second part): the views a support team's first dashboards need, beside
 * `bi_conversations`: every visitor message with the reply that answered it, each operator's day,
 * the backlog hour by hour from the change log, and the ratings per day. Then a COMMENT ON every
 * BI view and column, so BI tools show what each one means.
 */

/** A live, known message of `alias` (not a placeholder); `spoken`: not a note or an event. */
const known = (alias: string) =>
  `${alias}."deleted_at" IS NULL AND ${alias}."observed_at" > 'epoch'::timestamptz`;
const spoken = (alias: string) => `${known(alias)} AND ${alias}."type" NOT IN ('note', 'event')`;
export const HUMAN_REPLY = (alias: string) =>
  `${spoken(alias)} AND ${alias}."from" = 'operator' AND NOT ${alias}."automated"`;

const BI_RESPONSE_TIMES = `
CREATE VIEW "bi_response_times" AS
SELECT
  v."website_id",
  v."session_id",
  v."fingerprint" AS "visitor_fingerprint",
  v."timestamp" AS "visitor_message_at",
  previous."from" IS DISTINCT FROM 'user' AS "starts_turn",
  reply."timestamp" AS "response_at",
  extract(epoch FROM reply."timestamp" - v."timestamp")::double precision AS "response_seconds",
  "bi_business_seconds"(v."website_id", v."timestamp", reply."timestamp")
    AS "response_business_seconds",
  reply."user_id" AS "responder_user_id",
  reply."user_nickname" AS "responder_nickname"
FROM "conversation_messages" v
JOIN "conversations" c ON c."session_id" = v."session_id" AND c."deleted_at" IS NULL
LEFT JOIN LATERAL (
  SELECT m."from" FROM "conversation_messages" m
  WHERE m."session_id" = v."session_id" AND ${spoken('m')} AND NOT (m."from" = 'operator' AND m."automated")
    AND (m."timestamp", m."fingerprint") < (v."timestamp", v."fingerprint")
  ORDER BY m."timestamp" DESC, m."fingerprint" DESC
  LIMIT 1
) previous ON true
LEFT JOIN LATERAL (
  SELECT m."timestamp", m."user_id", m."user_nickname" FROM "conversation_messages" m
  WHERE m."session_id" = v."session_id" AND ${HUMAN_REPLY('m')} AND m."timestamp" >= v."timestamp"
  ORDER BY m."timestamp", m."fingerprint"
  LIMIT 1
) reply ON true
WHERE v."from" = 'user' AND ${spoken('v')}`;

export const BI_RATINGS_DAILY = `
CREATE VIEW "bi_ratings_daily" AS
SELECT
  (r."rated_at" AT TIME ZONE 'UTC')::date AS "day",
  r."website_id",
  count(*) AS "ratings",
  avg(r."stars")::double precision AS "average_stars",
  (count(*) FILTER (WHERE r."stars" >= 4))::double precision / count(*) AS "satisfied_share",
  count(*) FILTER (WHERE r."stars" <= 2) AS "unhappy_ratings",
  count(r."comment") AS "comments"
FROM "conversation_ratings" r
JOIN "conversations" c ON c."session_id" = r."session_id" AND c."deleted_at" IS NULL
GROUP BY 1, 2`;

/**
 * Replies are counted where they were sent; the first response, resolution and rating of a
 * conversation go to the operator it is assigned to (or, unassigned, to its first human responder).
 */
export const BI_OPERATOR_DAILY = `
CREATE VIEW "bi_operator_daily" AS
WITH replies AS (
  SELECT m."website_id", m."user_id" AS "operator_user_id",
    (m."timestamp" AT TIME ZONE 'UTC')::date AS "day",
    count(DISTINCT m."session_id") AS "conversations_answered",
    count(*) AS "replies",
    max(m."user_nickname") AS "operator_nickname"
  FROM "conversation_messages" m
  JOIN "conversations" c ON c."session_id" = m."session_id" AND c."deleted_at" IS NULL
  WHERE ${HUMAN_REPLY('m')} AND m."user_id" IS NOT NULL
  GROUP BY 1, 2, 3
), facts AS (
  SELECT b."website_id", f."operator_user_id", f."day", f."kind", f."value"
  FROM "bi_conversations" b
  CROSS JOIN LATERAL (VALUES
    (b."first_human_responder_user_id", (b."first_human_response_at" AT TIME ZONE 'UTC')::date,
      'first_response', b."first_human_response_seconds"),
    (coalesce(b."assigned_user_id", b."first_human_responder_user_id"),
      (b."resolved_at" AT TIME ZONE 'UTC')::date, 'resolved', NULL::double precision),
    (coalesce(b."assigned_user_id", b."first_human_responder_user_id"),
      (b."rated_at" AT TIME ZONE 'UTC')::date, 'rating', b."rating_stars"::double precision)
  ) AS f("operator_user_id", "day", "kind", "value")
  WHERE f."operator_user_id" IS NOT NULL AND f."day" IS NOT NULL
), outcomes AS (
  SELECT "website_id", "operator_user_id", "day",
    count(*) FILTER (WHERE "kind" = 'first_response') AS "first_responses",
    percentile_cont(0.5) WITHIN GROUP (ORDER BY "value") FILTER (WHERE "kind" = 'first_response')
      AS "median_first_human_response_seconds",
    count(*) FILTER (WHERE "kind" = 'resolved') AS "conversations_resolved",
    count(*) FILTER (WHERE "kind" = 'rating') AS "ratings",
    avg("value") FILTER (WHERE "kind" = 'rating') AS "average_rating"
  FROM facts
  GROUP BY 1, 2, 3
)
SELECT
  "day", "website_id", "operator_user_id", r."operator_nickname",
  coalesce(r."conversations_answered", 0) AS "conversations_answered",
  coalesce(r."replies", 0) AS "replies",
  coalesce(o."first_responses", 0) AS "first_responses",
  o."median_first_human_response_seconds",
  coalesce(o."conversations_resolved", 0) AS "conversations_resolved",
  coalesce(o."ratings", 0) AS "ratings",
  o."average_rating"
FROM replies r
FULL JOIN outcomes o USING ("website_id", "operator_user_id", "day")`;

/** The first hour boundary at or after `at`: a conversation open at H has opened <= H < closed. */
export const hourAtOrAfter = (at: string) =>
  `date_trunc('hour', ${at}) + CASE WHEN ${at} = date_trunc('hour', ${at}) THEN interval '0' ELSE interval '1 hour' END`;

/**
 * The end of the backlog view: from `bounds` (since, until) and `per_hour` (website_id, hour,
 * delta), every hour of the window with the running sum of the deltas up to it.
 */
export const BACKLOG_RUNNING_SUM = `, grid AS (
  SELECT w."website_id", h."hour"
  FROM (SELECT DISTINCT "website_id" FROM per_hour) w
  CROSS JOIN bounds b
  CROSS JOIN LATERAL generate_series(b."since", b."until", interval '1 hour') AS h("hour")
)
SELECT g."hour", g."website_id",
  (sum(coalesce(p."delta", 0)) OVER (PARTITION BY g."website_id" ORDER BY g."hour"))::int
    AS "open_conversations"
FROM grid g
LEFT JOIN per_hour p ON p."website_id" = g."website_id" AND p."hour" = g."hour"`;

/**
 * Each conversation's open spans (not resolved), from the change log: after every change into an
 * open state until the next change; from creation until the first change, unless it was resolved
 * before it; for a conversation with no state change logged, from creation; a span still open
 * ends now, or, if the conversation is resolved, at the resolution bi_conversations falls back to. Each span adds one at the hour it opens and takes
 * it away at the hour it closes; the running sum is the backlog.
 */
export const BI_BACKLOG_HOURLY = `
CREATE VIEW "bi_backlog_hourly" AS
WITH bounds AS (
  SELECT date_trunc('hour', now()) - interval '90 days' AS "since", date_trunc('hour', now()) AS "until"
), changes AS (
  SELECT e."session_id", e."happened_at", e."old_value", e."new_value",
    lead(e."happened_at") OVER w AS "next_at", row_number() OVER w AS "n"
  FROM "conversation_events" e
  WHERE e."kind" = 'state'
  WINDOW w AS (PARTITION BY e."session_id" ORDER BY e."happened_at", e."id")
), spans AS (
  SELECT "session_id", "happened_at" AS "opened", "next_at" AS "closed" FROM changes
  WHERE "new_value" IS DISTINCT FROM '"resolved"'::jsonb
  UNION ALL
  SELECT "session_id", NULL, "happened_at" FROM changes
  WHERE "n" = 1 AND "old_value" IS DISTINCT FROM '"resolved"'::jsonb
  UNION ALL
  SELECT c."session_id", NULL, NULL FROM "conversations" c
  WHERE NOT EXISTS (SELECT 1 FROM "conversation_events" e
                    WHERE e."session_id" = c."session_id" AND e."kind" = 'state')
), dated AS (
  -- A span still open by the log, of a conversation resolved now, ends as bi_conversations says
  -- its last resolution did: the log missed it.
  SELECT c."website_id", coalesce(s."opened", c."created_at_crisp") AS "opened",
    CASE WHEN s."closed" IS NULL AND c."state" = 'resolved'
      THEN greatest(c."updated_at_crisp", (c."field_observed_at" ->> 'state')::timestamptz)
      ELSE s."closed" END AS "closed"
  FROM spans s
  JOIN "conversations" c ON c."session_id" = s."session_id" AND c."deleted_at" IS NULL
  WHERE coalesce(s."opened", c."created_at_crisp") IS NOT NULL
), deltas AS (
  SELECT d."website_id", greatest(${hourAtOrAfter('d."opened"')}, b."since") AS "hour", 1 AS "delta"
  FROM dated d, bounds b WHERE d."closed" IS NULL OR d."closed" > d."opened"
  UNION ALL
  SELECT d."website_id", greatest(${hourAtOrAfter('d."closed"')}, b."since"), -1
  FROM dated d, bounds b WHERE d."closed" > d."opened"
), per_hour AS (
  SELECT "website_id", "hour", sum("delta") AS "delta" FROM deltas GROUP BY 1, 2
)${BACKLOG_RUNNING_SUM}`;

export class BiTeamViews1795624000000 implements MigrationInterface {
  name = 'BiTeamViews1795624000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const view of [
      BI_RESPONSE_TIMES,
      BI_RATINGS_DAILY,
      BI_OPERATOR_DAILY,
      BI_BACKLOG_HOURLY,
    ]) {
      await queryRunner.query(view);
    }
    await commentOnViews(queryRunner, Object.keys(BI_VIEW_COMMENTS));
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const view of [
      'bi_backlog_hourly',
      'bi_operator_daily',
      'bi_ratings_daily',
      'bi_response_times',
    ]) {
      await queryRunner.query(`DROP VIEW "${view}"`);
    }
    for (const view of ['bi_conversations', 'bi_daily_volume']) {
      await queryRunner.query(`COMMENT ON VIEW "${view}" IS NULL`);
    }
  }
}
