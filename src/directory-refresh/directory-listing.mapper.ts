import {
  INVALID,
  idOf,
  isRecord,
  member,
  readBoolean,
  readNumber,
  readString,
  type JsonRecord,
} from '../common/payload-readers';
import { isAvailabilityStatus } from '../directory/directory-kinds';
import type { InboxRecord, OperatorRecord } from '../directory/directory.repository';
import type { AvailabilityRecord } from '../directory/operator-availability.repository';

/**
 * REST listings read field by field into rows. Only the named fields are read: the operator
 * list's `identifier` and `key` (an operator's API token) are never touched, so no row, jsonb
 * or log can hold them. A field of the wrong type reads as null; an entry without its id is
 * skipped (and counted), since it could not be keyed.
 */

/** A text field, or null when missing or not text. */
function text(record: JsonRecord, key: string): string | null {
  const value = readString(member(record, key));
  return value === INVALID || value === undefined || value === '' ? null : value;
}

/** The first of several spellings present: Crisp's wire keys are snake_case, crisp-api's types camelCase. */
function textOf(record: JsonRecord, ...keys: string[]): string | null {
  for (const key of keys) {
    const value = text(record, key);
    if (value !== null) return value;
  }
  return null;
}

/** A Crisp time in ms since the epoch, as ISO text; null when missing or implausible. */
function timeOf(value: unknown): string | null {
  const ms = readNumber(value);
  if (ms === INVALID || ms === null || ms === undefined || ms <= 0 || ms > 8.64e15) return null;
  return new Date(ms).toISOString();
}

export interface Read<T> {
  rows: T[];
  /** Entries that could not be keyed (no id), so were left out. */
  skipped: number;
}

/** What an operator is called where Crisp lists no nickname: their name, else their email. */
export function displayNameOf(first: string | null, last: string | null, email: string | null) {
  const name = [first, last].filter(Boolean).join(' ').trim();
  return name || email;
}

/** `GET …/operators/list`: `[{type, details: {user_id, email, …}}]`. */
export function readOperators(websiteId: string, listing: unknown): Read<OperatorRecord> {
  const entries = Array.isArray(listing) ? (listing as unknown[]) : [];
  const rows = new Map<string, OperatorRecord>();
  let skipped = 0;
  for (const entry of entries) {
    const details = isRecord(entry) ? member(entry, 'details') : undefined;
    const userId = isRecord(details)
      ? idOf(member(details, 'user_id') ?? member(details, 'userID'))
      : undefined;
    if (!isRecord(details) || !userId) {
      skipped += 1;
      continue;
    }
    const email = text(details, 'email');
    const first_name = textOf(details, 'first_name', 'firstName');
    const last_name = textOf(details, 'last_name', 'lastName');
    const availability = text(details, 'availability');
    const hasToken = readBoolean(member(details, 'has_token') ?? member(details, 'hasToken'));
    rows.set(userId, {
      website_id: websiteId,
      user_id: userId,
      email,
      first_name,
      last_name,
      display_name: displayNameOf(first_name, last_name, email),
      role: text(details, 'role'),
      title: text(details, 'title'),
      avatar: text(details, 'avatar'),
      availability: isAvailabilityStatus(availability) ? availability : null,
      has_token: hasToken === INVALID || hasToken === undefined ? null : hasToken,
    });
  }
  return { rows: [...rows.values()], skipped };
}

/** One page of `GET …/inboxes/list/{page}`. */
export function readInboxes(websiteId: string, page: unknown): Read<InboxRecord> {
  const entries = Array.isArray(page) ? (page as unknown[]) : [];
  const rows: InboxRecord[] = [];
  let skipped = 0;
  for (const entry of entries) {
    const inboxId = isRecord(entry) ? idOf(member(entry, 'inbox_id')) : undefined;
    if (!isRecord(entry) || !inboxId) {
      skipped += 1;
      continue;
    }
    const order = readNumber(member(entry, 'order'));
    const operators = member(entry, 'operators');
    const conditions = member(entry, 'conditions');
    rows.push({
      website_id: websiteId,
      inbox_id: inboxId,
      name: text(entry, 'name'),
      emoji: text(entry, 'emoji'),
      sort_order:
        typeof order === 'number' && Number.isSafeInteger(order) && Math.abs(order) < 2 ** 31
          ? order
          : null,
      operators: Array.isArray(operators) ? operators.filter((id) => typeof id === 'string') : null,
      conditions: Array.isArray(conditions) ? conditions.filter(isRecord) : null,
      created_at: timeOf(member(entry, 'created_at')),
      updated_at: timeOf(member(entry, 'updated_at')),
    });
  }
  return { rows, skipped };
}

/**
 * `GET …/availability/operators`: `[{user_id, type, time: {for, since}}]`. `since` (ms,
 * UNVERIFIED unit) dates the status when plausible; otherwise, and when it is older than what
 * is stored, the read time does.
 */
export function readAvailabilities(
  websiteId: string,
  listing: unknown,
  readAt: Date,
): Read<AvailabilityRecord> {
  const entries = Array.isArray(listing) ? (listing as unknown[]) : [];
  const rows: AvailabilityRecord[] = [];
  let skipped = 0;
  for (const entry of entries) {
    const userId = isRecord(entry) ? idOf(member(entry, 'user_id')) : undefined;
    const status = isRecord(entry) ? member(entry, 'type') : undefined;
    if (!isRecord(entry) || !userId || !isAvailabilityStatus(status)) {
      skipped += 1;
      continue;
    }
    const time = member(entry, 'time');
    const since = isRecord(time) ? timeOf(member(time, 'since')) : null;
    const sinceUsable = since !== null && new Date(since) <= readAt;
    rows.push({
      website_id: websiteId,
      user_id: userId,
      status,
      started_at: sinceUsable ? since : readAt.toISOString(),
      fallback_at: readAt.toISOString(),
      source: 'snapshot',
      door: 'rest',
    });
  }
  return { rows, skipped };
}
