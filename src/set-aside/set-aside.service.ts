import { Injectable, Logger } from '@nestjs/common';
import { MetricsService } from '../metrics/metrics.service';
import { eventLabel } from '../crisp/crisp-known-events';
import { SetAsideEventsRepository, type SetAsideRow } from './set-aside-events.repository';

/** REST doors name what they read; those names are few, unlike event names a sender makes up. */
const REST_RECORD_KINDS: ReadonlySet<string> = new Set(['rest:conversation', 'rest:message']);

const labelOf = (event: string | null) =>
  event === null ? 'none' : REST_RECORD_KINDS.has(event) ? event : eventLabel(event);

/** A kind of set-aside is logged once an hour: a stream of one bad kind must not flood the log. */
const LOG_EVERY_MS = 3_600_000;

/**
 * Keeps what a door cannot store: whole, in `set_aside_events`, counted by event and reason
 * (`crisp_events_set_aside_total`) and logged once per kind and hour. Rejects only when the
 * database does not take the row, so the caller (a Web Hook) can answer 503 and be retried.
 */
@Injectable()
export class SetAsideService {
  private readonly logger = new Logger(SetAsideService.name);
  private readonly lastLogged = new Map<string, number>();

  constructor(
    private readonly rows: SetAsideEventsRepository,
    private readonly metrics: MetricsService,
  ) {}

  async record(row: SetAsideRow): Promise<void> {
    await this.rows.insert(row);
    const event = labelOf(row.event);
    this.metrics.eventSetAside(event, row.reason);
    const kind = `${row.door} ${event} ${row.reason}`;
    const now = Date.now();
    if (now - (this.lastLogged.get(kind) ?? -Infinity) >= LOG_EVERY_MS) {
      this.lastLogged.set(kind, now);
      // Names and reasons only: a payload may hold personal data.
      this.logger.warn(
        `Set aside a ${event} ${REST_RECORD_KINDS.has(event) ? 'record' : 'event'} from ${row.door} (${row.reason}); kept in set_aside_events, logged once an hour per kind`,
      );
    }
  }
}
