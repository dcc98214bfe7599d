import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { MirrorWriterService } from './mirror-writer.service';
import { ReconcilerService } from './reconciler.service';
import { RtmListenerService } from './rtm-listener.service';

/**
 * The realtime module's gauges, read at scrape time from state it keeps anyway. Registered from
 * here, so that metrics/ never imports realtime/ (realtime/ already records its counters there).
 */
@Injectable()
export class RealtimeMetricsService {
  constructor(
    private readonly config: AppConfig,
    metrics: MetricsService,
    writer: MirrorWriterService,
    rtm: RtmListenerService,
    reconciler: ReconcilerService,
  ) {
    metrics.gauge('mirror_buffer_depth', 'Changes waiting to be written to PostgreSQL', [], (g) =>
      g.set(writer.depth),
    );
    metrics.gauge(
      'mirror_buffer_bytes',
      'Approximate bytes (JSON payloads) of the events whose changes wait to be written',
      [],
      (g) => g.set(writer.bytes),
    );
    metrics.gauge(
      'rtm_connected',
      '1 while this instance holds a live Crisp RTM session',
      [],
      (g) => g.set(rtm.state === 'connected' ? 1 : 0),
    );
    this.registerWatermarks(metrics, reconciler);
  }

  private registerWatermarks(metrics: MetricsService, reconciler: ReconcilerService) {
    metrics.gauge(
      'reconciler_watermark_age_seconds',
      'Seconds since the point each website is caught up to by the reconciler (only while RTM is enabled)',
      ['website_id'],
      async (g) => {
        // Without RTM no catch-up runs, and an ever-growing age would only be noise.
        if (!this.config.realtime.rtmEnabled) return;
        const now = Date.now();
        for (const { websiteId, watermark } of await reconciler.watermarks()) {
          g.set({ website_id: websiteId }, Math.max(0, (now - watermark.getTime()) / 1000));
        }
      },
    );
  }
}
