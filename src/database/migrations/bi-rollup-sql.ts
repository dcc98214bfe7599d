import { HUMAN_REPLY, hourAtOrAfter } from './1795624000000-BiTeamViews';

/**
 * The per-conversation figures the daily BI views group (migration BiRollups), as
 * `bi_refresh_rollups` computes them for the conversations it refreshes. `sessions` turns a
 * session id column into the condition that picks those conversations.
 */
export type SessionFilter = (column: string) => string;

/** The conversations of the refresh function's `batch` (a text[] variable). */
export const IN_BATCH: SessionFilter = (column) => `${column} = ANY(batch)`;

const utcDay = (at: string) => `(${at} AT TIME ZONE 'UTC')::date`;

/** rollup_conversation_facts' columns, in order, each with its type and what bi_conversations gives. */
export const FACT_COLUMNS: [name: string, type: string, from: string][] = [
  ['session_id', 'text NOT NULL', 'b."session_id"'],
  ['website_id', 'text NOT NULL', 'b."website_id"'],
  ['created_at', 'timestamptz', 'b."created_at"'],
  ['created_day', 'date', utcDay('b."created_at"')],
  ['state', 'text', 'b."state"'],
  ['first_response_at', 'timestamptz', 'b."first_response_at"'],
  ['first_response_seconds', 'double precision', 'b."first_response_seconds"'],
  ['first_human_response_day', 'date', utcDay('b."first_human_response_at"')],
  ['first_human_response_seconds', 'double precision', 'b."first_human_response_seconds"'],
  ['first_human_responder_user_id', 'text', 'b."first_human_responder_user_id"'],
  ['assigned_user_id', 'text', 'b."assigned_user_id"'],
  ['resolved_day', 'date', utcDay('b."resolved_at"')],
  ['reopen_count', 'integer', 'b."reopen_count"'],
  ['rating_stars', 'smallint', 'b."rating_stars"'],
  ['rated_day', 'date', utcDay('b."rated_at"')],
  ['rating_commented', 'boolean', '(b."rating_comment" IS NOT NULL)'],
];

export const factsOf = (sessions: SessionFilter) => `
SELECT ${FACT_COLUMNS.map(([name, , from]) => `${from} AS "${name}"`).join(',\n  ')}
FROM "bi_conversations" b
WHERE ${sessions('b."session_id"')}`;

/** One row per conversation, operator and UTC day the operator sent it human replies. */
export const replyDaysOf = (sessions: SessionFilter) => `
SELECT m."website_id", m."session_id", m."user_id" AS "operator_user_id",
  ${utcDay('m."timestamp"')} AS "day", count(*)::integer AS "replies",
  max(m."user_nickname") AS "operator_nickname"
FROM "conversation_messages" m
JOIN "conversations" c ON c."session_id" = m."session_id" AND c."deleted_at" IS NULL
WHERE ${HUMAN_REPLY('m')} AND m."user_id" IS NOT NULL AND ${sessions('m."session_id"')}
GROUP BY 1, 2, 3, 4`;

const RESOLVED = `'"resolved"'::jsonb`;

/**
 * Each conversation's open spans (not resolved), from the change log: after every change into an
 * open state until the next change; from creation until the first change, unless it was resolved
 * before it; for a conversation with no state change logged, from creation. A span the log leaves
 * open, of a conversation resolved now, ends at the resolution bi_conversations falls back to (the
 * log missed it); a span still open has no end. Spans that close as they open are left out.
 */
export const openSpansOf = (sessions: SessionFilter) => `
SELECT * FROM (
  WITH changes AS (
    SELECT e."session_id", e."happened_at", e."old_value", e."new_value",
      lead(e."happened_at") OVER w AS "next_at", row_number() OVER w AS "n"
    FROM "conversation_events" e
    WHERE e."kind" = 'state' AND ${sessions('e."session_id"')}
    WINDOW w AS (PARTITION BY e."session_id" ORDER BY e."happened_at", e."id")
  ), spans AS (
    SELECT "session_id", "happened_at" AS "opened", "next_at" AS "closed" FROM changes
    WHERE "new_value" IS DISTINCT FROM ${RESOLVED}
    UNION ALL
    SELECT "session_id", NULL, "happened_at" FROM changes
    WHERE "n" = 1 AND "old_value" IS DISTINCT FROM ${RESOLVED}
    UNION ALL
    SELECT c."session_id", NULL, NULL FROM "conversations" c
    WHERE ${sessions('c."session_id"')} AND NOT EXISTS (SELECT 1 FROM "conversation_events" e
      WHERE e."session_id" = c."session_id" AND e."kind" = 'state')
  )
  SELECT c."website_id", c."session_id", coalesce(s."opened", c."created_at_crisp") AS "opened",
    CASE WHEN s."closed" IS NULL AND c."state" = 'resolved'
      THEN greatest(c."updated_at_crisp", (c."field_observed_at" ->> 'state')::timestamptz)
      ELSE s."closed" END AS "closed"
  FROM spans s
  JOIN "conversations" c ON c."session_id" = s."session_id" AND c."deleted_at" IS NULL
) dated
WHERE "opened" IS NOT NULL AND ("closed" IS NULL OR "closed" > "opened")`;

/**
 * What `spans` (a relation of website_id, opened, closed) add to the backlog hour by hour, times
 * `sign`: one at the hour each opens, one less at the hour it closes (open at H: opened <= H < closed).
 */
export const backlogDeltasOf = (spans: string, sign: 1 | -1) => `
SELECT "website_id", ${hourAtOrAfter('"opened"')} AS "hour", ${sign} AS "delta" FROM ${spans}
UNION ALL
SELECT "website_id", ${hourAtOrAfter('"closed"')}, ${-sign} FROM ${spans} WHERE "closed" IS NOT NULL`;
