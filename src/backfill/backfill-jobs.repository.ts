import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { BackfillJob } from './backfill-job.entity';

export interface ListedConversation {
  session_id: string;
  updated_at_crisp: string | null;
}

export interface PendingConversation {
  sessionId: string;
  nextBefore: string | null;
  stopAt: string | null;
}

export interface MessageProgress {
  conversationsDone: number;
  messagesStored: number;
  messageRequests: number;
}

/** Where an active job stands, for the metrics. */
export interface ActiveBackfillProgress {
  websiteId: string;
  phase: BackfillJob['phase'];
  conversationsListed: number;
  conversationsDone: number;
  messagesStored: number;
}

export interface MessageBatchCheckpoint {
  sessionId: string;
  messagesStored: number;
  requests: number;
  /** The `timestamp_before` of the next request, or null when the conversation is complete. */
  nextBefore: number | null;
}

/** Backfill jobs and their checkpoints; every write here is part of the caller's transaction. */
@Injectable()
export class BackfillJobsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The website's active job, created if there is none: concurrent callers all get the same one. */
  async startOrJoin(websiteId: string): Promise<{ job: BackfillJob; created: boolean }> {
    const inserted: { id: string }[] = await this.dataSource.query(
      `INSERT INTO backfill_jobs (website_id) VALUES ($1)
       ON CONFLICT (website_id) WHERE status IN ('queued', 'running', 'paused') DO NOTHING
       RETURNING id`,
      [websiteId],
    );
    if (inserted.length > 0) return { job: await this.get(inserted[0].id), created: true };
    const active = await this.dataSource.getRepository(BackfillJob).findOne({
      where: [
        { websiteId, status: 'queued' },
        { websiteId, status: 'running' },
        { websiteId, status: 'paused' },
      ],
    });
    return active ? { job: active, created: false } : this.startOrJoin(websiteId);
  }

  async get(id: string): Promise<BackfillJob> {
    return this.dataSource.getRepository(BackfillJob).findOneByOrFail({ id });
  }

  find(id: string): Promise<BackfillJob | null> {
    return this.dataSource.getRepository(BackfillJob).findOneBy({ id });
  }

  /** The active jobs first, then the most recently created ones: what a status page lists. */
  recent(limit: number): Promise<BackfillJob[]> {
    return this.dataSource
      .getRepository(BackfillJob)
      .createQueryBuilder('job')
      .orderBy(`job.status IN ('queued', 'running', 'paused')`, 'DESC')
      .addOrderBy('job.created_at', 'DESC')
      .limit(limit)
      .getMany();
  }

  /** Jobs some instance should be running now: new, interrupted, or paused past their resume time. */
  async runnable(): Promise<BackfillJob[]> {
    return this.dataSource
      .getRepository(BackfillJob)
      .createQueryBuilder('job')
      .where(`job.status IN ('queued', 'running')`)
      .orWhere(`job.status = 'paused' AND job.resume_at <= now()`)
      .orderBy('job.created_at')
      .getMany();
  }

  async markRunning(id: string) {
    await this.dataSource.query(
      `UPDATE backfill_jobs SET status = 'running', resume_at = NULL, error = NULL,
         started_at = coalesce(started_at, now()), updated_at = now() WHERE id = $1`,
      [id],
    );
  }

  async markPaused(id: string, resumeAt: Date, reason: string) {
    await this.dataSource.query(
      `UPDATE backfill_jobs SET status = 'paused', resume_at = $2, error = $3, updated_at = now()
       WHERE id = $1`,
      [id, resumeAt, reason],
    );
  }

  async markFinished(
    id: string,
    outcome:
      { failed: false } | { failed: true; error: string; errorKind: BackfillJob['errorKind'] },
  ) {
    await this.dataSource.query(
      `UPDATE backfill_jobs SET status = $2, phase = CASE WHEN $2 = 'completed' THEN 'done' ELSE phase END,
         error = $3, error_kind = $4, finished_at = now(), updated_at = now() WHERE id = $1`,
      [
        id,
        outcome.failed ? 'failed' : 'completed',
        outcome.failed ? outcome.error : null,
        outcome.failed ? outcome.errorKind : null,
      ],
    );
  }

  /**
   * Records one page of the conversation list: the conversations to read (only those whose
   * stored messages are older than the listing says), the next page to read, the requests spent.
   */
  async recordListedPage(
    manager: EntityManager,
    jobId: string,
    page: number,
    listed: ListedConversation[],
    requests: number,
    lastPage: boolean,
  ) {
    const result: { queued: number; skipped: number }[] = await manager.query(
      `WITH listed AS (
         SELECT * FROM jsonb_to_recordset($2::jsonb) AS l(session_id text, updated_at_crisp timestamptz)
       ), queued AS (
         INSERT INTO backfill_job_conversations (job_id, session_id, updated_at_crisp, stop_at)
         SELECT $1, l.session_id, l.updated_at_crisp,
           CASE WHEN c.messages_synced_through IS NOT NULL THEN (
             SELECT (extract(epoch FROM max(m."timestamp")) * 1000)::bigint
             FROM conversation_messages m WHERE m.session_id = l.session_id
           ) END
         FROM listed l
         JOIN conversations c ON c.session_id = l.session_id
         WHERE c.messages_synced_through IS NULL OR l.updated_at_crisp IS NULL
            OR c.messages_synced_through < l.updated_at_crisp
         ON CONFLICT DO NOTHING
         RETURNING 1
       )
       SELECT (SELECT count(*) FROM queued)::int AS queued,
              ((SELECT count(*) FROM listed) - (SELECT count(*) FROM queued))::int AS skipped`,
      [jobId, JSON.stringify(listed)],
    );
    await manager.query(
      `UPDATE backfill_jobs SET next_list_page = $2, conversations_listed = conversations_listed + $3,
         conversations_skipped = conversations_skipped + $4, list_requests = list_requests + $5,
         phase = CASE WHEN $6 THEN 'messages' ELSE phase END, updated_at = now()
       WHERE id = $1`,
      [jobId, page + 1, result[0].queued, result[0].skipped, requests, lastPage],
    );
  }

  pendingConversations(jobId: string): Promise<PendingConversation[]> {
    return this.dataSource.query(
      `SELECT session_id AS "sessionId", next_before AS "nextBefore", stop_at AS "stopAt"
       FROM backfill_job_conversations WHERE job_id = $1 AND status = 'pending' ORDER BY session_id`,
      [jobId],
    );
  }

  /** Every active job's progress in one query (read at each metrics scrape). */
  async activeProgress(): Promise<ActiveBackfillProgress[]> {
    const rows: (Omit<ActiveBackfillProgress, 'messagesStored'> & { messagesStored: string })[] =
      await this.dataSource.query(
        `SELECT j.website_id AS "websiteId", j.phase, j.conversations_listed AS "conversationsListed",
           p.done AS "conversationsDone", p.messages AS "messagesStored"
         FROM backfill_jobs j
         CROSS JOIN LATERAL (
           SELECT count(*) FILTER (WHERE c.status = 'done')::int AS done,
             coalesce(sum(c.messages_stored), 0) AS messages
           FROM backfill_job_conversations c WHERE c.job_id = j.id
         ) p
         WHERE j.status IN ('queued', 'running', 'paused')`,
      );
    return rows.map((row) => ({ ...row, messagesStored: Number(row.messagesStored) }));
  }

  /**
   * Websites with a backfill job that did not fail: websites someone asked to mirror and the
   * token can read, which the catch-up then keeps current.
   */
  async websitesBackfilled(): Promise<string[]> {
    const rows: { website_id: string }[] = await this.dataSource.query(
      `SELECT DISTINCT website_id FROM backfill_jobs WHERE status <> 'failed' ORDER BY website_id`,
    );
    return rows.map((row) => row.website_id);
  }

  /** How many jobs are in each status. */
  async countByStatus(): Promise<Map<BackfillJob['status'], number>> {
    const rows: { status: BackfillJob['status']; jobs: number }[] = await this.dataSource.query(
      `SELECT status, count(*)::int AS jobs FROM backfill_jobs GROUP BY status`,
    );
    return new Map(rows.map((row) => [row.status, row.jobs]));
  }

  /** The message phase's progress, summed over the job's conversations. */
  async messageProgress(jobId: string): Promise<MessageProgress> {
    const rows: { done: number; messages: string; requests: string }[] =
      await this.dataSource.query(
        `SELECT count(*) FILTER (WHERE status = 'done')::int AS done,
         coalesce(sum(messages_stored), 0) AS messages, coalesce(sum(requests), 0) AS requests
       FROM backfill_job_conversations WHERE job_id = $1`,
        [jobId],
      );
    return {
      conversationsDone: rows[0].done,
      messagesStored: Number(rows[0].messages),
      messageRequests: Number(rows[0].requests),
    };
  }
}
