import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { MetricsService, secondsSince } from '../metrics/metrics.service';
import { dataRefusalState } from '../database/database-refusal';
import { freshEntitiesOf, type MirrorChange } from './mirror-change';
import { EntityFreshnessService } from '../freshness/entity-freshness.service';
import { IngestFirstGate } from '../database/ingest-first-gate';
import { SetAsideService } from '../set-aside/set-aside.service';
import { MirrorBatchApplier, type CreatedConversation } from './mirror-batch-applier.service';

/** Where a change came from: what is set aside if PostgreSQL refuses it is the whole event. */
export interface ChangeOrigin {
  door: 'rtm' | 'webhook';
  event: string;
  /** The event's payload as JSON text (the raw body, for a Web Hook). */
  payload: () => string;
  /** Set once one of its changes was set aside: the event is kept once, not once per change. */
  setAside?: boolean;
  /** The event's approximate size (its payload's UTF-8 JSON), counted against MIRROR_BUFFER_BYTES. */
  bytes?: number;
}

/** What became of an event's changes: all committed, or one at least refused and set aside. */
export type WriteResult = 'committed' | 'set-aside';

type Pending = {
  change: MirrorChange;
  origin: ChangeOrigin;
  /** The event's bytes, carried by its first change only (an event is counted once). */
  bytes: number;
  queuedAt: number;
  settle: (result: WriteResult | Error) => void;
};

/** Raised for events refused because the buffer is full: the reconciler fills the gap later. */
export class MirrorBufferFullError extends Error {}

/** Raised for events that arrive once shutdown has begun: they are not acknowledged. */
export class MirrorClosingError extends Error {}

const RETRY_BASE_MS = 100;
const RETRY_MAX_MS = 5_000;
/** How long a shutdown keeps trying to write what is buffered before giving up on it. */
const SHUTDOWN_FLUSH_MS = 20_000;

/**
 * The one line every event door ends in: changes are queued, flushed in micro-batches (at
 * `MIRROR_BATCH_SIZE` changes or after `MIRROR_FLUSH_MS`), and written in one transaction each.
 * A flush that fails to reach the database is retried with backoff, its changes kept at the head
 * of the queue; nothing is acknowledged before it is committed. A batch PostgreSQL refuses for its
 * data is split in halves until the refused change is alone: that one is set aside with its event,
 * the rest commit, so one bad payload never wedges the line. A full buffer (`MIRROR_BUFFER_LIMIT`
 * changes or `MIRROR_BUFFER_BYTES`) refuses new events and records a gap.
 */
@Injectable()
export class MirrorWriterService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(MirrorWriterService.name);
  private queue: Pending[] = [];
  private queuedBytes = 0;
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> | null = null;
  private failures = 0;
  private retryIn = 0;
  private closing = false;
  private lastCommitAt = Date.now();
  private createdListener: (created: { websiteId: string; sessionId: string }[]) => void = () =>
    undefined;
  /** Set when changes were refused; the reconciler reads and clears it. */
  gapSince: Date | null = null;

  constructor(
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly applier: MirrorBatchApplier,
    private readonly metrics: MetricsService,
    private readonly setAside: SetAsideService,
    private readonly ingestFirst: IngestFirstGate,
    private readonly freshness: EntityFreshnessService,
  ) {}

  /** Called after a commit with the conversations that commit created (to fetch their metadata). */
  onConversationsCreated(listener: (created: { websiteId: string; sessionId: string }[]) => void) {
    this.createdListener = listener;
  }

  get depth(): number {
    return this.queue.length;
  }

  /** Approximate bytes of the events whose changes wait (see MIRROR_BUFFER_BYTES). */
  get bytes(): number {
    return this.queuedBytes;
  }

  /**
   * How long changes have waited without any commit (0 when none wait): the oldest one's wait,
   * or the time since the last commit, whichever is shorter.
   */
  get stalledMs(): number {
    if (this.queue.length === 0) return 0;
    return Date.now() - Math.max(this.queue[0].queuedAt, this.lastCommitAt);
  }

  /** Resolves once every change is committed or set aside. */
  write(changes: MirrorChange[], origin: ChangeOrigin): Promise<WriteResult> {
    if (this.closing) {
      return Promise.reject(new MirrorClosingError('shutting down; not stored'));
    }
    const bytes = changes.length > 0 ? (origin.bytes ?? 0) : 0;
    if (this.full(changes.length, bytes)) {
      this.gapSince ??= new Date();
      return Promise.reject(
        new MirrorBufferFullError('mirror buffer full; the reconciler will catch up'),
      );
    }
    const queuedAt = Date.now();
    this.queuedBytes += bytes;
    const written = changes.map(
      (change, index) =>
        new Promise<WriteResult>((resolve, reject) =>
          this.queue.push({
            change,
            origin,
            bytes: index === 0 ? bytes : 0,
            queuedAt,
            settle: (result) => (result instanceof Error ? reject(result) : resolve(result)),
          }),
        ),
    );
    this.ingestFirst.noteIngest();
    this.schedule();
    return Promise.all(written).then((results) =>
      results.includes('set-aside') ? 'set-aside' : 'committed',
    );
  }

  /**
   * Past either bound, in changes or in bytes, an event is refused whole. An event larger than the
   * byte bound by itself still goes into an empty buffer: refused, it could never be stored.
   */
  private full(changes: number, bytes: number): boolean {
    const { bufferLimit, bufferBytes } = this.config.realtime;
    if (this.queue.length + changes > bufferLimit) return true;
    return this.queuedBytes > 0 && this.queuedBytes + bytes > bufferBytes;
  }

  /** Refuses new changes, then writes every buffered one (retrying) before the database closes. */
  async beforeApplicationShutdown() {
    this.closing = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    const buffered = this.queue.length;
    const deadline = Date.now() + SHUTDOWN_FLUSH_MS;
    while (this.queue.length > 0 && Date.now() < deadline) {
      await this.flush();
      if (this.failures > 0) await new Promise((resolve) => setTimeout(resolve, this.retryIn));
    }
    if (this.queue.length > 0) {
      this.logger.error(
        `Shutdown: ${this.queue.length} buffered changes could not be written; the reconciler will catch up at the next start`,
      );
    } else if (buffered > 0) {
      this.logger.log(`Shutdown: flushed ${buffered} buffered changes`);
    }
  }

  private schedule(delay = this.config.realtime.flushMs) {
    if (this.flushing || this.timer || this.closing) return;
    const full = this.queue.length >= this.config.realtime.batchSize;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        void this.flush();
      },
      full ? 0 : delay,
    );
  }

  /** Writes the next batch, or waits for the one being written. */
  private flush(): Promise<void> {
    if (!this.flushing && this.queue.length > 0) {
      this.flushing = this.writeNextBatch().finally(() => {
        this.flushing = null;
        if (this.queue.length > 0) this.schedule(this.retryIn);
      });
    }
    return this.flushing ?? Promise.resolve();
  }

  private async writeNextBatch() {
    const batch = this.queue.slice(0, this.config.realtime.batchSize);
    const done = new Set<Pending>();
    try {
      await this.commitOrSplit(batch, done);
      this.failures = 0;
      this.retryIn = 0;
    } catch (error) {
      this.metrics.batchFailed();
      this.failures += 1;
      this.retryIn = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.min(this.failures, 10));
      this.logger.warn(
        `Write of ${batch.length - done.size} changes failed (${String(error)}); retrying in ${this.retryIn} ms`,
      );
    } finally {
      if (done.size > 0) {
        this.queue = this.queue.filter((pending) => !done.has(pending));
        for (const pending of done) this.queuedBytes -= pending.bytes;
      }
    }
  }

  /**
   * Commits `batch`, or, refused for its data, each half in turn (in order, so patches of one key
   * keep their order). Rejects only for a failure a retry may cure; what committed before it is
   * in `done`.
   */
  private async commitOrSplit(batch: Pending[], done: Set<Pending>): Promise<void> {
    const started = performance.now();
    let created: CreatedConversation[];
    try {
      created = await this.dataSource.transaction((manager) =>
        this.applier.apply(
          manager,
          batch.map((pending) => pending.change),
        ),
      );
    } catch (error) {
      const refusal = dataRefusalState(error);
      if (refusal === null) throw error;
      this.metrics.batchFailed();
      if (batch.length > 1) {
        const middle = Math.ceil(batch.length / 2);
        await this.commitOrSplit(batch.slice(0, middle), done);
        await this.commitOrSplit(batch.slice(middle), done);
        return;
      }
      await this.setAsideRefused(batch[0], refusal, error);
      done.add(batch[0]);
      batch[0].settle('set-aside');
      return;
    }
    this.metrics.batchWritten(batch.length, secondsSince(started));
    this.lastCommitAt = Date.now();
    this.freshness.noteEvents(freshEntitiesOf(batch.map((pending) => pending.change)));
    for (const pending of batch) {
      done.add(pending);
      pending.settle('committed');
    }
    if (created.length > 0) this.createdListener(created);
  }

  private async setAsideRefused(pending: Pending, state: string, error: unknown) {
    const { origin } = pending;
    if (origin.setAside) return;
    const message = error instanceof Error ? error.message : String(error);
    await this.setAside.record({
      door: origin.door,
      event: origin.event,
      reason: 'database_refused',
      detail: `${state}: ${message}`.slice(0, 1000),
      payload: origin.payload(),
    });
    origin.setAside = true;
  }
}
