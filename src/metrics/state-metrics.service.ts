import { Injectable } from '@nestjs/common';
import { CrispRestService } from '../crisp/crisp-rest.service';
import { EntityFreshnessService } from '../freshness/entity-freshness.service';
import { MetricsService } from './metrics.service';
import { oncePerScrape } from './once-per-scrape';

/**
 * Metrics read at scrape time from state the service keeps anyway (in memory or in PostgreSQL),
 * so that none of them costs anything between scrapes (the realtime module registers its own:
 * RealtimeMetricsService, and the backfill module, BackfillMetricsService). The database reads are a few indexed
 * queries per scrape.
 */
@Injectable()
export class StateMetricsService {
  constructor(metrics: MetricsService, crisp: CrispRestService, freshness: EntityFreshnessService) {
    metrics.counterFrom(
      'crisp_rest_calls_total',
      'Crisp REST calls made by this instance (retries included), by route template and status (ok, or the failure status)',
      ['route', 'status'],
      () =>
        Object.entries(crisp.stats.snapshot()).flatMap(([route, byStatus]) =>
          Object.entries(byStatus).map(([status, value]) => ({ labels: { route, status }, value })),
        ),
    );
    this.registerQuota(metrics, crisp);
    this.registerFreshness(metrics, freshness);
  }

  private registerFreshness(metrics: MetricsService, freshness: EntityFreshnessService) {
    const seconds = (date: Date) => date.getTime() / 1000;
    metrics.gauge(
      'entity_last_event_timestamp_seconds',
      'When this instance last stored an event for the entity (ratings, change log, operators…), Unix seconds; absent until one',
      ['entity'],
      (g) => {
        for (const { entity, lastEventAt } of freshness.snapshot())
          if (lastEventAt) g.set({ entity }, seconds(lastEventAt));
      },
    );
    metrics.gauge(
      'entity_last_refresh_timestamp_seconds',
      'When this instance last refreshed the entity from the Crisp REST API, Unix seconds; absent until once',
      ['entity'],
      (g) => {
        for (const { entity, lastRefreshAt } of freshness.snapshot())
          if (lastRefreshAt) g.set({ entity }, seconds(lastRefreshAt));
      },
    );
  }

  private registerQuota(metrics: MetricsService, crisp: CrispRestService) {
    const read = oncePerScrape(() => crisp.quotaToday());
    metrics.gauge(
      'crisp_quota_used',
      "Crisp requests taken from today's (UTC) daily budget by every instance",
      [],
      async (g) => g.set((await read()).used),
    );
    metrics.gauge(
      'crisp_quota_left',
      "Crisp requests left in today's (UTC) daily budget (CRISP_DAILY_REQUEST_BUDGET)",
      [],
      async (g) => {
        const { used, dailyBudget } = await read();
        g.set(Math.max(0, dailyBudget - used));
      },
    );
  }
}
