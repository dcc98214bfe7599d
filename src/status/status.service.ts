import { Injectable } from '@nestjs/common';
import { version } from '../../package.json';
import { BackfillService } from '../backfill/backfill.service';
import { CrispRestService } from '../crisp/crisp-rest.service';
import { CrispEventIngestService } from '../realtime/crisp-event-ingest.service';
import { ReconcilerService } from '../realtime/reconciler.service';
import { RtmListenerService } from '../realtime/rtm-listener.service';
import { EntityFreshnessService } from '../freshness/entity-freshness.service';
import { iso, summarizeBackfill, type StatusReport } from './status-report';

/** Enough jobs to see what runs and what just finished, without the page growing forever. */
const BACKFILL_JOBS_SHOWN = 10;

/** Reads the state every other part already keeps; owns none of its own. */
@Injectable()
export class StatusService {
  private readonly startedAt = new Date(Date.now() - process.uptime() * 1000);

  constructor(
    private readonly rtm: RtmListenerService,
    private readonly ingest: CrispEventIngestService,
    private readonly reconciler: ReconcilerService,
    private readonly crisp: CrispRestService,
    private readonly backfill: BackfillService,
    private readonly freshness: EntityFreshnessService,
  ) {}

  async report(now = new Date()): Promise<StatusReport> {
    const [watermarks, quota, jobs] = await Promise.all([
      this.reconciler.watermarks(),
      this.crisp.quotaToday(),
      this.backfill.recent(BACKFILL_JOBS_SHOWN),
    ]);
    return {
      generatedAt: now.toISOString(),
      instance: {
        startedAt: this.startedAt.toISOString(),
        version,
        leader: this.isLeader(),
      },
      rtm: {
        state: this.rtm.state,
        connectedAt: iso(this.rtm.connectedAt),
        lastEventAt: iso(this.ingest.lastEventAt),
      },
      reconciler: {
        websites: watermarks.map(({ websiteId, watermark }) => ({
          websiteId,
          watermark: watermark.toISOString(),
          ageSeconds: Math.max(0, Math.round((now.getTime() - watermark.getTime()) / 1000)),
        })),
      },
      events: {
        perMinute: this.ingest.rate.lastMinute(),
        totalByType: Object.fromEntries(this.ingest.counts),
      },
      quota: {
        day: quota.day,
        usedToday: quota.used,
        dailyBudget: quota.dailyBudget,
        left: Math.max(0, quota.dailyBudget - quota.used),
        callsThisInstance: this.crisp.stats.total(),
      },
      backfill: { jobs: jobs.map(summarizeBackfill) },
      freshness: this.freshness.snapshot().map(({ entity, lastEventAt, lastRefreshAt }) => ({
        entity,
        lastEventAt: iso(lastEventAt),
        lastRefreshAt: iso(lastRefreshAt),
      })),
    };
  }

  /** Null when RTM is off; false for a standby while another instance holds RTM. */
  private isLeader(): boolean | null {
    return this.rtm.state === 'disabled' ? null : this.rtm.leading;
  }
}
