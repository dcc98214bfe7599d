import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { buildUpsertStatement, newestPerKey, runUpsert } from './batched-upsert';
import type { MessageRecord, UpsertOutcome } from './conversation-records';
import { ConversationMessage } from './conversation-message.entity';
import { ConversationsRepository } from './conversations.repository';
import { messageCountSql, messagePageSql, type MessagePageQuery } from './read-queries';
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
    return this.dataSource.transaction((manager) => this.upsertWithin(manager, records));
  }

  /** The same, inside a caller's transaction (to commit messages and a checkpoint together). */
  async upsertWithin(manager: EntityManager, records: MessageRecord[]): Promise<UpsertOutcome> {
    const batch = newestPerKey(records, (record) => `${record.session_id}/${record.fingerprint}`);
    const stubs = batch.map(({ session_id, website_id, sync_source }) => ({
      session_id,
      website_id,
      sync_source,
    }));
    await this.conversations.ensureExist(stubs, manager);
    return runUpsert(manager, this.upsertStatement, batch);
  }

  /** The newest stored message time of a conversation (ms), to stop paging back at it. */
  async newestTimestamp(sessionId: string): Promise<number | null> {
    const rows: { newest: Date | null }[] = await this.dataSource.query(
      `SELECT max("timestamp") AS newest FROM conversation_messages WHERE session_id = $1`,
      [sessionId],
    );
    return rows[0].newest ? rows[0].newest.getTime() : null;
  }

  async findPage(query: MessagePageQuery): Promise<Record<string, unknown>[]> {
    const { text, values } = messagePageSql(this.selectList, query);
    return this.dataSource.query(text, values);
  }

  async count(sessionId: string): Promise<number> {
    const { text, values } = messageCountSql(sessionId);
    const rows: { total: string }[] = await this.dataSource.query(text, values);
    return Number(rows[0].total);
  }
}
