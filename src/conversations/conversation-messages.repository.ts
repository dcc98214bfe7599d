import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { READER_DATA_SOURCE } from '../database/reader-data-source';
import {
  buildUpsertStatement,
  columnArrays,
  columnArraysSource,
  newestPerKey,
  PatchApplier,
  runUpsert,
} from './batched-upsert';
import { MESSAGE_EVENT_COLUMNS, type MessagePatch, type Removal } from './conversation-patches';
import type { MessageRecord, UpsertOutcome } from './conversation-records';
import type { SyncSource } from './sync-source';
import { ConversationMessage } from './conversation-message.entity';
import { ConversationsRepository } from './conversations.repository';
import { messageCountSql, messagePageSql, type MessagePageQuery } from './read-queries';
import { selectListFor } from './select-list';

export const MESSAGE_COLUMNS: Record<keyof MessageRecord, string> = {
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
  translated: 'boolean',
  automated: 'boolean',
  timestamp: 'timestamptz',
  raw: 'jsonb',
  observed_at: 'timestamptz',
  sync_source: 'text',
};

/** How long before a fresh read a message must have been stored to count as missing from it. */
const FRESH_READ_MARGIN_MS = 2_000;

export const MESSAGE_UPSERT_TABLE = {
  table: 'conversation_messages',
  columns: MESSAGE_COLUMNS,
  conflictColumns: ['session_id', 'fingerprint'],
  eventColumns: [...MESSAGE_EVENT_COLUMNS],
};

@Injectable()
export class ConversationMessagesRepository {
  private readonly upsertStatement = buildUpsertStatement(MESSAGE_UPSERT_TABLE, {
    source: columnArraysSource(MESSAGE_COLUMNS, 1),
  });
  private readonly patches = new PatchApplier<MessagePatch>(
    'conversation_messages',
    { session_id: 'text', fingerprint: 'bigint' },
    MESSAGE_COLUMNS,
    (patch) => ({ session_id: patch.session_id, fingerprint: patch.fingerprint }),
  );
  private readonly selectList: string;

  /** `reader`: the read API's pool (its own connections, with a statement_timeout). */
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly conversations: ConversationsRepository,
    @InjectDataSource(READER_DATA_SOURCE) private readonly reader: DataSource = dataSource,
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

  /**
   * The same, inside a caller's transaction (to commit messages and a checkpoint together);
   * `conversationsEnsured` when the caller has already created their conversations.
   */
  async upsertWithin(
    manager: EntityManager,
    records: MessageRecord[],
    conversationsEnsured = false,
  ): Promise<UpsertOutcome> {
    // Flags Crisp left out are false (the columns are NOT NULL), whoever built the record.
    const flagged = records.map((record) => ({
      ...record,
      edited: record.edited ?? false,
      translated: record.translated ?? false,
      automated: record.automated ?? false,
    }));
    const batch = newestPerKey(flagged, (record) => `${record.session_id}/${record.fingerprint}`);
    if (conversationsEnsured) return this.runUpsert(manager, batch);
    const stubs = batch.map(({ session_id, website_id, sync_source }) => ({
      session_id,
      website_id,
      sync_source,
    }));
    await this.conversations.ensureExist(stubs, manager);
    return this.runUpsert(manager, batch);
  }

  private runUpsert(manager: EntityManager, batch: MessageRecord[]) {
    return runUpsert(manager, this.upsertStatement, batch, columnArrays(MESSAGE_COLUMNS, batch));
  }

  /**
   * An edit or a receipt can arrive before its message: it then lands on a placeholder row
   * (text, from the visitor, dated when the event came, known from no snapshot yet) which the
   * message itself fills in when it arrives, keeping the newer edited fields.
   */
  async ensurePlaceholders(manager: EntityManager, patches: (MessagePatch | Removal)[]) {
    const placeholders = patches.flatMap((patch) =>
      patch.fingerprint === undefined
        ? []
        : [
            {
              session_id: patch.session_id,
              website_id: patch.website_id,
              fingerprint: patch.fingerprint,
              timestamp: patch.observed_at,
              sync_source: patch.sync_source,
            },
          ],
    );
    if (placeholders.length === 0) return;
    await this.conversations.ensureExist(placeholders, manager);
    await manager.query(
      `INSERT INTO conversation_messages (session_id, website_id, fingerprint, type, "from", "timestamp", sync_source, observed_at)
       SELECT session_id, website_id, fingerprint, 'text', 'user', "timestamp", sync_source, '1970-01-01T00:00:00Z'
       FROM jsonb_to_recordset($1::jsonb)
         AS r(session_id text, website_id text, fingerprint bigint, "timestamp" timestamptz, sync_source text)
       ORDER BY session_id, fingerprint
       ON CONFLICT (session_id, fingerprint) DO NOTHING`,
      [JSON.stringify(placeholders)],
    );
  }

  /** Applies event changes (edits, receipts) field by field; see ensurePlaceholders. */
  async applyPatches(manager: EntityManager, patches: MessagePatch[]) {
    await this.patches.apply(manager, patches);
    await this.patches.replaceTwinTimes(manager, patches);
  }

  /** Crisp removed these messages: hide them (soft delete); nothing is erased. */
  async markRemoved(manager: EntityManager, removals: Removal[]) {
    if (removals.length === 0) return;
    await manager.query(
      `UPDATE conversation_messages t SET deleted_at = r.observed_at, sync_source = r.sync_source,
         synced_at = now(), updated_at = now()
       FROM jsonb_to_recordset($1::jsonb)
         AS r(session_id text, fingerprint bigint, observed_at timestamptz, sync_source text)
       WHERE t.session_id = r.session_id AND t.fingerprint = r.fingerprint AND t.deleted_at IS NULL`,
      [JSON.stringify(removals)],
    );
  }

  /**
   * Soft-deletes what a read of Crisp's history should have returned and did not: a stored
   * message inside the range the read covered (from its oldest message, or the whole history,
   * up to its newest), and, when Crisp computed the newest batch for that read, any message
   * stored a while before it was sent. Messages on a paging boundary are left alone (Crisp may
   * skip them, if its `timestamp_before` is exclusive and two share a time). Answers how many.
   */
  async markMissingRemoved(
    sessionId: string,
    seen: {
      fingerprints: number[];
      from: number | null;
      through: number | null;
      freshAt: Date | null;
      boundaries: number[];
    },
    observedAt: Date,
    source: SyncSource,
  ): Promise<number> {
    if (seen.through === null && seen.freshAt === null) return 0;
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    // TypeORM answers an UPDATE with [rows, affected].
    const [, affected]: [unknown[], number] = await this.dataSource.query(
      `UPDATE conversation_messages t SET deleted_at = $7, sync_source = $8,
         synced_at = now(), updated_at = now()
       WHERE t.session_id = $1 AND t.deleted_at IS NULL
         AND NOT (t.fingerprint = ANY($2::bigint[]))
         AND NOT (t."timestamp" = ANY($6::timestamptz[]))
         AND ($3::timestamptz IS NULL OR t."timestamp" >= $3)
         AND (t."timestamp" <= $4::timestamptz OR t.created_at < $5::timestamptz)`,
      [
        sessionId,
        seen.fingerprints,
        iso(seen.from),
        iso(seen.through),
        // Stored before the request left, with a margin for the database's clock.
        seen.freshAt ? new Date(seen.freshAt.getTime() - FRESH_READ_MARGIN_MS).toISOString() : null,
        seen.boundaries.map((ms) => new Date(ms).toISOString()),
        observedAt.toISOString(),
        source,
      ],
    );
    return affected;
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
    return this.reader.query(text, values);
  }

  async count(sessionId: string): Promise<number> {
    const { text, values } = messageCountSql(sessionId);
    const rows: { total: string }[] = await this.reader.query(text, values);
    return Number(rows[0].total);
  }
}
