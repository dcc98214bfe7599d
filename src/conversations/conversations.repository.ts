import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { READER_DATA_SOURCE } from '../database/reader-data-source';
import { buildUpsertStatement, newestPerKey, PatchApplier, runUpsert } from './batched-upsert';
import {
  CONVERSATION_EVENT_COLUMNS,
  DEVICE_MEMBER_COLUMNS,
  type ConversationPatch,
  type Removal,
} from './conversation-patches';
import type { ConversationRecord, UpsertOutcome } from './conversation-records';
import { Conversation } from './conversation.entity';
import {
  conversationCountSql,
  conversationPageSql,
  type ConversationPageQuery,
} from './read-queries';
import { selectListFor } from './select-list';

export const CONVERSATION_COLUMNS: Record<keyof ConversationRecord, string> = {
  session_id: 'text',
  website_id: 'text',
  inbox_id: 'text',
  people_id: 'text',
  state: 'text',
  status: 'smallint',
  is_blocked: 'boolean',
  is_verified: 'boolean',
  availability: 'text',
  active_now: 'boolean',
  active_last: 'timestamptz',
  assigned_user_id: 'text',
  participants: 'jsonb',
  mentions: 'jsonb',
  verifications: 'jsonb',
  compose: 'jsonb',
  unread_operator: 'integer',
  unread_visitor: 'integer',
  last_message: 'text',
  preview_message_type: 'text',
  preview_message_from: 'text',
  preview_message_excerpt: 'text',
  preview_message_fingerprint: 'bigint',
  waiting_since: 'timestamptz',
  meta_nickname: 'text',
  meta_email: 'text',
  meta_phone: 'text',
  meta_avatar: 'text',
  meta_ip: 'text',
  meta_origin: 'text',
  meta_subject: 'text',
  meta_address: 'text',
  meta_segments: 'jsonb',
  meta_data: 'jsonb',
  meta_device: 'jsonb',
  meta_connection: 'jsonb',
  created_at_crisp: 'timestamptz',
  updated_at_crisp: 'timestamptz',
  raw: 'jsonb',
  observed_at: 'timestamptz',
  sync_source: 'text',
};

const PATCHED_DEVICE_MEMBER_TYPES = Object.fromEntries(
  DEVICE_MEMBER_COLUMNS.map((column) => [column, 'jsonb']),
);

/** The minimum a message needs of its conversation before the conversation itself is read. */
export type ConversationStub = Pick<
  ConversationRecord,
  'session_id' | 'website_id' | 'sync_source'
>;

/** A stub knows nothing yet, so any real snapshot, however old, replaces it. */
const STUB_OBSERVED_AT = '1970-01-01T00:00:00.000Z';

@Injectable()
export class ConversationsRepository {
  private readonly upsertStatement = buildUpsertStatement({
    table: 'conversations',
    columns: CONVERSATION_COLUMNS,
    conflictColumns: ['session_id'],
    eventColumns: [...CONVERSATION_EVENT_COLUMNS, ...DEVICE_MEMBER_COLUMNS],
  });
  private readonly patches = new PatchApplier<ConversationPatch>(
    'conversations',
    { session_id: 'text' },
    { ...CONVERSATION_COLUMNS, ...PATCHED_DEVICE_MEMBER_TYPES },
    (patch) => ({ session_id: patch.session_id }),
  );
  private readonly selectList: string;

  /** `reader`: the read API's pool (its own connections, with a statement_timeout). */
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectDataSource(READER_DATA_SOURCE) private readonly reader: DataSource = dataSource,
  ) {
    this.selectList = selectListFor(dataSource.getMetadata(Conversation), ['raw']);
  }

  /** Idempotent, order-guarded batch upsert of full conversation snapshots. */
  upsert(records: ConversationRecord[], manager = this.dataSource.manager): Promise<UpsertOutcome> {
    const batch = newestPerKey(records, (record) => record.session_id);
    return runUpsert(manager, this.upsertStatement, batch);
  }

  /**
   * Creates a placeholder for each conversation not stored yet; never changes a stored one.
   * Answers the session ids it created.
   */
  async ensureExist(
    stubs: ConversationStub[],
    manager: EntityManager = this.dataSource.manager,
  ): Promise<string[]> {
    if (stubs.length === 0) return [];
    const unique = [...new Map(stubs.map((stub) => [stub.session_id, stub])).values()];
    const created: { session_id: string }[] = await manager.query(
      `INSERT INTO conversations (session_id, website_id, sync_source, observed_at)
       SELECT session_id, website_id, sync_source, $2::timestamptz
       FROM jsonb_to_recordset($1::jsonb) AS r(session_id text, website_id text, sync_source text)
       ORDER BY session_id
       ON CONFLICT (session_id) DO NOTHING
       RETURNING session_id`,
      [JSON.stringify(unique), STUB_OBSERVED_AT],
    );
    return created.map((row) => row.session_id);
  }

  /** Applies event changes field by field; the conversations must exist (see ensureExist). */
  async applyPatches(manager: EntityManager, patches: ConversationPatch[]) {
    await this.patches.apply(manager, patches);
    await this.patches.replaceTwinTimes(manager, patches);
  }

  /** Crisp removed these conversations: hide them and their messages (soft delete). */
  async markRemoved(manager: EntityManager, removals: Removal[]) {
    if (removals.length === 0) return;
    for (const table of ['conversations', 'conversation_messages']) {
      await manager.query(
        `UPDATE ${table} t SET deleted_at = r.observed_at, sync_source = r.sync_source,
           synced_at = now(), updated_at = now()
         FROM jsonb_to_recordset($1::jsonb) AS r(session_id text, observed_at timestamptz, sync_source text)
         WHERE t.session_id = r.session_id AND t.deleted_at IS NULL`,
        [JSON.stringify(removals)],
      );
    }
  }

  /**
   * Conversations of a website that the mirror knows changed since `since` (by their snapshot,
   * an event on one of their fields, or a message) but that are not among `listed`: a listing of
   * what Crisp updated since then should hold them, unless Crisp removed them.
   */
  async changedSinceExcept(websiteId: string, since: Date, listed: string[]): Promise<string[]> {
    const rows: { session_id: string }[] = await this.dataSource.query(
      `SELECT c.session_id FROM conversations c
       WHERE c.website_id = $1 AND c.deleted_at IS NULL AND NOT (c.session_id = ANY($3::text[]))
         AND (c.updated_at_crisp >= $2
           OR EXISTS (SELECT 1 FROM jsonb_each_text(c.field_observed_at) f
                      WHERE f.value::timestamptz >= $2)
           OR EXISTS (SELECT 1 FROM conversation_messages m
                      WHERE m.session_id = c.session_id AND m."timestamp" >= $2))`,
      [websiteId, since.toISOString(), listed],
    );
    return rows.map((row) => row.session_id);
  }

  /** `markRemoved` for one conversation, in a transaction of its own. */
  markRemovedNow(removal: Removal): Promise<void> {
    return this.dataSource.transaction((manager) => this.markRemoved(manager, [removal]));
  }

  async findPage(query: ConversationPageQuery): Promise<Record<string, unknown>[]> {
    const { text, values } = conversationPageSql(this.selectList, query);
    return this.reader.query(text, values);
  }

  async count(websiteId: string | undefined): Promise<number> {
    const { text, values } = conversationCountSql(websiteId);
    const rows: { total: string }[] = await this.reader.query(text, values);
    return Number(rows[0].total);
  }
}
