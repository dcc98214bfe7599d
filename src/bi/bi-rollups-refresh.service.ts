import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { BiRollupsRepository } from './bi-rollups.repository';

/** Conversations per refresh statement: a few hundred milliseconds of work at most. */
const BATCH_SIZE = 500;

/**
 * Keeps the BI rollups current: every BI_ROLLUP_REFRESH_MS, refreshes the queued conversations
 * until none is left. Every instance tries; the database lets one refresh at a time. Nothing is
 * lost while it fails (the queue stays, in the database): the daily views only trail further,
 * so a failure is logged once and tried again at the next tick.
 */
@Injectable()
export class BiRollupsRefreshService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(BiRollupsRefreshService.name);
  private timer?: NodeJS.Timeout;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;
  private failing = false;
  private refreshed = 0;

  constructor(
    private readonly config: AppConfig,
    private readonly rollups: BiRollupsRepository,
    metrics: MetricsService,
  ) {
    metrics.counterFrom(
      'bi_rollup_conversations_refreshed_total',
      'Conversations whose BI rollups this instance recomputed',
      [],
      () => [{ labels: {}, value: this.refreshed }],
    );
    metrics.gauge(
      'bi_rollup_queue_depth',
      'Changes waiting for their BI rollups (the daily BI views trail the tables by these)',
      [],
      async (g) => g.set(await this.rollups.queued()),
    );
  }

  onApplicationBootstrap() {
    if (this.config.realtime.biRollupRefreshMs > 0) this.schedule();
  }

  async onApplicationShutdown() {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule() {
    this.timer = setTimeout(() => {
      this.running = this.drain().finally(() => {
        if (!this.stopped) this.schedule();
      });
    }, this.config.realtime.biRollupRefreshMs);
  }

  private async drain() {
    try {
      for (let n = await this.rollups.refresh(BATCH_SIZE); n > 0 && !this.stopped;) {
        this.refreshed += n;
        n = await this.rollups.refresh(BATCH_SIZE);
      }
      if (this.failing) this.logger.log('BI rollups refresh again');
      this.failing = false;
    } catch (error) {
      if (!this.failing) {
        this.logger.warn(
          `BI rollups not refreshed (${error instanceof Error ? error.message : 'unknown error'}); the daily BI views trail the tables until it does; it tries again`,
        );
      }
      this.failing = true;
    }
  }
}
