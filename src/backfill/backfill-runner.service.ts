import { Injectable, Logger } from '@nestjs/common';
import { AsyncLocalStorage } from 'node:async_hooks';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { waitUnless } from '../common/wait-unless';
import { AppConfig } from '../config/app-config';
import {
  conversationRecordFromCrisp,
  isoFromEpochMs,
  messageRecordsFromBatch,
  snapshotObservedAt,
} from '../conversations/crisp-record.mapper';
import { CrispApiError } from '../crisp/crisp-api-error';
import { CrispBudgetExhaustedError } from '../crisp/crisp-budget-exhausted.error';
import {
  CONVERSATIONS_PER_PAGE,
  CrispRestService,
  type MessageBatch,
  type RequestMeter,
} from '../crisp/crisp-rest.service';
import { TransientRetryWindow } from '../database/transient-retry-window';
import type { BackfillJob } from './backfill-job.entity';
import { BackfillJobsRepository, type PendingConversation } from './backfill-jobs.repository';
import { BackfillBatchStore } from './backfill-batch-store';
import { ConversationSnapshotWriterService } from './conversation-snapshot-writer.service';
import { BackfillBatchWriter } from './backfill-batch-writer';
import { nextPage } from './conversation-message-pager';
import { WebsiteLockService, type HeldLock } from './website-lock.service';

/** How many of a conversation's batches may wait for the writer while its worker reads on. */
const WRITES_AHEAD = 2;

/** Raised inside a run when the service is shutting down: the job stays resumable. */
class StopRequested extends Error {}

/** Raised inside a run whose website lock broke: another runner may own the job now. */
class LockLost extends StopRequested {}

/**
 * Runs one backfill job from its checkpoint: lists every conversation page (checkpoint per page),
 * then reads each listed conversation's messages back to the first (checkpoint per batch).
 * Every write and its checkpoint commit in one transaction, so a crash never loses or repeats
 * work beyond the request in flight, and a run cut by a database error resumes from there.
 */
@Injectable()
export class BackfillRunnerService {
  private readonly logger = new Logger(BackfillRunnerService.name);
  private stopping = false;
  /** The website lock of the run the current code belongs to (runs of several jobs interleave). */
  private readonly runLock = new AsyncLocalStorage<HeldLock>();

  constructor(
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: BackfillJobsRepository,
    private readonly locks: WebsiteLockService,
    private readonly crisp: CrispRestService,
    private readonly batchStore: BackfillBatchStore,
    private readonly snapshots: ConversationSnapshotWriterService,
  ) {}

  /** Asks running jobs to stop at their next checkpoint. */
  requestStop() {
    this.stopping = true;
  }

  /**
   * Runs the job unless another runner (here or in another instance) holds its website. Taking
   * the lock waits out a transient database error too, within the same window as the run.
   */
  async run(jobId: string): Promise<'ran' | 'busy'> {
    const retry = new TransientRetryWindow();
    let lock: HeldLock | null;
    for (;;) {
      try {
        const job = await this.jobs.get(jobId);
        lock = await this.locks.tryAcquire('backfill', job.websiteId);
        break;
      } catch (error) {
        const next = await this.afterFailure(jobId, error, retry);
        if (next === 'stop') return 'busy';
        if (next === 'settle') throw error;
      }
    }
    if (!lock) return 'busy';
    try {
      await this.runLock.run(lock, () => this.runLocked(jobId, retry));
    } finally {
      await lock.release();
    }
    return 'ran';
  }

  /**
   * Runs the job from its checkpoint; after a transient database error (a terminated session, a
   * restart) it waits and runs again from the checkpoint, still under the lock, for as long as
   * the retry window allows: only then, or for any other error, does the job fail.
   */
  private async runLocked(jobId: string, retry: TransientRetryWindow) {
    for (;;) {
      let job: BackfillJob | undefined;
      try {
        // Re-read under the lock: another instance may have finished or advanced it meanwhile.
        job = await this.jobs.get(jobId);
        const waiting = job.status === 'paused' && job.resumeAt && job.resumeAt > new Date();
        if (job.status === 'completed' || job.status === 'failed' || waiting) return;
        await this.jobs.markRunning(job.id);
        if (job.phase === 'listing') await this.listConversations(job, retry);
        await this.readAllMessages(job, retry);
        await this.jobs.markFinished(job.id, { failed: false });
        this.logger.log(`Backfill ${job.id} of website ${job.websiteId} completed`);
        return;
      } catch (error) {
        const next = await this.afterFailure(jobId, error, retry);
        if (next === 'resume') continue;
        // Shutting down while waiting: the job stays as it is, resumable.
        if (next === 'stop') return;
        if (job === undefined) throw error;
        await this.settleFailure(job, error);
        return;
      }
    }
  }

  /** After a transient database error, waits the backoff and says to resume (or to stop). */
  private async afterFailure(
    jobId: string,
    error: unknown,
    retry: TransientRetryWindow,
  ): Promise<'resume' | 'stop' | 'settle'> {
    const delay = error instanceof StopRequested ? null : retry.delayAfter(error);
    if (delay === null) return 'settle';
    const message = error instanceof Error ? error.message : String(error);
    this.logger.warn(
      `Backfill ${jobId}: database unreachable (${message}); resuming from its checkpoint in ${delay} ms`,
    );
    return (await waitUnless(delay, () => this.stopping)) ? 'resume' : 'stop';
  }

  private async settleFailure(job: BackfillJob, error: unknown) {
    if (error instanceof LockLost) {
      this.logger.warn(
        `Backfill ${job.id} stopped: ${error.message}; it resumes from its checkpoint`,
      );
      return;
    }
    if (error instanceof StopRequested) return;
    if (error instanceof CrispBudgetExhaustedError) {
      this.logger.warn(`Backfill ${job.id} paused: ${error.message}`);
      await this.jobs.markPaused(job.id, error.resumesAt, error.message);
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    this.logger.error(`Backfill ${job.id} of website ${job.websiteId} failed: ${message}`);
    const errorKind = error instanceof CrispApiError ? error.kind : null;
    await this.jobs.markFinished(job.id, { failed: true, error: message, errorKind });
  }

  /** Lists page after page; the next page is fetched while the current one is being stored. */
  private async listConversations(job: BackfillJob, retry: TransientRetryWindow) {
    const fetchPage = (page: number) => {
      const meter: RequestMeter = { requests: 0 };
      const sentAt = new Date();
      const listed = this.crisp.listConversations(job.websiteId, page, meter);
      // Awaited on the next turn; a handler now keeps a failure from counting as unhandled.
      listed.catch(() => undefined);
      return { listed, meter, sentAt };
    };
    this.throwIfStopping();
    let next = fetchPage(job.nextListPage);
    for (let page = job.nextListPage; ; page += 1) {
      const listed = await next.listed;
      const { meter, sentAt } = next;
      const lastPage = listed.length < CONVERSATIONS_PER_PAGE;
      if (!lastPage) {
        this.throwIfStopping();
        next = fetchPage(page + 1);
      }
      await this.inBackfillTransaction(async (manager) => {
        // Listed through crisp-api, which hides the cache status: each as of its `updated_at`.
        const records = listed.map((item) =>
          conversationRecordFromCrisp(
            item,
            snapshotObservedAt(item, { fresh: false, sentAt }),
            'backfill',
          ),
        );
        await this.snapshots.store(records, 'backfill', manager);
        const work = listed.map((item) => ({
          session_id: item.session_id,
          updated_at_crisp: isoFromEpochMs(item.updated_at),
        }));
        await this.jobs.recordListedPage(manager, job.id, page, work, meter.requests, lastPage);
      });
      retry.progressed();
      if (lastPage) return;
    }
  }

  /**
   * Reads the pending conversations with `CRISP_CONCURRENCY` workers; the first failure stops
   * all. Every batch handed to the writer has committed or failed before this returns, so no
   * write of this run can land after the website's lock is released (on a stop as well).
   */
  private async readAllMessages(job: BackfillJob, retry: TransientRetryWindow) {
    const pending = await this.jobs.pendingConversations(job.id);
    const writer = new BackfillBatchWriter(async (batches) => {
      this.throwIfLockLost();
      await this.batchStore.store(job.id, batches);
      retry.progressed();
    });
    let next = 0;
    let failure: Error | undefined;
    const worker = async () => {
      while (failure === undefined && writer.failure === undefined && next < pending.length) {
        const conversation = pending[next];
        next += 1;
        try {
          await this.readConversation(job, conversation, writer);
        } catch (error) {
          failure ??= error instanceof Error ? error : new Error(String(error));
        }
      }
    };
    await Promise.all(Array.from({ length: this.config.crisp.concurrency }, worker));
    await writer.idle();
    failure ??= writer.failure;
    if (failure !== undefined) throw failure;
  }

  /**
   * Pages back through one conversation. Reading runs ahead of writing by up to
   * `WRITES_AHEAD` batches, so that a worker keeps fetching while its batches wait for the
   * group commit, and flushes grow. A checkpoint still never runs ahead of its data: the writer
   * commits in arrival order and nothing after a failure. The conversation's last batches may
   * still be committing when this returns, while its worker goes on to the next conversation.
   */
  private async readConversation(
    job: BackfillJob,
    conversation: PendingConversation,
    writer: BackfillBatchWriter,
  ): Promise<void> {
    const stopAt = conversation.stopAt === null ? null : Number(conversation.stopAt);
    let before = conversation.nextBefore === null ? undefined : Number(conversation.nextBefore);
    const unsettled: Promise<void>[] = [];
    for (;;) {
      this.throwIfStopping();
      const meter: RequestMeter = { requests: 0 };
      const batch = await this.fetchBatch(job.websiteId, conversation.sessionId, before, meter);
      if (unsettled.length >= WRITES_AHEAD) await unsettled.shift();
      const page = nextPage(batch, stopAt, before);
      const write = writer.write({
        records: messageRecordsFromBatch(
          batch.messages,
          { websiteId: job.websiteId, sessionId: conversation.sessionId },
          batch.fresh ? batch.sentAt : null,
          'backfill',
        ),
        checkpoint: {
          sessionId: conversation.sessionId,
          messagesStored: batch.messages.length,
          requests: meter.requests,
          nextBefore: page.nextBefore,
        },
      });
      // Its failure reaches the run through the writer; unhandled, it would crash the process.
      write.catch(() => undefined);
      unsettled.push(write);
      if (page.nextBefore === null) return;
      before = page.nextBefore;
    }
  }

  /**
   * Backfill writes commit without waiting for the WAL flush: a database crash may lose the
   * last few, but a batch and its checkpoint are lost together, so the job just reads them
   * again. This removes an fsync from every batch.
   */
  private inBackfillTransaction(work: (manager: EntityManager) => Promise<void>): Promise<void> {
    this.throwIfLockLost();
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SET LOCAL synchronous_commit = off');
      await work(manager);
      this.throwIfLockLost();
    });
  }

  /** A conversation removed since it was listed has no messages left to read. */
  private async fetchBatch(
    websiteId: string,
    sessionId: string,
    before: number | undefined,
    meter: RequestMeter,
  ): Promise<MessageBatch> {
    try {
      return await this.crisp.getMessages(websiteId, sessionId, before, meter);
    } catch (error) {
      if (error instanceof CrispApiError && error.kind === 'not_found')
        return { messages: [], history: 'complete', fresh: true, sentAt: new Date() };
      throw error;
    }
  }

  private throwIfStopping() {
    if (this.stopping) throw new StopRequested('the service is shutting down');
    this.throwIfLockLost();
  }

  /** A write under a lost lock could land beside another runner's: none is made. */
  private throwIfLockLost() {
    if (this.runLock.getStore()?.lost) {
      throw new LockLost('its website lock was lost (the lock session broke)');
    }
  }
}
