import type { ConversationRecord, MessageRecord } from './conversation-records';
import type { SyncSource } from './sync-source';

/** Conversation columns that events change one at a time (session:set_* and friends). */
export const CONVERSATION_EVENT_COLUMNS = [
  'state',
  'status',
  'is_blocked',
  'is_verified',
  'verifications',
  'availability',
  'inbox_id',
  'people_id',
  'assigned_user_id',
  'participants',
  'mentions',
  'meta_nickname',
  'meta_email',
  'meta_phone',
  'meta_avatar',
  'meta_subject',
  'meta_origin',
  'meta_address',
  'meta_ip',
  'meta_segments',
  'meta_data',
  'meta_device',
  'meta_connection',
] as const satisfies readonly (keyof ConversationRecord)[];

/** Message columns that events change after the message was sent (edits, read receipts). */
export const MESSAGE_EVENT_COLUMNS = [
  'content',
  'edited',
  'read',
  'delivered',
] as const satisfies readonly (keyof MessageRecord)[];

/**
 * Parts of `meta_device` that `session:sync:*` events replace one at a time. A patch names one as
 * `meta_device.<member>`: it is merged into the stored object and ordered on its own.
 */
export const DEVICE_MEMBERS = [
  'capabilities',
  'geolocation',
  'system',
  'timezone',
  'locales',
] as const;

export type DeviceMemberColumn = `meta_device.${(typeof DEVICE_MEMBERS)[number]}`;

export const DEVICE_MEMBER_COLUMNS = DEVICE_MEMBERS.map(
  (member): DeviceMemberColumn => `meta_device.${member}`,
);

export type ConversationEventColumn = (typeof CONVERSATION_EVENT_COLUMNS)[number];
export type MessageEventColumn = (typeof MESSAGE_EVENT_COLUMNS)[number];

interface PatchBase {
  session_id: string;
  website_id: string;
  /** When the change happened (or was received): it wins over anything older, field by field. */
  observed_at: string;
  sync_source: SyncSource;
  /**
   * Set when the other door's copy of this change came first (see TwinEvents): the time that copy
   * was stored with. A Web Hook's exact time then replaces RTM's arrival; the change is logged once.
   */
  twin_observed_at?: string;
}

export interface ConversationPatch extends PatchBase {
  columns: Partial<Pick<ConversationRecord, ConversationEventColumn>> &
    Partial<Record<DeviceMemberColumn, unknown>>;
}

export interface MessagePatch extends PatchBase {
  fingerprint: number;
  columns: Partial<Pick<MessageRecord, MessageEventColumn>>;
}

export interface Removal {
  session_id: string;
  website_id: string;
  fingerprint?: number;
  observed_at: string;
  sync_source: SyncSource;
  /**
   * Set when the other door's copy of this change came first (see TwinEvents): the time that copy
   * was stored with. A Web Hook's exact time then replaces RTM's arrival; the change is logged once.
   */
  twin_observed_at?: string;
}

/**
 * Postgres applies at most one change to a row per UPDATE, so patches are split into rounds in
 * which every key appears once, in arrival order; and into groups that set the same columns.
 */
export function patchRounds<T extends { columns: object }>(
  patches: T[],
  keyOf: (patch: T) => string,
): T[][] {
  const rounds: T[][] = [];
  const seen = new Map<string, number>();
  for (const patch of patches) {
    const signature = `${Object.keys(patch.columns).sort().join(',')}|${keyOf(patch)}`;
    const round = seen.get(signature) ?? 0;
    seen.set(signature, round + 1);
    (rounds[round] ??= []).push(patch);
  }
  return rounds;
}

export function groupByColumns<T extends { columns: object }>(patches: T[]): T[][] {
  const groups = new Map<string, T[]>();
  for (const patch of patches) {
    const signature = Object.keys(patch.columns).sort().join(',');
    groups.set(signature, [...(groups.get(signature) ?? []), patch]);
  }
  return [...groups.values()];
}
