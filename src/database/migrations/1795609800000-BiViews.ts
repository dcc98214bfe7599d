import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Views for BI tools (docs/BI.md). Hand-written: TypeORM entities describe tables only, and the
 * schema builder leaves views it did not create alone, so the entities-vs-schema test is unmoved.
 *
 * A message row counts only when it is live (`deleted_at IS NULL`) and known from Crisp itself:
 * a placeholder (known so far from an edit or receipt, `observed_at` at the epoch) has a guessed
 * side and time. Notes and events are neither side's conversation.
 *
 * The per-conversation figures are LATERAL subqueries so that a filter on the conversations
 * (website, dates) reaches them as index lookups on `conversation_messages_live_by_session`
 * instead of aggregating every message first.
 */
const BI_CONVERSATIONS = `
CREATE VIEW "bi_conversations" AS
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
  stats."note_messages"
FROM "conversations" c
CROSS JOIN LATERAL (
  SELECT
    count(*) AS "messages",
    count(*) FILTER (WHERE m."from" = 'user' AND m."type" NOT IN ('note', 'event'))
      AS "visitor_messages",
    count(*) FILTER (WHERE m."from" = 'operator' AND m."type" NOT IN ('note', 'event'))
      AS "operator_messages",
    count(*) FILTER (WHERE m."type" = 'note') AS "note_messages",
    min(m."timestamp") FILTER (WHERE m."from" = 'user' AND m."type" NOT IN ('note', 'event'))
      AS "first_visitor_message_at",
    max(m."timestamp") AS "last_message_at"
  FROM "conversation_messages" m
  WHERE m."session_id" = c."session_id"
    AND m."deleted_at" IS NULL
    AND m."observed_at" > 'epoch'::timestamptz
) stats
LEFT JOIN LATERAL (
  SELECT m."timestamp", m."user_id", m."user_nickname"
  FROM "conversation_messages" m
  WHERE m."session_id" = c."session_id"
    AND m."deleted_at" IS NULL
    AND m."observed_at" > 'epoch'::timestamptz
    AND m."from" = 'operator'
    AND m."type" NOT IN ('note', 'event')
    AND m."timestamp" >= stats."first_visitor_message_at"
  ORDER BY m."timestamp", m."fingerprint"
  LIMIT 1
) reply ON true
-- Crisp keeps no resolution time: the latest change known of a resolved conversation stands in
-- for it (Crisp's updated_at, or the time a live event set the state, whichever is later).
CROSS JOIN LATERAL (
  SELECT CASE WHEN c."state" = 'resolved'
    THEN greatest(c."updated_at_crisp", (c."field_observed_at" ->> 'state')::timestamptz)
  END AS "resolved_at"
) resolution
WHERE c."deleted_at" IS NULL`;

const BI_DAILY_VOLUME = `
CREATE VIEW "bi_daily_volume" AS
SELECT
  ("created_at" AT TIME ZONE 'UTC')::date AS "day",
  "website_id",
  count(*) AS "conversations",
  count("first_response_at") AS "answered_conversations",
  count(*) FILTER (WHERE "state" = 'resolved') AS "resolved_conversations",
  percentile_cont(0.5) WITHIN GROUP (ORDER BY "first_response_seconds")
    AS "median_first_response_seconds",
  percentile_cont(0.9) WITHIN GROUP (ORDER BY "first_response_seconds")
    AS "p90_first_response_seconds"
FROM "bi_conversations"
WHERE "created_at" IS NOT NULL
GROUP BY 1, 2`;

export class BiViews1795609800000 implements MigrationInterface {
  name = 'BiViews1795609800000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(BI_CONVERSATIONS);
    await queryRunner.query(BI_DAILY_VOLUME);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP VIEW "bi_daily_volume"`);
    await queryRunner.query(`DROP VIEW "bi_conversations"`);
  }
}
