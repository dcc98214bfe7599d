import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  buildUpsertStatement,
  columnArrays,
  columnArraysSource,
  newestPerKey,
} from '../conversations/batched-upsert';
import {
  MESSAGE_COLUMNS,
  MESSAGE_UPSERT_TABLE,
} from '../conversations/conversation-messages.repository';
import type { MessageRecord } from '../conversations/conversation-records';
import { dataRefusalState } from '../database/database-refusal';
import { RefusalSplitterService } from '../set-aside/refusal-splitter.service';
import type { PendingBatch } from './backfill-batch-writer';
import type { MessageBatchCheckpoint } from './backfill-jobs.repository';

const PREPARED_NAME = 'backfill_batch_store';

/**
 * One checkpoint per conversation: an UPDATE … FROM applies only one of several source rows that
 * match a row, so consecutive batches of one conversation in a flush are summed here, and the
 * last one (in arrival order) says where its next read starts.
 */
export function mergedCheckpoints(batches: PendingBatch[]): MessageBatchCheckpoint[] {
  const merged = new Map<string, MessageBatchCheckpoint>();
  for (const { checkpoint } of batches) {
    const earlier = merged.get(checkpoint.sessionId);
    merged.set(
      checkpoint.sessionId,
      earlier
        ? {
            ...checkpoint,
            messagesStored: earlier.messagesStored + checkpoint.messagesStored,
            requests: earlier.requests + checkpoint.requests,
          }
        : checkpoint,
    );
  }
  return [...merged.values()];
}

/** The checkpoints, each counting only the messages of its conversation that were stored. */
function withoutRefused(
  checkpoints: MessageBatchCheckpoint[],
  refused: MessageRecord[],
): MessageBatchCheckpoint[] {
  return checkpoints.map((checkpoint) => ({
    ...checkpoint,
    messagesStored:
      checkpoint.messagesStored -
      refused.filter((record) => record.session_id === checkpoint.sessionId).length,
  }));
}

/** The part of a node-postgres client used here. */
interface PreparingClient {
  query(config: { name: string; text: string; values: unknown[] }): Promise<unknown>;
}

/**
 * One flush of the backfill's group-commit writer as a single statement, so a single round trip
 * and an implicit transaction of its own: the messages (the same order-guarded upsert as
 * `ConversationMessagesRepository`), a stub for any conversation not stored yet, and the
 * batches' checkpoints, which commit or roll back together with their messages.
 *
 * `synchronous_commit` is off for this transaction only (`set_config(…, true)`): a database
 * crash may lose the last few flushes, but a batch and its checkpoint are lost together, so the
 * job just reads them again; this removes an fsync from every flush.
 *
 * Sibling parts of one statement see the same snapshot: a conversation created here as a stub
 * (none normally: the listing phase stores every conversation it queues) does not get its
 * `messages_synced_through` in this flush, so a later backfill reads it again, harmlessly.
 */
@Injectable()
export class BackfillBatchStore {
  private readonly statement = `
    WITH settings AS MATERIALIZED (
      SELECT set_config('synchronous_commit', 'off', true) AS synchronous_commit
    ), stubs AS (
      INSERT INTO conversations (session_id, website_id, sync_source, observed_at)
      SELECT session_id, website_id, 'backfill', '1970-01-01T00:00:00Z'::timestamptz
      FROM jsonb_to_recordset($1::jsonb) AS s(session_id text, website_id text)
      ORDER BY session_id
      ON CONFLICT (session_id) DO NOTHING
    ), stored AS (
      ${buildUpsertStatement(MESSAGE_UPSERT_TABLE, { returning: 'RETURNING 1', source: columnArraysSource(MESSAGE_COLUMNS, 4) })}
    ), progress AS (
      SELECT * FROM jsonb_to_recordset($2::jsonb)
        AS p("sessionId" text, "messagesStored" int, requests int, "nextBefore" bigint)
    ), moved AS (
      UPDATE backfill_job_conversations w
      SET next_before = p."nextBefore", messages_stored = w.messages_stored + p."messagesStored",
        requests = w.requests + p.requests,
        status = CASE WHEN p."nextBefore" IS NULL THEN 'done' ELSE 'pending' END
      FROM progress p WHERE w.job_id = $3 AND w.session_id = p."sessionId"
      RETURNING w.session_id, w.status, w.updated_at_crisp
    ), synced AS (
      UPDATE conversations c SET messages_synced_through = moved.updated_at_crisp
      FROM moved WHERE moved.status = 'done' AND c.session_id = moved.session_id
    )
    SELECT (SELECT synchronous_commit FROM settings) AS synchronous_commit,
      (SELECT count(*) FROM stored)::int AS stored`;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly refusals: RefusalSplitterService,
  ) {}

  /**
   * Stores the batches' messages and moves their checkpoints, atomically. Refused for its data,
   * the flush stores its messages in parts, the refused ones set aside, then the checkpoints:
   * a crash between the two reads those batches again, which stores nothing twice.
   */
  async store(jobId: string, batches: PendingBatch[]): Promise<void> {
    if (batches.length === 0) return;
    const records = newestPerKey(
      batches.flatMap((batch) => batch.records),
      (record) => `${record.session_id}/${record.fingerprint}`,
    );
    const checkpoints = mergedCheckpoints(batches);
    try {
      await this.run(jobId, records, checkpoints);
    } catch (error) {
      if (dataRefusalState(error) === null) throw error;
      const refused = await this.refusals.store(records, (part) => this.run(jobId, part, []), {
        door: 'backfill',
        kind: 'rest:message',
        payload: (record) => JSON.stringify(record),
      });
      await this.run(jobId, [], withoutRefused(checkpoints, refused));
    }
  }

  private async run(
    jobId: string,
    records: MessageRecord[],
    checkpoints: MessageBatchCheckpoint[],
  ): Promise<void> {
    const conversations = new Map<string, { session_id: string; website_id: string }>();
    for (const { session_id, website_id } of records) {
      if (!conversations.has(session_id)) conversations.set(session_id, { session_id, website_id });
    }
    const values = [
      JSON.stringify([...conversations.values()]),
      JSON.stringify(checkpoints),
      jobId,
      ...columnArrays(MESSAGE_COLUMNS, records),
    ];
    // A named statement: each pooled connection parses and plans it once, not at every flush.
    const runner = this.dataSource.createQueryRunner();
    try {
      const client = (await runner.connect()) as PreparingClient;
      await client.query({ name: PREPARED_NAME, text: this.statement, values });
    } finally {
      await runner.release();
    }
  }
}
