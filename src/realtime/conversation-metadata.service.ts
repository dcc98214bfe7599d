import { Injectable, Logger } from '@nestjs/common';
import { ConversationsRepository } from '../conversations/conversations.repository';
import {
  conversationRecordFromCrisp,
  snapshotObservedAt,
} from '../conversations/crisp-record.mapper';
import type { SyncSource } from '../conversations/sync-source';
import { CrispRestService } from '../crisp/crisp-rest.service';

/**
 * A conversation first seen through an event is a placeholder; one REST call fills in its
 * metadata. Requests for the same conversation while one is under way share it.
 */
@Injectable()
export class ConversationMetadataService {
  private readonly logger = new Logger(ConversationMetadataService.name);
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(
    private readonly crisp: CrispRestService,
    private readonly conversations: ConversationsRepository,
  ) {}

  fetch(websiteId: string, sessionId: string, source: SyncSource): Promise<void> {
    const existing = this.inFlight.get(sessionId);
    if (existing) return existing;
    const sentAt = new Date();
    const work = this.crisp
      .getConversation(websiteId, sessionId)
      .then((conversation) =>
        // crisp-api hides the cache status: the copy counts as of its `updated_at` only.
        this.conversations.upsert([
          conversationRecordFromCrisp(
            conversation,
            snapshotObservedAt(conversation, { fresh: false, sentAt }),
            source,
          ),
        ]),
      )
      .then(
        () => undefined,
        (error: unknown) =>
          this.logger.warn(`Metadata of ${sessionId} not fetched: ${String(error)}`),
      )
      .finally(() => this.inFlight.delete(sessionId));
    this.inFlight.set(sessionId, work);
    return work;
  }
}
