import { Injectable } from '@nestjs/common';
import { ConversationMessagesRepository } from '../conversations/conversation-messages.repository';
import { messageRecordsFromBatch } from '../conversations/crisp-record.mapper';
import { CrispRestService } from '../crisp/crisp-rest.service';
import { RefusalSplitterService } from '../set-aside/refusal-splitter.service';
import { nextPage, oldestTimestamp } from './conversation-message-pager';
import type { SyncSource } from '../conversations/sync-source';

/**
 * What one read of a conversation's messages saw of Crisp's history, so that what is stored
 * there but was not returned can be known removed (ConversationMessagesRepository).
 */
export interface MessageCoverage {
  /** Fingerprints Crisp returned. */
  fingerprints: number[];
  /** The oldest message time the read reached (ms), or null: it read the whole history. */
  from: number | null;
  /** The newest message time returned (ms), or null when none was. */
  through: number | null;
  /** When the newest batch was sent, if Crisp computed it then (not from its cache). */
  freshAt: Date | null;
  /** `timestamp_before` values asked for: a message on a boundary may be skipped by paging. */
  boundaries: number[];
}

/** Reads one conversation's messages from Crisp and stores them. */
@Injectable()
export class ConversationSyncService {
  constructor(
    private readonly crisp: CrispRestService,
    private readonly messages: ConversationMessagesRepository,
    private readonly refusals: RefusalSplitterService,
  ) {}

  /**
   * Pages back from the newest message until Crisp says none is left, or, with `stopAt` (ms),
   * until a batch reaches back to it (older messages are known to be stored).
   */
  async syncAllMessages(
    websiteId: string,
    sessionId: string,
    stopAt: number | null = null,
    source: SyncSource = 'backfill',
  ): Promise<{ stored: number; requests: number; coverage: MessageCoverage }> {
    const meter = { requests: 0 };
    const coverage: MessageCoverage = {
      fingerprints: [],
      from: null,
      through: null,
      freshAt: null,
      boundaries: [],
    };
    let stored = 0;
    let before: number | undefined;
    for (;;) {
      const batch = await this.crisp.getMessages(websiteId, sessionId, before, meter);
      const records = messageRecordsFromBatch(
        batch.messages,
        { websiteId, sessionId },
        batch.fresh ? batch.sentAt : null,
        source,
      );
      const refused = await this.refusals.store(records, (part) => this.messages.upsert(part), {
        door: source,
        kind: 'rest:message',
        payload: (record) => JSON.stringify(record),
      });
      stored += records.length - refused.length;
      if (before === undefined) {
        coverage.freshAt = batch.fresh ? batch.sentAt : null;
        coverage.through = records.reduce<number | null>(
          (max, record) => Math.max(max ?? 0, Date.parse(record.timestamp)),
          null,
        );
      }
      coverage.fingerprints.push(...records.map((record) => record.fingerprint));
      const page = nextPage(batch, stopAt, before);
      if (page.nextBefore === null) {
        if (batch.messages.length > 0 && oldestTimestamp(batch) === null) {
          // Messages without times say nothing about which stored ones are gone.
          coverage.through = null;
          coverage.freshAt = null;
        }
        const caughtUp = batch.history !== 'complete' && batch.messages.length > 0;
        coverage.from = caughtUp ? oldestTimestamp(batch) : null;
        return { stored, requests: meter.requests, coverage };
      }
      before = page.nextBefore;
      coverage.boundaries.push(before);
    }
  }
}
