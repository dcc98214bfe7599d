import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { WebsiteLockService } from '../backfill/website-lock.service';
import { AppConfig } from '../config/app-config';
import { runConcurrently } from '../common/run-concurrently';
import { CONVERSATIONS_PER_PAGE, CrispRestService } from '../crisp/crisp-rest.service';
import { MetricsService } from '../metrics/metrics.service';
import { catchUpFailureOf } from './catch-up-failure';
import { CatchUpWebsitesService } from './catch-up-websites.service';
import { ConversationCatchUpService } from './conversation-catch-up.service';
import { MirrorWriterService } from './mirror-writer.service';
import { RtmListenerService } from './rtm-listener.service';
import { SyncStateRepository } from './sync-state.repository';
import { WebsiteBackoff } from './website-backoff';

export interface ReconcileOutcome {
  websites: number;
  conversations: number;
  messages: number;
  /** Removals RTM would have told of: messages Crisp no longer returns, conversations it 404s. */
  removed: number;
  /** Websites whose catch-up failed in this run (each retried after a backoff of its own). */
  failed: number;
}

/** A run covers every website, or only those failing whose backoff has ended. */
type RunScope = 'all' | 'failing';

const RETRY_BASE_MS = 1_000;
const RETRY_MAX_MS = 60_000;

/**
 * Websites caught up at once (never more than `CRISP_CONCURRENCY`): enough that one hanging
 * website leaves room for the others, few enough that their lock connections (one each, outside
 * the pool) stay few.
 */
const WEBSITES_AT_ONCE = 4;

const WATERMARK_PREFIX = 'reconcile.watermark:';
const watermarkKey = (websiteId: string) => `${WATERMARK_PREFIX}${websiteId}`;

/**
 * RTM does not replay what it missed. After every (re)connect, at start-up and on a schedule,
 * this lists each website's conversations updated since the watermark minus a lookback, stores
 * them, re-reads their messages back to the start of that window and applies the removals found
 * there (ConversationCatchUpService). The watermark (persisted)
 * becomes the time the run started, so consecutive windows overlap and nothing falls between.
 *
 * Websites are caught up side by side (up to 4 at once) and each on its own: one
 * whose calls keep failing or hang holds one slot and never stops the others; it then waits a
 * backoff of its own (WebsiteBackoff) and is retried alone, at no cost to the healthy ones.
 */
@Injectable()
export class ReconcilerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReconcilerService.name);
  private running: Promise<ReconcileOutcome> | null = null;
  private again = false;
  private timer?: NodeJS.Timeout;
  private readonly backoff = new WebsiteBackoff();
  private failures = 0;
  private retryTimer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly config: AppConfig,
    private readonly crisp: CrispRestService,
    private readonly catchUp: ConversationCatchUpService,
    private readonly locks: WebsiteLockService,
    private readonly state: SyncStateRepository,
    private readonly writer: MirrorWriterService,
    private readonly rtm: RtmListenerService,
    private readonly websites: CatchUpWebsitesService,
    private readonly metrics: MetricsService,
  ) {
    rtm.onConnected(() => void this.reconcile('RTM (re)connected'));
  }

  onApplicationBootstrap() {
    const { reconcileIntervalMs, rtmEnabled } = this.config.realtime;
    if (!rtmEnabled) return;
    if (reconcileIntervalMs > 0) {
      // Only the RTM leader catches up on schedule: one instance spends the quota, not all.
      this.timer = setInterval(() => {
        if (this.rtm.leading) void this.reconcile('schedule');
      }, reconcileIntervalMs);
    }
  }

  onApplicationShutdown() {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.retryTimer);
  }

  /**
   * Runs a catch-up now (or right after the one under way); never rejects. A run of the failing
   * websites only is not queued behind one under way: that one schedules the next retry itself.
   */
  reconcile(reason: string, scope: RunScope = 'all'): Promise<ReconcileOutcome> {
    if (this.running) {
      if (scope === 'all') this.again = true;
      return this.running;
    }
    clearTimeout(this.retryTimer);
    const run = this.runAll(reason, scope)
      .then((outcome) => {
        this.failures = 0;
        this.retryFailingWebsites();
        return outcome;
      })
      .catch((error: unknown) => {
        // No list of websites, so no catch-up at all: try again soon, whatever the schedule says.
        const retryIn = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** this.failures);
        this.failures += 1;
        this.logger.warn(
          `Catch-up (${reason}) failed: ${String(error)}; retrying in ${retryIn} ms`,
        );
        this.retryIn(retryIn, () => void this.reconcile(`retry after: ${reason}`));
        return { websites: 0, conversations: 0, messages: 0, removed: 0, failed: 0 };
      })
      .finally(() => {
        this.running = null;
        if (this.again && !this.stopped) {
          this.again = false;
          void this.reconcile('requested during the previous run');
        }
      });
    this.running = run;
    return run;
  }

  async watermark(websiteId: string): Promise<Date | null> {
    const value = await this.state.get<string>(watermarkKey(websiteId));
    return value ? new Date(value) : null;
  }

  /** Every website's watermark, from the database: what any instance has caught up to. */
  async watermarks(): Promise<{ websiteId: string; watermark: Date }[]> {
    const values = await this.state.withPrefix<string>(WATERMARK_PREFIX);
    return [...values].map(([key, value]) => ({
      websiteId: key.slice(WATERMARK_PREFIX.length),
      watermark: new Date(value),
    }));
  }

  /** A failed website's retry, when its backoff ends (a run cut by the shutdown is not retried). */
  private retryFailingWebsites() {
    const dueAt = this.backoff.nextDueAt();
    if (dueAt === null) return;
    this.retryIn(Math.max(0, dueAt - Date.now()), () => {
      void this.reconcile('retry of failing websites', 'failing');
    });
  }

  private retryIn(delayMs: number, retry: () => void) {
    clearTimeout(this.retryTimer);
    if (!this.stopped) this.retryTimer = setTimeout(retry, delayMs);
  }

  private async runAll(reason: string, scope: RunScope): Promise<ReconcileOutcome> {
    const outcome = { websites: 0, conversations: 0, messages: 0, removed: 0, failed: 0 };
    let covered = this.backoff.failingWebsites();
    if (scope === 'all') {
      covered = await this.websites.current();
      this.backoff.retainOnly(covered);
    }
    const due = this.backoff.due(covered);
    const slots = Math.min(WEBSITES_AT_ONCE, this.config.crisp.concurrency);
    await runConcurrently(due, slots, async (websiteId) => {
      try {
        const done = await this.reconcileLocked(websiteId);
        if (!done) return;
        const failures = this.backoff.succeeded(websiteId);
        if (failures > 0) {
          this.logger.log(
            `Catch-up of website ${websiteId} works again after ${failures} failures`,
          );
        }
        outcome.websites += 1;
        outcome.conversations += done.conversations;
        outcome.messages += done.messages;
        outcome.removed += done.removed;
      } catch (error) {
        outcome.failed += 1;
        this.websiteFailed(websiteId, error);
      }
    });
    // A retry of failing websites says nothing more than their own lines (once per kind).
    if (scope === 'failing') return outcome;
    const failed = outcome.failed > 0 ? `; ${outcome.failed} of ${due.length} websites failed` : '';
    this.logger.log(
      `Catch-up (${reason}): ${outcome.conversations} conversations, ${outcome.messages} messages re-read, ${outcome.removed} removals found${failed}`,
    );
    return outcome;
  }

  /** Catches the website up under its lock; null when another instance is at it. */
  private async reconcileLocked(websiteId: string) {
    const lock = await this.locks.tryAcquire('reconcile', websiteId);
    if (!lock) return null;
    try {
      return await this.reconcileWebsite(websiteId);
    } finally {
      await lock.release();
    }
  }

  /** Counted every time, logged once per kind until the website works again. */
  private websiteFailed(websiteId: string, error: unknown) {
    const failure = catchUpFailureOf(error);
    const { retryInMs, newKind } = this.backoff.failed(websiteId, failure);
    this.metrics.catchUpFailed(websiteId, failure.kind);
    const line = `Catch-up of website ${websiteId} failed (${failure.kind}): ${String(error)}; retrying it in ${retryInMs} ms`;
    if (newKind)
      this.logger.warn(`${line} (failures of this kind are not logged again until it works)`);
    else this.logger.debug(line);
  }

  private async reconcileWebsite(websiteId: string) {
    const startedAt = new Date();
    const previous = (await this.watermark(websiteId)) ?? startedAt;
    const since = new Date(previous.getTime() - this.config.realtime.reconcileLookbackMs);
    let conversations = 0;
    let messages = 0;
    let removed = 0;
    const listedIds: string[] = [];
    for (let page = 1; ; page += 1) {
      const listed = await this.crisp.listConversationsUpdatedSince(websiteId, page, since);
      const counts = await this.catchUp.catchUpListed(websiteId, listed, since);
      messages += counts.messages;
      removed += counts.messagesRemoved + counts.conversationsRemoved;
      listedIds.push(...listed.conversations.map((item) => item.session_id));
      conversations += listed.conversations.length;
      if (listed.conversations.length < CONVERSATIONS_PER_PAGE) break;
    }
    removed += await this.catchUp.probeUnlisted(websiteId, since, listedIds);
    await this.state.set(watermarkKey(websiteId), startedAt.toISOString());
    if (this.writer.gapSince && this.writer.gapSince < startedAt) this.writer.gapSince = null;
    return { conversations, messages, removed };
  }
}
