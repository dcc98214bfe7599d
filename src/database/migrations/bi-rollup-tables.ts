import { FACT_COLUMNS } from './bi-rollup-sql';

/**
 * The rollup tables of migration BiRollups. Only `bi_refresh_rollups` and the triggers write
 * them; the service reads nothing from them but the queue's depth, so they have no entities.
 */
export const ROLLUP_TABLES = [
  // Rows come and go several times a second: vacuumed by count, not by share, so that the views'
  // scans of it do not wade through dead rows.
  `CREATE TABLE "rollup_queue" ("id" bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     "session_id" text NOT NULL)
   WITH (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000)`,
  `CREATE INDEX "rollup_queue_by_session" ON "rollup_queue" ("session_id")`,
  `CREATE TABLE "rollup_conversation_facts" (
     ${FACT_COLUMNS.map(([name, type]) => `"${name}" ${type}`).join(',\n     ')},
     CONSTRAINT "rollup_conversation_facts_pkey" PRIMARY KEY ("session_id"))`,
  ...['created_day', 'first_human_response_day', 'resolved_day', 'rated_day'].map(
    (day) =>
      `CREATE INDEX "rollup_conversation_facts_by_${day}" ON "rollup_conversation_facts" ("${day}")`,
  ),
  `CREATE TABLE "rollup_operator_reply_days" ("website_id" text NOT NULL,
     "session_id" text NOT NULL, "operator_user_id" text NOT NULL, "day" date NOT NULL,
     "replies" integer NOT NULL, "operator_nickname" text)`,
  `CREATE INDEX "rollup_operator_reply_days_by_session" ON "rollup_operator_reply_days" ("session_id")`,
  `CREATE INDEX "rollup_operator_reply_days_by_day" ON "rollup_operator_reply_days" ("day")`,
  `CREATE TABLE "rollup_open_spans" ("website_id" text NOT NULL, "session_id" text NOT NULL,
     "opened" timestamptz NOT NULL, "closed" timestamptz)`,
  `CREATE INDEX "rollup_open_spans_by_session" ON "rollup_open_spans" ("session_id")`,
  `CREATE TABLE "rollup_backlog_deltas" ("website_id" text NOT NULL, "hour" timestamptz NOT NULL,
     "delta" integer NOT NULL, CONSTRAINT "rollup_backlog_deltas_pkey" PRIMARY KEY ("website_id", "hour"))`,
];

const KEPT_FOR = 'kept by the service for the bi_* views; query those instead (docs/BI.md)';

const ABOUT: Record<string, string> = {
  rollup_queue: `Conversations written since their rollups were last computed (internal, ${KEPT_FOR})`,
  rollup_conversation_facts: `One row per conversation: the bi_conversations figures the daily views group (internal, ${KEPT_FOR})`,
  rollup_operator_reply_days: `Human replies per conversation, operator and UTC day (internal, ${KEPT_FOR})`,
  rollup_open_spans: `Each conversation's spans of time open, from the change log (internal, ${KEPT_FOR})`,
  rollup_backlog_deltas: `How many conversations opened less closed at each hour (internal, ${KEPT_FOR})`,
};

const quoted = (text: string) => `'${text.replaceAll("'", "''")}'`;

export const ROLLUP_COMMENTS = [
  ...Object.entries(ABOUT).map(
    ([table, about]) => `COMMENT ON TABLE "${table}" IS ${quoted(about)}`,
  ),
  `COMMENT ON FUNCTION "bi_refresh_rollups"(integer) IS 'Refreshes the rollups of up to batch_size queued changes; returns the conversations refreshed (the service runs it every BI_ROLLUP_REFRESH_MS; run it yourself after writing by hand with the service stopped)'`,
];
