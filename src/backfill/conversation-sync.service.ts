import { Injectable } from '@nestjs/common';
import { ConversationMessagesRepository } from '../conversations/conversation-messages.repository';
import { messageRecordsFromBatch } from '../conversations/crisp-record.mapper';
import { CrispRestService } from '../crisp/crisp-rest.service';
import { nextPage } from './conversation-message-pager';
import type { SyncSource } from '../conversations/sync-source';

/** Reads one conversation's messages from Crisp and stores them. */
@Injectable()
export class ConversationSyncService {
  constructor(
    private readonly crisp: CrispRestService,
    private readonly messages: ConversationMessagesRepository,
  ) {}

  /**
   * Pages back from the newest message until Crisp says none is left, or, with `stopAt` (ms), until a batch
   * reaches back to it (older messages are known to be stored).
   */
  async syncAllMessages(
    websiteId: string,
    sessionId: string,
    stopAt: number | null = null,
    source: SyncSource = 'backfill',
  ): Promise<{ stored: number; requests: number }> {
    const meter = { requests: 0 };
    let stored = 0;
    let before: number | undefined;
    for (;;) {
      const batch = await this.crisp.getMessages(websiteId, sessionId, before, meter);
      const records = messageRecordsFromBatch(
        batch.messages,
        { websiteId, sessionId },
        new Date(),
        source,
      );
      await this.messages.upsert(records);
      stored += records.length;
      const page = nextPage(batch, stopAt);
      if (page.nextBefore === null) return { stored, requests: meter.requests };
      before = page.nextBefore;
    }
  }
}
