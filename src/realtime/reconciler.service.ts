import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { WebsiteLockService } from '../backfill/website-lock.service';
import { AppConfig } from '../config/app-config';
import { CONVERSATIONS_PER_PAGE, CrispRestService } from '../crisp/crisp-rest.service';
import { ConversationCatchUpService } from './conversation-catch-up.service';
import { MirrorWriterService } from './mirror-writer.service';
import { RtmListenerService } from './rtm-listener.service';
import { SyncStateRepository } from './sync-state.repository';

export interface ReconcileOutcome {
  websites: number;
  conversations: number;
  messages: number;
  /** Removals RTM would have told of: messages Crisp no longer returns, conversations it 404s. */
  removed: number;
}

const RETRY_BASE_MS = 1_000;
const RETRY_MAX_MS = 60_000;

const WATERMARK_PREFIX = 'reconcile.watermark:';
const watermarkKey = (websiteId: string) => `${WATERMARK_PREFIX}${websiteId}`;

/**
 * RTM does not replay what it missed. After every (re)connect, at start-up and on a schedule,
 * this lists each website's conversations updated since the watermark minus a lookback, stores
 * them, re-reads their messages back to the start of that window and applies the removals found
 * there (ConversationCatchUpService). The watermark (persisted)
 * becomes the time the run started, so consecutive windows overlap and nothing falls between.
 */
@Injectable()
export class ReconcilerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReconcilerService.name);
  private running: Promise<ReconcileOutcome> | null = null;
  private again = false;
  private timer?: NodeJS.Timeout;
  private knownWebsites: string[] | null = null;
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

  /** Runs a catch-up now (or right after the one under way); never rejects. */
  reconcile(reason: string): Promise<ReconcileOutcome> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const run = this.runAll(reason)
      .then((outcome) => {
        this.failures = 0;
        return outcome;
      })
      .catch((error: unknown) => {
        // A failed catch-up leaves a gap: try again soon, whatever the schedule says.
        const retryIn = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** this.failures);
        this.failures += 1;
        this.logger.warn(
          `Catch-up (${reason}) failed: ${String(error)}; retrying in ${retryIn} ms`,
        );
        clearTimeout(this.retryTimer);
        // A run cut short by the shutdown is not retried: the next start catches up.
        if (!this.stopped) {
          this.retryTimer = setTimeout(
            () => void this.reconcile(`retry after: ${reason}`),
            retryIn,
          );
        }
        return { websites: 0, conversations: 0, messages: 0, removed: 0 };
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

  private async runAll(reason: string): Promise<ReconcileOutcome> {
    const outcome = { websites: 0, conversations: 0, messages: 0, removed: 0 };
    for (const websiteId of await this.websites()) {
      const lock = await this.locks.tryAcquire('reconcile', websiteId);
      if (!lock) continue;
      try {
        const done = await this.reconcileWebsite(websiteId);
        outcome.websites += 1;
        outcome.conversations += done.conversations;
        outcome.messages += done.messages;
        outcome.removed += done.removed;
      } finally {
        await lock.release();
      }
    }
    this.logger.log(
      `Catch-up (${reason}): ${outcome.conversations} conversations, ${outcome.messages} messages re-read, ${outcome.removed} removals found`,
    );
    return outcome;
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

  private async websites(): Promise<string[]> {
    if (this.config.realtime.websiteIds) return this.config.realtime.websiteIds;
    if (this.knownWebsites) return this.knownWebsites;
    const websites: string[] = [];
    for (let page = 1; ; page += 1) {
      const batch = await this.crisp.listPluginWebsites(page);
      websites.push(
        ...batch.flatMap((website) => (website.website_id ? [website.website_id] : [])),
      );
      if (batch.length === 0) break;
    }
    this.knownWebsites = websites;
    return websites;
  }
}
