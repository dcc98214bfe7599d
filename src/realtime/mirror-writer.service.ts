import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { ConversationMessagesRepository } from '../conversations/conversation-messages.repository';
import { ConversationsRepository } from '../conversations/conversations.repository';
import { MetricsService, secondsSince } from '../metrics/metrics.service';
import type { MirrorChange } from './crisp-event.mapper';

type Pending = { change: MirrorChange; settle: (error?: Error) => void };

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
 * A failed flush is retried with backoff, its changes kept at the head of the queue; nothing is
 * acknowledged before it is committed. A full buffer refuses new changes and records a gap.
 */
@Injectable()
export class MirrorWriterService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(MirrorWriterService.name);
  private queue: Pending[] = [];
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> | null = null;
  private failures = 0;
  private retryIn = 0;
  private closing = false;
  private createdListener: (created: { websiteId: string; sessionId: string }[]) => void = () =>
    undefined;
  /** Set when changes were refused; the reconciler reads and clears it. */
  gapSince: Date | null = null;

  constructor(
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly conversations: ConversationsRepository,
    private readonly messages: ConversationMessagesRepository,
    private readonly metrics: MetricsService,
  ) {}

  /** Called after a commit with the conversations that commit created (to fetch their metadata). */
  onConversationsCreated(listener: (created: { websiteId: string; sessionId: string }[]) => void) {
    this.createdListener = listener;
  }

  get depth(): number {
    return this.queue.length;
  }

  /** Resolves once every change is committed. */
  write(changes: MirrorChange[]): Promise<void> {
    if (this.closing) {
      return Promise.reject(new MirrorClosingError('shutting down; not stored'));
    }
    if (this.queue.length + changes.length > this.config.realtime.bufferLimit) {
      this.gapSince ??= new Date();
      return Promise.reject(
        new MirrorBufferFullError('mirror buffer full; the reconciler will catch up'),
      );
    }
    const committed = changes.map(
      (change) =>
        new Promise<void>((resolve, reject) =>
          this.queue.push({ change, settle: (error) => (error ? reject(error) : resolve()) }),
        ),
    );
    this.schedule();
    return Promise.all(committed).then(() => undefined);
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
    const started = performance.now();
    try {
      const created = await this.dataSource.transaction((manager) => this.apply(manager, batch));
      this.metrics.batchWritten(batch.length, secondsSince(started));
      this.queue.splice(0, batch.length);
      this.failures = 0;
      this.retryIn = 0;
      batch.forEach((pending) => pending.settle());
      if (created.length > 0) this.createdListener(created);
    } catch (error) {
      this.metrics.batchFailed();
      this.failures += 1;
      this.retryIn = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.min(this.failures, 10));
      this.logger.warn(
        `Write of ${batch.length} changes failed (${String(error)}); retrying in ${this.retryIn} ms`,
      );
    }
  }

  private async apply(manager: EntityManager, batch: Pending[]) {
    const changes = batch.map((pending) => pending.change);
    const of = <K extends MirrorChange['kind']>(kind: K) =>
      changes.filter(
        (change): change is Extract<MirrorChange, { kind: K }> => change.kind === kind,
      );
    const messages = of('message').map((change) => change.record);
    const stubs = [
      ...of('conversation').map((change) => change.stub),
      ...messages.map(({ session_id, website_id, sync_source }) => ({
        session_id,
        website_id,
        sync_source,
      })),
    ];
    const createdIds = new Set(await this.conversations.ensureExist(stubs, manager));
    if (messages.length > 0) await this.messages.upsertWithin(manager, messages, true);
    const messagePatches = of('message-patch').map((change) => change.patch);
    const messageRemovals = of('message-removed').map((change) => change.removal);
    await this.messages.ensurePlaceholders(manager, [...messagePatches, ...messageRemovals]);
    await this.messages.applyPatches(manager, messagePatches);
    await this.messages.markRemoved(manager, messageRemovals);
    await this.conversations.applyPatches(
      manager,
      of('conversation-patch').map((change) => change.patch),
    );
    await this.conversations.markRemoved(
      manager,
      of('conversation-removed').map((change) => change.removal),
    );
    return stubs
      .filter((stub) => createdIds.delete(stub.session_id))
      .map((stub) => ({ websiteId: stub.website_id, sessionId: stub.session_id }));
  }
}
