import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export type EventOutcome = 'stored' | 'failed' | 'ignored' | 'set_aside';

/** Nothing a scrape reads from the database may hold the scrape longer than this. */
const COLLECT_TIMEOUT_MS = 2_000;

/** Seconds elapsed since `started` (a `performance.now()` reading). */
export function secondsSince(started: number): number {
  return (performance.now() - started) / 1000;
}

/**
 * The service's Prometheus metrics, in a registry of its own (several applications may share a
 * process, as the tests do). Hot paths only bump a counter or observe a histogram; everything
 * that already exists as state elsewhere is read when Prometheus scrapes (see StateMetricsService).
 * Labels stay low-cardinality: event types, outcomes, route patterns, website ids.
 */
@Injectable()
export class MetricsService implements OnApplicationShutdown {
  private readonly logger = new Logger(MetricsService.name);
  readonly registry = new Registry();
  private readonly failingCollectors = new Set<string>();

  private readonly events = new Counter({
    name: 'crisp_events_total',
    help: 'Crisp events received (RTM and Web Hooks), by type and outcome (stored, failed, ignored, set_aside)',
    labelNames: ['type', 'outcome'] as const,
    registers: [this.registry],
  });

  private readonly setAside = new Counter({
    name: 'crisp_events_set_aside_total',
    help: 'Crisp events kept whole in set_aside_events instead of stored, by event and reason',
    labelNames: ['event', 'reason'] as const,
    registers: [this.registry],
  });

  private readonly eventToRow = new Histogram({
    name: 'crisp_event_to_row_seconds',
    help: 'Time from receiving a Crisp event to the commit of its rows',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });

  private readonly batchSize = new Histogram({
    name: 'mirror_write_batch_size',
    help: 'Changes written per mirror transaction (micro-batch)',
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000],
    registers: [this.registry],
  });

  private readonly writeSeconds = new Histogram({
    name: 'mirror_write_seconds',
    help: 'Duration of one mirror write transaction (committed batches only)',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  private readonly writeFailures = new Counter({
    name: 'mirror_write_failures_total',
    help: 'Mirror write transactions that failed (retried with backoff)',
    registers: [this.registry],
  });

  private readonly catchUpFailures = new Counter({
    name: 'reconciler_website_failures_total',
    help: 'Catch-up runs of one website that failed, by website and kind (a Crisp failure kind, database_unreachable, …)',
    labelNames: ['website_id', 'kind'] as const,
    registers: [this.registry],
  });

  private readonly httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'Requests this service answered, by method, route pattern (never the URL) and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  onApplicationShutdown() {
    this.registry.clear();
  }

  /** `seconds`: from receipt to commit (only stored events have rows to time). */
  eventIngested(type: string, outcome: EventOutcome, seconds?: number) {
    this.events.inc({ type, outcome });
    if (outcome === 'stored' && seconds !== undefined) this.eventToRow.observe(seconds);
  }

  eventSetAside(event: string, reason: string) {
    this.setAside.inc({ event, reason });
  }

  batchWritten(size: number, seconds: number) {
    this.batchSize.observe(size);
    this.writeSeconds.observe(seconds);
  }

  batchFailed() {
    this.writeFailures.inc();
  }

  catchUpFailed(websiteId: string, kind: string) {
    this.catchUpFailures.inc({ website_id: websiteId, kind });
  }

  httpRequestServed(method: string, route: string, status: number) {
    this.httpRequests.inc({ method, route, status: String(status) });
  }

  /**
   * A gauge whose values are read at scrape time from state that exists anyway. A read that
   * fails or is too slow drops the gauge's values for that scrape instead of failing the scrape.
   */
  gauge<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    read: (gauge: Gauge<L>) => void | Promise<void>,
  ): Gauge<L> {
    const gauge: Gauge<L> = new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [this.registry],
      collect: () => this.collectSafely(name, gauge, () => read(gauge)),
    });
    return gauge;
  }

  /** A counter kept elsewhere (as a running total), copied in at scrape time. */
  counterFrom<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    read: () => { labels: Record<L, string>; value: number }[],
  ): Counter<L> {
    const counter: Counter<L> = new Counter<L>({
      name,
      help,
      labelNames,
      registers: [this.registry],
      collect: () =>
        this.collectSafely(name, counter, () => {
          for (const { labels, value } of read()) counter.inc(labels, value);
        }),
    });
    return counter;
  }

  private async collectSafely(
    name: string,
    metric: { reset(): void },
    read: () => void | Promise<void>,
  ) {
    metric.reset();
    try {
      await withTimeout(Promise.resolve(read()), COLLECT_TIMEOUT_MS);
      if (this.failingCollectors.delete(name)) this.logger.log(`Metric ${name} readable again`);
    } catch (error) {
      metric.reset();
      // Logged once per outage, not once per scrape.
      if (!this.failingCollectors.has(name)) {
        this.failingCollectors.add(name);
        this.logger.warn(`Metric ${name} not readable (${String(error)}); left out of scrapes`);
      }
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
