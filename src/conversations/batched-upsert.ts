import type { EntityManager } from 'typeorm';
import type { UpsertOutcome } from './conversation-records';

export interface UpsertTable {
  table: string;
  /** Column name → SQL type, for every column a record may carry. */
  columns: Record<string, string>;
  conflictColumns: string[];
}

const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

/**
 * One `INSERT … SELECT FROM jsonb_to_recordset … ON CONFLICT DO UPDATE` for a whole batch:
 * a single round trip and a single parameter whatever the batch size. The ordering guard
 * (`WHERE excluded.observed_at >= t.observed_at`) makes an older version a no-op, so replays
 * and out-of-order deliveries are harmless. Rows are inserted in key order so that concurrent
 * writers take row locks in the same order and cannot deadlock.
 */
export function buildUpsertStatement({ table, columns, conflictColumns }: UpsertTable): string {
  const names = Object.keys(columns);
  const recordShape = names.map((name) => `${quote(name)} ${columns[name]}`).join(', ');
  const updates = names
    .filter((name) => !conflictColumns.includes(name))
    .map((name) => `${quote(name)} = excluded.${quote(name)}`);
  return `
    INSERT INTO ${quote(table)} AS t (${names.map(quote).join(', ')})
    SELECT ${names.map(quote).join(', ')}
    FROM jsonb_to_recordset($1::jsonb) AS r(${recordShape})
    ORDER BY ${conflictColumns.map(quote).join(', ')}
    ON CONFLICT (${conflictColumns.map(quote).join(', ')}) DO UPDATE
    SET ${[...updates, 'synced_at = now()', 'updated_at = now()'].join(', ')}
    WHERE excluded.observed_at >= t.observed_at
    RETURNING (xmax = 0) AS inserted`;
}

/**
 * Postgres refuses to touch one row twice in a statement, so a batch keeps one record per key:
 * the newest observed version, and of equals the later one in the batch.
 */
export function newestPerKey<T extends { observed_at: string }>(
  records: T[],
  keyOf: (record: T) => string,
): T[] {
  const newest = new Map<string, T>();
  for (const record of records) {
    const key = keyOf(record);
    const current = newest.get(key);
    if (!current || Date.parse(record.observed_at) >= Date.parse(current.observed_at)) {
      newest.set(key, record);
    }
  }
  return [...newest.values()];
}

export async function runUpsert(
  manager: EntityManager,
  statement: string,
  records: object[],
): Promise<UpsertOutcome> {
  if (records.length === 0) return { inserted: 0, updated: 0, stale: 0 };
  const rows: { inserted: boolean }[] = await manager.query(statement, [JSON.stringify(records)]);
  const inserted = rows.filter((row) => row.inserted).length;
  return { inserted, updated: rows.length - inserted, stale: records.length - rows.length };
}
