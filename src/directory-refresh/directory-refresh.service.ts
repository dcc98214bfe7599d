import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { CrispBudgetExhaustedError, nextUtcMidnight } from '../crisp/crisp-budget-exhausted.error';
import { CrispRestService } from '../crisp/crisp-rest.service';
import { EntityFreshnessService, type FreshEntity } from '../freshness/entity-freshness.service';
import { CatchUpWebsitesService } from '../realtime/catch-up-websites.service';
import { CrispEventIngestService } from '../realtime/crisp-event-ingest.service';
import { RtmListenerService } from '../realtime/rtm-listener.service';
import { DirectoryHints } from './directory-hints';
import { readAvailabilities, readInboxes, readOperators } from './directory-listing.mapper';
import { DirectoryRepository, type InboxRecord } from '../directory/directory.repository';
import { OperatorAvailabilityRepository } from '../directory/operator-availability.repository';

/** What a refresh reads: the operator list, every inbox page, the availability snapshot. */
export const DIRECTORY_PARTS = ['operators', 'inboxes', 'availability'] as const;
export type DirectoryPart = (typeof DIRECTORY_PARTS)[number];

/** The table each part refreshes, as the status page and `/metrics` name it. */
const FRESH_ENTITY_OF: Record<DirectoryPart, FreshEntity> = {
  operators: 'operators',
  inboxes: 'inboxes',
  availability: 'operator_availability',
};

/**
 * The share of the day's budget kept for the message mirror's own calls (catch-up, metadata
 * reads, backfills): the directory is a convenience, the messages are the service's purpose.
 */
const RESERVED_SHARE = 0.1;
/** No inbox list is read past this many pages, whatever Crisp answers (20 000 inboxes). */
const MAX_INBOX_PAGES = 1_000;

export type RefreshOutcome = 'done' | 'paused' | 'skipped';

/**
 * Keeps `operators`, `inboxes` and `operator_availability` current from Crisp's REST listings,
 * for the websites the catch-up covers: everything at start (the RTM leader's first connection,
 * or bootstrap without RTM), operators and inboxes every `DIRECTORY_REFRESH_MS`, the
 * availability snapshot after every RTM (re)connect (events missed while it was down), and a
 * website's listings again when an event names an inbox or operator not stored. With RTM on,
 * only the leader refreshes, so instances do not each spend the quota.
 *
 * Every request is counted against the daily budget by CrispRestService. Once the budget is
 * spent (or down to the share kept for the mirror) refreshes pause until the next UTC midnight;
 * the mirror never waits on them, since nothing in the event path calls this service.
 */
@Injectable()
export class DirectoryRefreshService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DirectoryRefreshService.name);
  private readonly hints: DirectoryHints;
  private timer?: NodeJS.Timeout;
  private resumeTimer?: NodeJS.Timeout;
  private pausedUntil: Date | null = null;
  /** What was asked while paused, run once the budget is renewed. */
  private readonly pausedParts = new Set<DirectoryPart>();
  private chain: Promise<unknown> = Promise.resolve();
  private connectedBefore = false;
  private stopped = false;

  constructor(
    private readonly config: AppConfig,
    private readonly crisp: CrispRestService,
    private readonly websites: CatchUpWebsitesService,
    private readonly rtm: RtmListenerService,
    private readonly directory: DirectoryRepository,
    private readonly availability: OperatorAvailabilityRepository,
    @InjectDataSource() private readonly dataSource: DataSource,
    ingest: CrispEventIngestService,
    private readonly freshness: EntityFreshnessService,
  ) {
    this.hints = new DirectoryHints(config.realtime.directoryHintDelayMs, (websiteId, parts) => {
      void this.refresh(`an event named an unknown ${parts.join(' and ')}`, parts, [websiteId]);
    });
    ingest.onStored((changes) => this.hints.observe(changes));
    // Bound now, before RTM can connect: the first connection is this instance's start as leader.
    rtm.onConnected(() => {
      if (!this.enabled) return;
      const first = !this.connectedBefore;
      this.connectedBefore = true;
      void this.refresh(
        first ? 'start' : 'RTM reconnected',
        first ? [...DIRECTORY_PARTS] : ['availability'],
      );
    });
  }

  private get enabled(): boolean {
    const { crisp, realtime } = this.config;
    return realtime.directorySyncEnabled && Boolean(crisp.identifier && crisp.key);
  }

  /** Whether this instance is the one to spend the quota on the directory. */
  private get responsible(): boolean {
    return !this.config.realtime.rtmEnabled || this.rtm.leading;
  }

  onApplicationBootstrap() {
    if (!this.enabled) return;
    const { rtmEnabled, directoryRefreshMs } = this.config.realtime;
    if (!rtmEnabled) void this.refresh('start', [...DIRECTORY_PARTS]);
    if (directoryRefreshMs > 0) {
      this.timer = setInterval(() => {
        if (this.responsible) void this.refresh('schedule', ['operators', 'inboxes']);
      }, directoryRefreshMs);
    }
  }

  onApplicationShutdown() {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.resumeTimer);
    this.hints.stop();
  }

  /**
   * Reads `parts` for `websiteIds` (default: the catch-up's websites) after any refresh under
   * way, so two never overlap; never rejects.
   */
  refresh(
    reason: string,
    parts: readonly DirectoryPart[],
    websiteIds?: string[],
  ): Promise<RefreshOutcome> {
    const run = this.chain.then(() => this.run(reason, parts, websiteIds));
    this.chain = run.catch(() => undefined);
    return run.catch((error: unknown) => {
      this.logger.warn(`Directory refresh (${reason}) failed: ${String(error)}`);
      return 'skipped' as const;
    });
  }

  private async run(
    reason: string,
    parts: readonly DirectoryPart[],
    websiteIds?: string[],
  ): Promise<RefreshOutcome> {
    if (this.stopped || !this.enabled) return 'skipped';
    if (await this.budgetTooLow()) {
      this.pauseUntil(nextUtcMidnight(new Date()), reason, parts);
      return 'paused';
    }
    const websites = websiteIds ?? (await this.websites.current());
    const done = new Set(parts);
    for (const websiteId of websites) {
      // A shutdown stops the refresh between listings: the database is about to close.
      if (this.stopped) return 'skipped';
      for (const part of parts) {
        try {
          await this.refreshPart(websiteId, part);
        } catch (error) {
          if (error instanceof CrispBudgetExhaustedError) {
            this.pauseUntil(error.resumesAt, reason, parts);
            return 'paused';
          }
          done.delete(part);
          // The message names the route and Crisp's status only: never an answer's content.
          this.logger.warn(
            `Directory refresh of ${part} for website ${websiteId} failed: ${String(error)}`,
          );
        }
      }
    }
    if (!websiteIds) for (const part of done) this.freshness.noteRefresh(FRESH_ENTITY_OF[part]);
    return 'done';
  }

  private async refreshPart(websiteId: string, part: DirectoryPart) {
    if (part === 'operators') {
      const listing = listOrThrow(await this.crisp.listWebsiteOperators(websiteId), part);
      const { rows, skipped } = readOperators(websiteId, listing);
      await this.directory.replaceOperators(websiteId, rows, new Date());
      this.hints.know(
        websiteId,
        'operators',
        rows.map((row) => row.user_id),
      );
      this.noteRead(websiteId, part, rows.length, skipped);
    } else if (part === 'inboxes') {
      const { rows, skipped } = await this.readAllInboxes(websiteId);
      await this.directory.replaceInboxes(websiteId, rows, new Date());
      this.hints.know(
        websiteId,
        'inboxes',
        rows.map((row) => row.inbox_id),
      );
      this.noteRead(websiteId, part, rows.length, skipped);
    } else {
      const readAt = new Date();
      const listing = listOrThrow(await this.crisp.listOperatorAvailabilities(websiteId), part);
      const { rows, skipped } = readAvailabilities(websiteId, listing, readAt);
      await this.dataSource.transaction((manager) => this.availability.apply(manager, rows));
      this.noteRead(websiteId, part, rows.length, skipped);
    }
  }

  /** Page after page to the empty one; a failed page fails the whole listing (nothing removed). */
  private async readAllInboxes(websiteId: string) {
    const rows = new Map<string, InboxRecord>();
    let skipped = 0;
    for (let page = 1; page <= MAX_INBOX_PAGES; page += 1) {
      const answer = listOrThrow(await this.crisp.listInboxes(websiteId, page), 'inboxes');
      const read = readInboxes(websiteId, answer);
      skipped += read.skipped;
      if (read.rows.length === 0 && read.skipped === 0) break;
      for (const row of read.rows) rows.set(row.inbox_id, row);
    }
    return { rows: [...rows.values()], skipped };
  }

  /** Counts only: the entries themselves (the operator list holds tokens) are never logged. */
  private noteRead(websiteId: string, part: DirectoryPart, stored: number, skipped: number) {
    this.logger.debug(`Directory refresh of ${part} for website ${websiteId}: ${stored} stored`);
    if (skipped > 0) {
      this.logger.warn(
        `Directory refresh of ${part} for website ${websiteId}: ${skipped} entries without an id left out`,
      );
    }
  }

  /** Whether the day's shared budget is down to the share kept for the mirror. */
  private async budgetTooLow(): Promise<boolean> {
    if (this.pausedUntil && Date.now() < this.pausedUntil.getTime()) return true;
    const { used, dailyBudget } = await this.crisp.quotaToday();
    return used >= dailyBudget * (1 - RESERVED_SHARE);
  }

  /** Logs the pause once, and runs what was asked once the budget is renewed. */
  private pauseUntil(resumesAt: Date, reason: string, parts: readonly DirectoryPart[]) {
    if (!this.pausedUntil || this.pausedUntil.getTime() !== resumesAt.getTime()) {
      this.logger.warn(
        `Directory refresh paused: Crisp daily request budget spent (or down to the ${RESERVED_SHARE * 100} % kept for the message mirror); resuming at ${resumesAt.toISOString()}`,
      );
    }
    this.pausedUntil = resumesAt;
    if (this.stopped) return;
    parts.forEach((part) => this.pausedParts.add(part));
    clearTimeout(this.resumeTimer);
    this.resumeTimer = setTimeout(
      () => {
        const wanted = DIRECTORY_PARTS.filter((part) => this.pausedParts.has(part));
        this.pausedParts.clear();
        void this.refresh(`budget renewed after: ${reason}`, wanted);
      },
      Math.max(0, resumesAt.getTime() - Date.now()) + 1_000,
    );
  }
}

/**
 * Crisp's answer, if it is a list. Anything else fails the listing: read as an empty list, it
 * would mark every stored operator or inbox removed.
 */
function listOrThrow(answer: unknown, part: DirectoryPart): unknown[] {
  if (Array.isArray(answer)) return answer as unknown[];
  throw new Error(`Crisp answered the ${part} listing with something other than a list`);
}
