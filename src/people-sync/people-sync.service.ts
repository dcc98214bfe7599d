import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { WebsiteLockService } from '../backfill/website-lock.service';
import { AppConfig } from '../config/app-config';
import { CrispApiError } from '../crisp/crisp-api-error';
import { CrispBudgetExhaustedError } from '../crisp/crisp-budget-exhausted.error';
import { CrispRestService } from '../crisp/crisp-rest.service';
import { EntityFreshnessService } from '../freshness/entity-freshness.service';
import { CatchUpWebsitesService } from '../realtime/catch-up-websites.service';
import type { MirrorChange } from '../realtime/mirror-change';
import { CrispEventIngestService } from '../realtime/crisp-event-ingest.service';
import { SyncStateRepository } from '../realtime/sync-state.repository';
import { peopleRecordOf } from '../people/people-profile.mapper';
import { PeopleRepository } from '../people/people.repository';

/** Where a website's first import stands: the next page to read, or done. */
interface ImportState {
  nextPage: number;
  done: boolean;
}

const importKey = (websiteId: string) => `people.import:${websiteId}`;
/** After a failure other than a spent budget, the import or refresh is tried again this late. */
const RETRY_MS = 5 * 60_000;
/** Profiles waiting to be read, at most; past it the newest hints are dropped (and counted). */
const MAX_WAITING = 10_000;

/**
 * Contact profiles: every website's profiles read once, page by page (resumable: the next page is
 * kept in sync_state), then each profile read again when an event tells it changed
 * (`people:profile:*`, `people:bind:session`), gathered for PEOPLE_REFRESH_DEBOUNCE_MS so that a
 * burst costs one read per profile. Crisp's date filter on profiles applies to creation only
 * (UNVERIFIED), so events are the change feed. Every read is taken from the people share of
 * the daily budget (CRISP_PEOPLE_BUDGET_SHARE): once it is spent, people wait for the next day,
 * and the message mirror, whose budget they never touch beyond their share, goes on.
 */
@Injectable()
export class PeopleSyncService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PeopleSyncService.name);
  private readonly waiting = new Map<string, Set<string>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private flushTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  dropped = 0;

  constructor(
    private readonly config: AppConfig,
    private readonly crisp: CrispRestService,
    private readonly people: PeopleRepository,
    private readonly state: SyncStateRepository,
    private readonly websites: CatchUpWebsitesService,
    private readonly locks: WebsiteLockService,
    private readonly freshness: EntityFreshnessService,
    ingest: CrispEventIngestService,
  ) {
    ingest.onStored((changes) => this.noteChanged(changes));
  }

  private get enabled(): boolean {
    const { identifier, key, peopleDailyBudget } = this.config.crisp;
    return Boolean(identifier && key) && peopleDailyBudget > 0;
  }

  onApplicationBootstrap() {
    if (this.enabled) this.later(() => this.importAll(), 0);
  }

  onApplicationShutdown() {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    if (this.flushTimer) clearTimeout(this.flushTimer);
  }

  /** Imports every website not imported yet; one instance per website at a time. */
  async importAll() {
    for (const websiteId of await this.websites.current()) {
      if (this.stopped) return;
      const lock = await this.locks.tryAcquire('people', websiteId);
      if (!lock) continue;
      try {
        await this.importWebsite(websiteId);
      } catch (error) {
        this.failed(`Import of people of website ${websiteId}`, error, () => this.importAll());
        return;
      } finally {
        await lock.release();
      }
    }
  }

  private async importWebsite(websiteId: string) {
    const state = (await this.state.get<ImportState>(importKey(websiteId))) ?? {
      nextPage: 1,
      done: false,
    };
    for (let page = state.nextPage; !state.done && !this.stopped; page += 1) {
      const profiles = await this.crisp.listPeopleProfiles(websiteId, page);
      const records = (Array.isArray(profiles) ? profiles : []).flatMap((profile) => {
        const record = peopleRecordOf(websiteId, profile);
        return record ? [record] : [];
      });
      await this.people.upsertProfiles(records);
      const done = !Array.isArray(profiles) || profiles.length === 0;
      await this.state.set(importKey(websiteId), { nextPage: page + 1, done });
      this.freshness.noteRefresh('people');
      if (done) {
        this.logger.log(`People of website ${websiteId} imported (${page - 1} pages)`);
        return;
      }
    }
  }

  private noteChanged(changes: MirrorChange[]) {
    if (!this.enabled) return;
    for (const change of changes) {
      if (change.kind !== 'people-hint' || change.hint.removed) continue;
      const { website_id, people_id } = change.hint;
      const ids = this.waiting.get(website_id) ?? new Set<string>();
      if (!ids.has(people_id) && this.waitingCount() >= MAX_WAITING) {
        this.dropped += 1;
        continue;
      }
      this.waiting.set(website_id, ids.add(people_id));
    }
    if (this.waiting.size > 0 && !this.flushTimer && !this.stopped) {
      this.flushTimer = setTimeout(() => {
        this.flushTimer = null;
        void this.refreshWaiting();
      }, this.config.crisp.peopleRefreshDebounceMs);
      this.flushTimer.unref();
    }
  }

  /** Reads each waiting profile once; what cannot be read now waits for the next attempt. */
  async refreshWaiting() {
    for (const [websiteId, ids] of this.waiting) {
      for (const peopleId of ids) {
        if (this.stopped) return;
        try {
          const record = peopleRecordOf(
            websiteId,
            await this.crisp.getPeopleProfile(websiteId, peopleId),
          );
          if (record) await this.people.upsertProfiles([record]);
        } catch (error) {
          if (!(error instanceof CrispApiError && error.kind === 'not_found')) {
            this.failed('Refresh of people profiles', error, () => this.refreshWaiting());
            return;
          }
        }
        ids.delete(peopleId);
        this.freshness.noteRefresh('people');
      }
      this.waiting.delete(websiteId);
    }
  }

  private waitingCount(): number {
    let count = 0;
    for (const ids of this.waiting.values()) count += ids.size;
    return count;
  }

  /** A spent budget waits for the next UTC day; any other failure is tried again later. */
  private failed(what: string, error: unknown, retry: () => Promise<void>) {
    const exhausted = error instanceof CrispBudgetExhaustedError;
    const delay = exhausted ? error.resumesAt.getTime() - Date.now() : RETRY_MS;
    this.logger.warn(
      `${what} paused (${exhausted ? 'its share of the daily budget is spent' : String(error)}); resuming in ${Math.round(delay / 1000)} s`,
    );
    this.later(retry, delay);
  }

  private later(run: () => Promise<void>, delayMs: number) {
    if (this.stopped) return;
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        run().catch((error: unknown) => this.logger.warn(`People sync: ${String(error)}`));
      },
      Math.max(0, delayMs),
    );
    timer.unref();
    this.timers.add(timer);
  }
}
