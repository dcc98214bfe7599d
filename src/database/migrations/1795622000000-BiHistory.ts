import { MigrationInterface, QueryRunner } from 'typeorm';
import { BiViews1795609800000 } from './1795609800000-BiViews';

/**
 * Issue 13, item 6 (first part): `bi_conversations` reads the change log for exact resolution,
 * reopening and assignment figures, tells human replies from automated ones, and carries the
 * rating; `bi_business_hours` and `bi_business_seconds` count times inside opening hours.
 * CREATE OR REPLACE keeps every column where it was (new ones come last), so dashboards and the
 * read-only role's privileges survive.
 */

/** Seconds of [started, ended] inside the website's opening hours; NULL when it has none. */
const BUSINESS_SECONDS = `
CREATE FUNCTION "bi_business_seconds"(website text, started timestamptz, ended timestamptz)
RETURNS double precision LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN started IS NULL OR ended IS NULL OR ended < started THEN NULL
    WHEN NOT EXISTS (SELECT 1 FROM "bi_business_hours" h WHERE h."website_id" = website) THEN NULL
    ELSE coalesce((
      SELECT sum(extract(epoch FROM least(ended, span.closes_at) - greatest(started, span.opens_at)))
      FROM "bi_business_hours" h
      CROSS JOIN LATERAL generate_series(
        (started AT TIME ZONE h."time_zone")::date - 1,
        (ended AT TIME ZONE h."time_zone")::date,
        interval '1 day') AS d(day)
      CROSS JOIN LATERAL (SELECT
        (d.day::date + h."opens") AT TIME ZONE h."time_zone" AS opens_at,
        (d.day::date + h."closes") AT TIME ZONE h."time_zone" AS closes_at) span
      WHERE h."website_id" = website AND extract(isodow FROM d.day) = h."weekday"
        AND span.closes_at > started AND span.opens_at < ended
    ), 0)::double precision
  END
$$`;

/** A live, known message of either side's conversation (not a note, an event or a placeholder). */
const SPOKEN = `m."session_id" = c."session_id" AND m."deleted_at" IS NULL
    AND m."observed_at" > 'epoch'::timestamptz AND m."type" NOT IN ('note', 'event')`;

const firstReplyAfterVisitor = (human: boolean) => `
  SELECT m."timestamp", m."user_id", m."user_nickname"
  FROM "conversation_messages" m
  WHERE ${SPOKEN} AND m."from" = 'operator' ${human ? 'AND NOT m."automated"' : ''}
    AND m."timestamp" >= stats."first_visitor_message_at"
  ORDER BY m."timestamp", m."fingerprint"
  LIMIT 1`;

/**
 * One conversation's state or assignment changes in time order, each with the value before it:
 * the previous row's (a change told twice, or by both doors unpaired, is then no change), or for
 * the first row its own old_value.
 */
const ORDERED_CHANGES = `
  SELECT e."kind", e."happened_at", e."new_value",
    coalesce(lag(e."new_value") OVER (PARTITION BY e."kind" ORDER BY e."happened_at", e."id"),
      e."old_value") AS "before"
  FROM "conversation_events" e
  WHERE e."session_id" = c."session_id" AND e."kind" IN ('state', 'assignment')`;

const RESOLVED = `'"resolved"'::jsonb`;
const RESOLVES = `o."kind" = 'state' AND o."new_value" = ${RESOLVED} AND o."before" IS DISTINCT FROM ${RESOLVED}`;
const REOPENS = `o."kind" = 'state' AND o."before" = ${RESOLVED} AND o."new_value" IS DISTINCT FROM ${RESOLVED}`;
const ASSIGNS = `o."kind" = 'assignment' AND o."new_value" IS NOT NULL AND o."new_value" <> 'null'::jsonb
  AND o."new_value" IS DISTINCT FROM o."before"`;

export const BI_CONVERSATIONS = `
CREATE OR REPLACE VIEW "bi_conversations" AS
SELECT
  c."id" AS "conversation_id",
  c."session_id",
  c."website_id",
  c."inbox_id",
  c."state",
  c."assigned_user_id",
  c."meta_nickname" AS "visitor_nickname",
  c."meta_email" AS "visitor_email",
  c."created_at_crisp" AS "created_at",
  c."updated_at_crisp" AS "updated_at",
  stats."first_visitor_message_at",
  reply."timestamp" AS "first_response_at",
  extract(epoch FROM reply."timestamp" - stats."first_visitor_message_at")::double precision
    AS "first_response_seconds",
  reply."user_id" AS "first_responder_user_id",
  reply."user_nickname" AS "first_responder_nickname",
  stats."last_message_at",
  resolution."resolved_at",
  extract(epoch FROM resolution."resolved_at" - c."created_at_crisp")::double precision
    AS "resolution_seconds",
  stats."messages",
  stats."visitor_messages",
  stats."operator_messages",
  stats."note_messages",
  resolution."first_resolved_at",
  resolution."last_resolved_at",
  history."reopen_count",
  history."first_assigned_at",
  extract(epoch FROM history."first_assigned_at" - c."created_at_crisp")::double precision
    AS "seconds_to_first_assignment",
  greatest(history."assignments", (c."assigned_user_id" IS NOT NULL)::int) AS "assignment_count",
  human."timestamp" AS "first_human_response_at",
  extract(epoch FROM human."timestamp" - stats."first_visitor_message_at")::double precision
    AS "first_human_response_seconds",
  human."user_id" AS "first_human_responder_user_id",
  human."user_nickname" AS "first_human_responder_nickname",
  stats."automated_messages",
  rating."stars" AS "rating_stars",
  rating."comment" AS "rating_comment",
  rating."rated_at",
  "bi_business_seconds"(c."website_id", stats."first_visitor_message_at", reply."timestamp")
    AS "first_response_business_seconds",
  "bi_business_seconds"(c."website_id", stats."first_visitor_message_at", human."timestamp")
    AS "first_human_response_business_seconds",
  "bi_business_seconds"(c."website_id", c."created_at_crisp", resolution."resolved_at")
    AS "resolution_business_seconds"
FROM "conversations" c
CROSS JOIN LATERAL (
  SELECT
    count(*) AS "messages",
    count(*) FILTER (WHERE m."from" = 'user' AND m."type" NOT IN ('note', 'event'))
      AS "visitor_messages",
    count(*) FILTER (WHERE m."from" = 'operator' AND m."type" NOT IN ('note', 'event'))
      AS "operator_messages",
    count(*) FILTER (WHERE m."type" = 'note') AS "note_messages",
    count(*) FILTER (WHERE m."from" = 'operator' AND m."type" NOT IN ('note', 'event') AND m."automated")
      AS "automated_messages",
    min(m."timestamp") FILTER (WHERE m."from" = 'user' AND m."type" NOT IN ('note', 'event'))
      AS "first_visitor_message_at",
    max(m."timestamp") AS "last_message_at"
  FROM "conversation_messages" m
  WHERE m."session_id" = c."session_id"
    AND m."deleted_at" IS NULL
    AND m."observed_at" > 'epoch'::timestamptz
) stats
LEFT JOIN LATERAL (${firstReplyAfterVisitor(false)}) reply ON true
LEFT JOIN LATERAL (${firstReplyAfterVisitor(true)}) human ON true
CROSS JOIN LATERAL (
  SELECT
    min(o."happened_at") FILTER (WHERE ${RESOLVES}) AS "first_resolved_at",
    max(o."happened_at") FILTER (WHERE ${RESOLVES}) AS "last_resolved_at",
    max(o."happened_at") FILTER (WHERE ${REOPENS}) AS "last_reopened_at",
    count(*) FILTER (WHERE ${REOPENS})::int AS "reopen_count",
    min(o."happened_at") FILTER (WHERE ${ASSIGNS}) AS "first_assigned_at",
    count(*) FILTER (WHERE ${ASSIGNS})::int AS "assignments"
  FROM (${ORDERED_CHANGES}) o
) history
-- Where the log has not seen the last resolution of a resolved conversation (it started before
-- the log, or a gap hid it), the latest change known of it stands in: Crisp's updated_at, or the
-- time a live event set the state, whichever is later.
CROSS JOIN LATERAL (
  SELECT CASE
    WHEN c."state" IS DISTINCT FROM 'resolved' THEN history."last_resolved_at"
    WHEN history."last_resolved_at" IS NOT NULL
      AND history."last_reopened_at" IS NOT DISTINCT FROM NULL THEN history."last_resolved_at"
    WHEN history."last_resolved_at" > history."last_reopened_at" THEN history."last_resolved_at"
    ELSE greatest(c."updated_at_crisp", (c."field_observed_at" ->> 'state')::timestamptz)
  END AS "last_resolved_at"
) latest
CROSS JOIN LATERAL (
  SELECT
    coalesce(history."first_resolved_at", latest."last_resolved_at") AS "first_resolved_at",
    latest."last_resolved_at",
    CASE WHEN c."state" = 'resolved' THEN latest."last_resolved_at" END AS "resolved_at"
) resolution
LEFT JOIN "conversation_ratings" rating ON rating."session_id" = c."session_id"
WHERE c."deleted_at" IS NULL`;

export const BI_DAILY_VOLUME = `
CREATE OR REPLACE VIEW "bi_daily_volume" AS
SELECT
  ("created_at" AT TIME ZONE 'UTC')::date AS "day",
  "website_id",
  count(*) AS "conversations",
  count("first_response_at") AS "answered_conversations",
  count(*) FILTER (WHERE "state" = 'resolved') AS "resolved_conversations",
  percentile_cont(0.5) WITHIN GROUP (ORDER BY "first_response_seconds")
    AS "median_first_response_seconds",
  percentile_cont(0.9) WITHIN GROUP (ORDER BY "first_response_seconds")
    AS "p90_first_response_seconds",
  percentile_cont(0.5) WITHIN GROUP (ORDER BY "first_human_response_seconds")
    AS "median_first_human_response_seconds",
  percentile_cont(0.9) WITHIN GROUP (ORDER BY "first_human_response_seconds")
    AS "p90_first_human_response_seconds",
  count(*) FILTER (WHERE "reopen_count" > 0) AS "reopened_conversations",
  count("rating_stars") AS "rated_conversations",
  avg("rating_stars")::double precision AS "average_rating"
FROM "bi_conversations"
WHERE "created_at" IS NOT NULL
GROUP BY 1, 2`;

export class BiHistory1795622000000 implements MigrationInterface {
  name = 'BiHistory1795622000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "bi_business_hours" ("website_id" text NOT NULL, "weekday" smallint NOT NULL, "opens" TIME NOT NULL, "closes" TIME NOT NULL, "time_zone" text NOT NULL DEFAULT 'UTC', CONSTRAINT "bi_business_hours_span_check" CHECK (closes > opens), CONSTRAINT "bi_business_hours_weekday_check" CHECK (weekday BETWEEN 1 AND 7), CONSTRAINT "bi_business_hours_pkey" PRIMARY KEY ("website_id", "weekday", "opens")); COMMENT ON COLUMN "bi_business_hours"."website_id" IS 'Crisp website id'; COMMENT ON COLUMN "bi_business_hours"."weekday" IS 'ISO day of the week: 1 Monday … 7 Sunday'; COMMENT ON COLUMN "bi_business_hours"."opens" IS 'Local time the span opens, e.g. 09:00'; COMMENT ON COLUMN "bi_business_hours"."closes" IS 'Local time the span closes, e.g. 17:30 (24:00 for midnight)'; COMMENT ON COLUMN "bi_business_hours"."time_zone" IS 'IANA time zone of opens and closes, e.g. Europe/Paris'`,
    );
    await queryRunner.query(
      `COMMENT ON TABLE "bi_business_hours" IS 'Opening hours per website, filled in by you with SQL (one row per weekday and opening span): the BI views count *_business_seconds inside them'`,
    );
    await queryRunner.query(BUSINESS_SECONDS);
    await queryRunner.query(BI_CONVERSATIONS);
    await queryRunner.query(BI_DAILY_VOLUME);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // CREATE OR REPLACE cannot take columns away: the views go back as BiViews made them.
    const earlier = new BiViews1795609800000();
    await earlier.down(queryRunner);
    await earlier.up(queryRunner);
    await queryRunner.query(`DROP FUNCTION "bi_business_seconds"(text, timestamptz, timestamptz)`);
    await queryRunner.query(`DROP TABLE "bi_business_hours"`);
  }
}
