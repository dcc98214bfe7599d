import { Injectable, Logger } from '@nestjs/common';
import { MetricsService, secondsSince } from '../metrics/metrics.service';
import { ConversationMetadataService } from './conversation-metadata.service';
import { mapCrispEvent } from './crisp-event.mapper';
import type { CrispEvent } from './crisp-events';
import { eventLabel } from '../crisp/crisp-known-events';
import { EventRateCounter } from './event-rate-counter';
import type { EventMapping, MirrorChange } from './mirror-change';
import { MirrorWriterService, type ChangeOrigin } from './mirror-writer.service';
import { SetAsideService } from '../set-aside/set-aside.service';
import { TwinEvents, withTwinTime } from './twin-events';

/** What became of one event, once it is safe to acknowledge. */
export type IngestOutcome = 'stored' | 'ignored' | 'set-aside';

/** Where RTM and Web Hooks hand their events: map, write (or set aside), then say what was synced. */
@Injectable()
export class CrispEventIngestService {
  private readonly logger = new Logger('CrispRtmService');
  lastEventAt: Date | null = null;
  readonly counts = new Map<string, number>();
  readonly rate = new EventRateCounter();
  private readonly twins = new TwinEvents();
  private readonly storedListeners: ((changes: MirrorChange[]) => void)[] = [];

  constructor(
    private readonly writer: MirrorWriterService,
    metadata: ConversationMetadataService,
    private readonly metrics: MetricsService,
    private readonly setAside: SetAsideService,
  ) {
    writer.onConversationsCreated((created) =>
      created.forEach(
        ({ websiteId, sessionId }) => void metadata.fetch(websiteId, sessionId, 'rtm'),
      ),
    );
  }

  /**
   * Called with an event's changes once they are committed: what other modules learn from the
   * events (the directory, of inboxes and operators it does not know yet) without a door calling them.
   */
  onStored(listener: (changes: MirrorChange[]) => void) {
    this.storedListeners.push(listener);
  }

  /**
   * Resolves once the event's changes are committed or the event is kept in set_aside_events;
   * rejects only if neither could be done (buffer full, shutting down, database unreachable).
   * `rawPayload`: the payload as it came (a Web Hook's body), kept if the event is set aside.
   */
  async ingest(delivered: CrispEvent, rawPayload?: string): Promise<IngestOutcome> {
    const receivedAt = performance.now();
    const event = withTwinTime(this.twins, delivered);
    const label = eventLabel(event.name);
    this.lastEventAt = new Date();
    this.counts.set(label, (this.counts.get(label) ?? 0) + 1);
    this.rate.record();
    const payload = () => rawPayload ?? JSON.stringify(event.payload) ?? 'null';
    // Measured now and not kept: holding the text of every buffered event would double its cost.
    const origin: ChangeOrigin = { door: event.door, event: event.name, payload, bytes: 0 };
    try {
      const mapping = mapOrSetAside(event);
      if (mapping.outcome === 'changes') origin.bytes = Buffer.byteLength(payload());
      const outcome = await this.apply(mapping, origin);
      this.metrics.eventIngested(
        label,
        outcome === 'set-aside' ? 'set_aside' : outcome,
        secondsSince(receivedAt),
      );
      if (outcome === 'stored') {
        this.logSynced(event);
        if (mapping.outcome === 'changes') this.tellStored(mapping.changes);
      }
      return outcome;
    } catch (error) {
      this.metrics.eventIngested(label, 'failed');
      throw error;
    }
  }

  private async apply(mapping: EventMapping, origin: ChangeOrigin): Promise<IngestOutcome> {
    if (mapping.outcome === 'ignored') return 'ignored';
    if (mapping.outcome === 'set-aside') {
      await this.setAside.record({
        door: origin.door,
        event: origin.event,
        reason: mapping.reason,
        detail: null,
        payload: origin.payload(),
      });
      return 'set-aside';
    }
    const written = await this.writer.write(mapping.changes, origin);
    return written === 'committed' ? 'stored' : 'set-aside';
  }

  private tellStored(changes: MirrorChange[]) {
    for (const listener of this.storedListeners) {
      try {
        listener(changes);
      } catch (error) {
        this.logger.warn(`A listener of stored events failed: ${String(error)}`);
      }
    }
  }

  /** The seed's log lines, which users already watch for. */
  private logSynced(event: CrispEvent) {
    const payload = event.payload as { session_id?: unknown; fingerprint?: unknown };
    if (event.name === 'session:request:initiated') {
      this.logger.log(`New conversation started: ${String(payload.session_id)}`);
    } else if (event.name === 'message:send') {
      this.logger.log(`Synced visitor message: ${String(payload.fingerprint)}`);
    } else if (event.name === 'message:received') {
      this.logger.log(`Synced operator message: ${String(payload.fingerprint)}`);
    }
  }
}

/** The mapper is total by construction and by test; should it ever throw, the event is kept. */
function mapOrSetAside(event: CrispEvent): EventMapping {
  try {
    return mapCrispEvent(event);
  } catch {
    return { outcome: 'set-aside', reason: 'mapper_error' };
  }
}
