import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ConversationRecord } from '../conversations/conversation-records';
import { ConversationsRepository } from '../conversations/conversations.repository';
import type { SyncSource } from '../conversations/sync-source';
import { RefusalSplitterService } from '../set-aside/refusal-splitter.service';

/**
 * Stores conversation snapshots a REST door read (the backfill's listing, the catch-up). One that
 * PostgreSQL refuses for its data is set aside whole and kept as a placeholder row, so that its
 * messages are still read and stored.
 */
@Injectable()
export class ConversationSnapshotWriterService {
  constructor(
    private readonly conversations: ConversationsRepository,
    private readonly refusals: RefusalSplitterService,
  ) {}

  /**
   * Within `manager`'s transaction, each attempt runs in a savepoint: a refused part must not
   * abort the transaction the rest commits in.
   */
  async store(records: ConversationRecord[], door: SyncSource, manager?: EntityManager) {
    const refused = await this.refusals.store(
      records,
      (part) =>
        manager
          ? manager.transaction((inner) => this.conversations.upsert(part, inner))
          : this.conversations.upsert(part),
      { door, kind: 'rest:conversation', payload: (record) => JSON.stringify(record) },
    );
    await this.conversations.ensureExist(
      refused.map(({ session_id, website_id }) => ({ session_id, website_id, sync_source: door })),
      manager,
    );
  }
}
