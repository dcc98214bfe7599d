import { Injectable } from '@nestjs/common';
import { MetricsService } from '../metrics/metrics.service';
import { oncePerScrape } from '../metrics/once-per-scrape';
import { BACKFILL_STATUSES } from './backfill-job.entity';
import { BackfillJobsRepository } from './backfill-jobs.repository';

/**
 * The backfill module's gauges, read at scrape time from the jobs table. Registered from here, so
 * that metrics/ never imports backfill/ (which records its counters there).
 */
@Injectable()
export class BackfillMetricsService {
  constructor(metrics: MetricsService, backfills: BackfillJobsRepository) {
    this.registerBackfills(metrics, backfills);
  }

  private registerBackfills(metrics: MetricsService, backfills: BackfillJobsRepository) {
    metrics.gauge('backfill_jobs', 'Backfill jobs, by status', ['status'], async (g) => {
      const counts = await backfills.countByStatus();
      for (const status of BACKFILL_STATUSES) g.set({ status }, counts.get(status) ?? 0);
    });
    const read = oncePerScrape(() => backfills.activeProgress());
    metrics.gauge(
      'backfill_conversations_done',
      'Conversations whose messages the active backfill of the website has read completely',
      ['website_id'],
      async (g) => {
        for (const job of await read()) g.set({ website_id: job.websiteId }, job.conversationsDone);
      },
    );
    metrics.gauge(
      'backfill_messages_done',
      'Messages stored by the active backfill of the website',
      ['website_id'],
      async (g) => {
        for (const job of await read()) g.set({ website_id: job.websiteId }, job.messagesStored);
      },
    );
    metrics.gauge(
      'backfill_progress_ratio',
      'Share of the listed conversations done by the active backfill (0 while it still lists)',
      ['website_id'],
      async (g) => {
        for (const job of await read()) {
          const ratio =
            job.phase === 'listing'
              ? 0
              : job.conversationsListed === 0
                ? 1
                : job.conversationsDone / job.conversationsListed;
          g.set({ website_id: job.websiteId }, ratio);
        }
      },
    );
  }
}
