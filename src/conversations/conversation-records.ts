import type { SyncSource } from './sync-source';

/** Column values for one `conversations` row, keyed by column name, as the data layer writes them. */
export interface ConversationRecord {
  session_id: string;
  website_id: string;
  inbox_id?: string | null;
  people_id?: string | null;
  state?: string | null;
  status?: number | null;
  is_blocked?: boolean | null;
  is_verified?: boolean | null;
  availability?: string | null;
  active_now?: boolean | null;
  active_last?: string | null;
  assigned_user_id?: string | null;
  participants?: unknown;
  mentions?: unknown;
  verifications?: unknown;
  compose?: unknown;
  unread_operator?: number | null;
  unread_visitor?: number | null;
  last_message?: string | null;
  preview_message_type?: string | null;
  preview_message_from?: string | null;
  preview_message_excerpt?: string | null;
  preview_message_fingerprint?: number | null;
  waiting_since?: string | null;
  meta_nickname?: string | null;
  meta_email?: string | null;
  meta_phone?: string | null;
  meta_avatar?: string | null;
  meta_ip?: string | null;
  meta_origin?: string | null;
  meta_subject?: string | null;
  meta_address?: string | null;
  meta_segments?: unknown;
  meta_data?: unknown;
  meta_device?: unknown;
  meta_connection?: unknown;
  created_at_crisp?: string | null;
  updated_at_crisp?: string | null;
  raw?: unknown;
  /** When the Crisp state in this record was observed: the ordering guard's version (ISO 8601). */
  observed_at: string;
  sync_source: SyncSource;
}

/** Column values for one `conversation_messages` row. */
export interface MessageRecord {
  session_id: string;
  website_id: string;
  fingerprint: number;
  type: string;
  from: string;
  origin?: string | null;
  content?: string | null;
  user_id?: string | null;
  user_nickname?: string | null;
  preview?: unknown;
  mentions?: unknown;
  read?: string | null;
  delivered?: string | null;
  stamped?: boolean | null;
  edited?: boolean | null;
  translated?: boolean | null;
  automated?: boolean | null;
  timestamp: string;
  raw?: unknown;
  observed_at: string;
  sync_source: SyncSource;
}

/** What a batched upsert did: stale records lost to a newer stored version and changed nothing. */
export interface UpsertOutcome {
  inserted: number;
  updated: number;
  stale: number;
}
