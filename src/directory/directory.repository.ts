import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** An operator as the refresh read it from the listing: never the token, which is not read. */
export interface OperatorRecord {
  website_id: string;
  user_id: string;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  display_name: string | null;
  role: string | null;
  title: string | null;
  avatar: string | null;
  availability: string | null;
  has_token: boolean | null;
}

export interface InboxRecord {
  website_id: string;
  inbox_id: string;
  name: string | null;
  emoji: string | null;
  sort_order: number | null;
  operators: unknown;
  conditions: unknown;
  created_at: string | null;
  updated_at: string | null;
}

/**
 * Every listed row is upserted with the refresh's time; a row the listing no longer names is
 * marked removed (only after a complete listing, so a failed page never removes anything), and
 * one named again is no longer.
 */
const UPSERT_OPERATORS = `
  INSERT INTO operators AS t (website_id, user_id, email, first_name, last_name, display_name,
    role, title, avatar, availability, has_token, refreshed_at, removed_at)
  SELECT website_id, user_id, email, first_name, last_name, display_name, role, title, avatar,
    availability, has_token, $2::timestamptz, NULL
  FROM jsonb_to_recordset($1::jsonb) AS r(website_id text, user_id text, email text,
    first_name text, last_name text, display_name text, role text, title text, avatar text,
    availability text, has_token boolean)
  ORDER BY website_id, user_id
  ON CONFLICT (website_id, user_id) DO UPDATE SET
    email = excluded.email, first_name = excluded.first_name, last_name = excluded.last_name,
    display_name = excluded.display_name, role = excluded.role, title = excluded.title,
    avatar = excluded.avatar, availability = excluded.availability,
    has_token = excluded.has_token, refreshed_at = excluded.refreshed_at, removed_at = NULL`;

const UPSERT_INBOXES = `
  INSERT INTO inboxes AS t (website_id, inbox_id, name, emoji, sort_order, operators,
    conditions, created_at, updated_at, refreshed_at, removed_at)
  SELECT website_id, inbox_id, name, emoji, sort_order, operators, conditions, created_at,
    updated_at, $2::timestamptz, NULL
  FROM jsonb_to_recordset($1::jsonb) AS r(website_id text, inbox_id text, name text,
    emoji text, sort_order integer, operators jsonb, conditions jsonb, created_at timestamptz,
    updated_at timestamptz)
  ORDER BY website_id, inbox_id
  ON CONFLICT (website_id, inbox_id) DO UPDATE SET
    name = excluded.name, emoji = excluded.emoji, sort_order = excluded.sort_order,
    operators = excluded.operators, conditions = excluded.conditions,
    created_at = excluded.created_at, updated_at = excluded.updated_at,
    refreshed_at = excluded.refreshed_at, removed_at = NULL`;

/** Owns every statement on `operators` and `inboxes`. */
@Injectable()
export class DirectoryRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The website's complete operator listing, in one transaction. */
  async replaceOperators(websiteId: string, operators: OperatorRecord[], at: Date) {
    await this.dataSource.transaction(async (manager) => {
      if (operators.length > 0) {
        await manager.query(UPSERT_OPERATORS, [JSON.stringify(operators), at.toISOString()]);
      }
      await manager.query(
        `UPDATE operators SET removed_at = $3 WHERE website_id = $1 AND removed_at IS NULL
           AND NOT (user_id = ANY($2::text[]))`,
        [websiteId, operators.map((operator) => operator.user_id), at.toISOString()],
      );
    });
  }

  /** The website's complete inbox listing (every page), in one transaction. */
  async replaceInboxes(websiteId: string, inboxes: InboxRecord[], at: Date) {
    await this.dataSource.transaction(async (manager) => {
      if (inboxes.length > 0) {
        await manager.query(UPSERT_INBOXES, [JSON.stringify(inboxes), at.toISOString()]);
      }
      await manager.query(
        `UPDATE inboxes SET removed_at = $3 WHERE website_id = $1 AND removed_at IS NULL
           AND NOT (inbox_id = ANY($2::text[]))`,
        [websiteId, inboxes.map((inbox) => inbox.inbox_id), at.toISOString()],
      );
    });
  }

  /** The ids currently listed (not removed), to tell when an event names one not known. */
  async listedIds(websiteId: string, table: 'operators' | 'inboxes'): Promise<string[]> {
    const column = table === 'operators' ? 'user_id' : 'inbox_id';
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT ${column} AS id FROM ${table} WHERE website_id = $1 AND removed_at IS NULL`,
      [websiteId],
    );
    return rows.map((row) => row.id);
  }
}
