import { Injectable } from '@nestjs/common';
import { ConversationMessagesRepository } from '../conversations/conversation-messages.repository';
import { messageRecordsFromBatch } from '../conversations/crisp-record.mapper';
import { CrispRestService } from '../crisp/crisp-rest.service';
import { nextPage } from './conversation-message-pager';

/** Reads one conversation's messages from Crisp, all of them, and stores them. */
@Injectable()
export class ConversationSyncService {
  constructor(
    private readonly crisp: CrispRestService,
    private readonly messages: ConversationMessagesRepository,
  ) {}

  async syncAllMessages(
    websiteId: string,
    sessionId: string,
  ): Promise<{ stored: number; requests: number }> {
    const meter = { requests: 0 };
    let stored = 0;
    let before: number | undefined;
    for (;;) {
      const batch = await this.crisp.getMessages(websiteId, sessionId, before, meter);
      const records = messageRecordsFromBatch(
        batch,
        { websiteId, sessionId },
        new Date(),
        'backfill',
      );
      await this.messages.upsert(records);
      stored += records.length;
      const page = nextPage(batch, null);
      if (page.nextBefore === null) return { stored, requests: meter.requests };
      before = page.nextBefore;
    }
  }
}
