import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { buildUpsertStatement, newestPerKey, runUpsert } from './batched-upsert';
import type { MessageRecord, UpsertOutcome } from './conversation-records';
import { ConversationMessage } from './conversation-message.entity';
import { ConversationsRepository } from './conversations.repository';
import { selectListFor } from './select-list';

const MESSAGE_COLUMNS: Record<keyof MessageRecord, string> = {
  session_id: 'text',
  website_id: 'text',
  fingerprint: 'bigint',
  type: 'text',
  from: 'text',
  origin: 'text',
  content: 'text',
  user_id: 'text',
  user_nickname: 'text',
  preview: 'jsonb',
  mentions: 'jsonb',
  read: 'text',
  delivered: 'text',
  stamped: 'boolean',
  edited: 'boolean',
  timestamp: 'timestamptz',
  raw: 'jsonb',
  observed_at: 'timestamptz',
  sync_source: 'text',
};

export interface MessagePageQuery {
  sessionId: string;
  limit: number;
  offset?: number;
  /** Keyset: only messages after this (timestamp, fingerprint); the list runs oldest first. */
  after?: { timestamp: string; fingerprint: string };
}

@Injectable()
export class ConversationMessagesRepository {
  private readonly upsertStatement = buildUpsertStatement({
    table: 'conversation_messages',
    columns: MESSAGE_COLUMNS,
    conflictColumns: ['session_id', 'fingerprint'],
  });
  private readonly selectList: string;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly conversations: ConversationsRepository,
  ) {
    this.selectList = selectListFor(dataSource.getMetadata(ConversationMessage), ['raw']);
  }

  /**
   * Idempotent, order-guarded batch upsert. A message whose conversation is not stored yet
   * creates a placeholder for it in the same transaction, so no message is ever refused.
   */
  upsert(records: MessageRecord[]): Promise<UpsertOutcome> {
    if (records.length === 0) return Promise.resolve({ inserted: 0, updated: 0, stale: 0 });
    const batch = newestPerKey(records, (record) => `${record.session_id}/${record.fingerprint}`);
    return this.dataSource.transaction(async (manager) => {
      const stubs = batch.map(({ session_id, website_id, sync_source }) => ({
        session_id,
        website_id,
        sync_source,
      }));
      await this.conversations.ensureExist(stubs, manager);
      return runUpsert(manager, this.upsertStatement, batch);
    });
  }

  findPage(query: MessagePageQuery): Promise<Record<string, unknown>[]> {
    const parameters: unknown[] = [query.sessionId];
    const where = ['session_id = $1', 'deleted_at IS NULL'];
    if (query.after) {
      parameters.push(query.after.timestamp, query.after.fingerprint);
      where.push('("timestamp", fingerprint) > ($2::timestamptz, $3::bigint)');
    }
    parameters.push(query.limit, query.offset ?? 0);
    return this.dataSource.query(
      `SELECT ${this.selectList} FROM conversation_messages WHERE ${where.join(' AND ')}
       ORDER BY "timestamp", fingerprint
       LIMIT $${parameters.length - 1} OFFSET $${parameters.length}`,
      parameters,
    );
  }

  async count(sessionId: string): Promise<number> {
    const rows: { total: string }[] = await this.dataSource.query(
      `SELECT count(*) AS total FROM conversation_messages
       WHERE session_id = $1 AND deleted_at IS NULL`,
      [sessionId],
    );
    return Number(rows[0].total);
  }
}
