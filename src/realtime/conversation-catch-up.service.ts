import { Injectable } from '@nestjs/common';
import { ConversationSnapshotWriterService } from '../backfill/conversation-snapshot-writer.service';
import { ConversationSyncService } from '../backfill/conversation-sync.service';
import { ConversationMessagesRepository } from '../conversations/conversation-messages.repository';
import { ConversationsRepository } from '../conversations/conversations.repository';
import {
  conversationRecordFromCrisp,
  snapshotObservedAt,
} from '../conversations/crisp-record.mapper';
import { CrispApiError } from '../crisp/crisp-api-error';
import { CrispRestService, type ConversationSnapshot } from '../crisp/crisp-rest.service';

export interface CatchUpCounts {
  messages: number;
  messagesRemoved: number;
  conversationsRemoved: number;
}

/** A 404 for one conversation (not for the website: that is `not_subscribed`). */
const isGone = (error: unknown) => error instanceof CrispApiError && error.kind === 'not_found';

/**
 * What the catch-up does with the conversations Crisp lists as updated since a time: stores
 * their snapshots (ordered by what Crisp says of them, see `snapshotObservedAt`), re-reads their
 * messages back to that time, and applies what RTM would have told had it been connected:
 * a message Crisp no longer returns in the range re-read is removed, and so is a conversation
 * Crisp answers 404 for.
 */
@Injectable()
export class ConversationCatchUpService {
  constructor(
    private readonly crisp: CrispRestService,
    private readonly conversations: ConversationsRepository,
    private readonly messages: ConversationMessagesRepository,
    private readonly conversationSync: ConversationSyncService,
    private readonly snapshots: ConversationSnapshotWriterService,
  ) {}

  async catchUpListed(
    websiteId: string,
    listed: ConversationSnapshot,
    since: Date,
  ): Promise<CatchUpCounts> {
    const counts: CatchUpCounts = { messages: 0, messagesRemoved: 0, conversationsRemoved: 0 };
    await this.snapshots.store(
      listed.conversations.map((item) =>
        conversationRecordFromCrisp(item, snapshotObservedAt(item, listed), 'reconcile'),
      ),
      'reconcile',
    );
    for (const { session_id: sessionId } of listed.conversations) {
      try {
        const synced = await this.conversationSync.syncAllMessages(
          websiteId,
          sessionId,
          since.getTime(),
          'reconcile',
        );
        counts.messages += synced.stored;
        counts.messagesRemoved += await this.messages.markMissingRemoved(
          sessionId,
          synced.coverage,
          new Date(),
          'reconcile',
        );
      } catch (error) {
        if (!isGone(error)) throw error;
        // Removed between the listing and the read, or a 404 of the route itself: only the
        // conversation's own route can tell (one request, for a 404 only). If it is still
        // there, its messages were not re-read: the run fails, keeping its watermark.
        const removed = await this.confirmRemoved(websiteId, [sessionId]);
        if (removed === 0) throw error;
        counts.conversationsRemoved += removed;
      }
    }
    return counts;
  }

  /**
   * Conversations the mirror saw change since `since` but Crisp did not list: each is asked for
   * (one request each; normally there are none), stored if Crisp still has it, else removed.
   */
  async probeUnlisted(websiteId: string, since: Date, listed: string[]): Promise<number> {
    const unlisted = await this.conversations.changedSinceExcept(websiteId, since, listed);
    return this.confirmRemoved(websiteId, unlisted);
  }

  /** Asks Crisp for each conversation: stores the ones it has, removes the ones it 404s. */
  private async confirmRemoved(websiteId: string, sessionIds: string[]): Promise<number> {
    let removed = 0;
    for (const sessionId of sessionIds) {
      try {
        const sentAt = new Date();
        const conversation = await this.crisp.getConversation(websiteId, sessionId);
        await this.snapshots.store(
          [
            conversationRecordFromCrisp(
              conversation,
              snapshotObservedAt(conversation, { fresh: false, sentAt }),
              'reconcile',
            ),
          ],
          'reconcile',
        );
      } catch (error) {
        if (!isGone(error)) throw error;
        await this.markRemoved(websiteId, sessionId);
        removed += 1;
      }
    }
    return removed;
  }

  private markRemoved(websiteId: string, sessionId: string) {
    return this.conversations.markRemovedNow({
      session_id: sessionId,
      website_id: websiteId,
      observed_at: new Date().toISOString(),
      sync_source: 'reconcile',
    });
  }
}
