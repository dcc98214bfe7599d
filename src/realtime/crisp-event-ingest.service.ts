import { Injectable, Logger } from '@nestjs/common';
import { MetricsService, secondsSince } from '../metrics/metrics.service';
import { ConversationMetadataService } from './conversation-metadata.service';
import { mirrorChangesOf } from './crisp-event.mapper';
import type { CrispEvent } from './crisp-events';
import { EventRateCounter } from './event-rate-counter';
import { MirrorWriterService } from './mirror-writer.service';

/** Where RTM and Web Hooks hand their events: map, write, then say what was synced. */
@Injectable()
export class CrispEventIngestService {
  private readonly logger = new Logger('CrispRtmService');
  lastEventAt: Date | null = null;
  readonly counts = new Map<string, number>();
  readonly rate = new EventRateCounter();

  constructor(
    private readonly writer: MirrorWriterService,
    metadata: ConversationMetadataService,
    private readonly metrics: MetricsService,
  ) {
    writer.onConversationsCreated((created) =>
      created.forEach(
        ({ websiteId, sessionId }) => void metadata.fetch(websiteId, sessionId, 'rtm'),
      ),
    );
  }

  /** Resolves when the event's changes are committed; rejects if they could not be queued. */
  async ingest(event: CrispEvent): Promise<void> {
    const receivedAt = performance.now();
    this.lastEventAt = new Date();
    this.counts.set(event.name, (this.counts.get(event.name) ?? 0) + 1);
    this.rate.record();
    const changes = mirrorChangesOf(event);
    try {
      await this.writer.write(changes);
    } catch (error) {
      this.metrics.eventIngested(event.name, 'failed');
      throw error;
    }
    const outcome = changes.length > 0 ? 'stored' : 'ignored';
    this.metrics.eventIngested(event.name, outcome, secondsSince(receivedAt));
    this.logSynced(event);
  }

  /** The seed's log lines, which users already watch for. */
  private logSynced(event: CrispEvent) {
    if (event.name === 'session:request:initiated') {
      this.logger.log(`New conversation started: ${event.payload.session_id}`);
    } else if (event.name === 'message:send') {
      this.logger.log(`Synced visitor message: ${event.payload.fingerprint}`);
    } else if (event.name === 'message:received') {
      this.logger.log(`Synced operator message: ${event.payload.fingerprint}`);
    }
  }
}
