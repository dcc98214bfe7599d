import type { MessageRecord } from '../conversations/conversation-records';
import type { MessageBatchCheckpoint } from './backfill-jobs.repository';

export interface PendingBatch {
  records: MessageRecord[];
  checkpoint: MessageBatchCheckpoint;
}

type Flush = (batches: PendingBatch[]) => Promise<void>;

/**
 * Group commit for a backfill's message batches: while one transaction commits, the batches that
 * arrive meanwhile wait and then commit together in the next one. Under load many 40-message
 * batches share one round trip; alone, a batch commits at once. Flushes run one at a time, in
 * arrival order, and each batch's promise settles with the transaction that holds it.
 *
 * After a failed flush the writer refuses every later batch with the same error: nothing commits
 * after a failure, so a conversation's checkpoint can never pass one of its batches that was lost,
 * even when its worker handed over the next batch before the failed one settled.
 */
export class BackfillBatchWriter {
  private queue: { batch: PendingBatch; settle: (error?: Error) => void }[] = [];
  private flushing = false;
  private idleWaiters: (() => void)[] = [];
  private failed?: Error;

  constructor(
    private readonly flush: Flush,
    private readonly maxRowsPerFlush = 2_000,
  ) {}

  write(batch: PendingBatch): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      this.queue.push({
        batch,
        settle: (error) => (error === undefined ? resolve() : reject(error)),
      });
      void this.drain();
    });
  }

  /** The error of the failed flush, once one has failed. */
  get failure(): Error | undefined {
    return this.failed;
  }

  /** Resolves once every batch handed over so far has committed or been refused. */
  idle(): Promise<void> {
    if (!this.flushing) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async drain() {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const taken = this.take();
        try {
          await this.flush(taken.map((entry) => entry.batch));
          taken.forEach((entry) => entry.settle());
        } catch (error) {
          const failure = error instanceof Error ? error : new Error(String(error));
          this.failed = failure;
          taken.concat(this.queue.splice(0)).forEach((entry) => entry.settle(failure));
        }
      }
    } finally {
      this.flushing = false;
      this.idleWaiters.splice(0).forEach((resolve) => resolve());
    }
  }

  private take() {
    let rows = 0;
    let count = 0;
    while (
      count < this.queue.length &&
      (count === 0 || rows + this.queue[count].batch.records.length <= this.maxRowsPerFlush)
    ) {
      rows += this.queue[count].batch.records.length;
      count += 1;
    }
    return this.queue.splice(0, count);
  }
}
