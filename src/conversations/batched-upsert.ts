import type { EntityManager } from 'typeorm';
import type { UpsertOutcome } from './conversation-records';
import { groupByColumns, patchRounds } from './conversation-patches';

export interface UpsertTable {
  table: string;
  /** Column name → SQL type, for every column a record may carry. */
  columns: Record<string, string>;
  conflictColumns: string[];
  /**
   * Columns that events also change alone: a snapshot older than such a change keeps it. A
   * `column.member` entry is a part of a jsonb column that events change alone.
   */
  eventColumns?: string[];
}

/**
 * When the stored value of `column` was observed: the newer of its own event time and the row's
 * last snapshot (a snapshot that won wrote every field, so nothing older may undo it).
 */
export const fieldObservedAt = (row: string, column: string) =>
  `greatest((${row}.field_observed_at ->> '${column}')::timestamptz, ${row}.observed_at)`;

/** `meta_device.geolocation` → the jsonb column and the member of it that a patch replaces. */
function memberOf(name: string): { column: string; member: string } | null {
  const [column, member] = name.split('.');
  return member ? { column, member } : null;
}

/** A whole-column write must be newer than the column and than every member changed alone. */
function columnObservedAt(row: string, column: string, eventColumns: string[]): string {
  const members = eventColumns.filter((name) => memberOf(name)?.column === column);
  if (members.length === 0) return fieldObservedAt(row, column);
  return `greatest(${[column, ...members].map((name) => fieldObservedAt(row, name)).join(', ')})`;
}

const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

/** The rows of a batch as one jsonb parameter (`$1`): an array of objects, one per record. */
function jsonRecordsSource(columns: Record<string, string>): string {
  const shape = Object.entries(columns).map(([name, type]) => `${quote(name)} ${type}`);
  return `jsonb_to_recordset($1::jsonb) AS r(${shape.join(', ')})`;
}

/**
 * The rows of a batch as one array parameter per column, from `$firstParameter` on (see
 * `columnArrays`). PostgreSQL reads typed arrays with less work than it parses the same rows
 * as jsonb objects: 31–32 against 42–48 µs of its CPU per message row (`npm run bench:upsert`).
 */
export function columnArraysSource(columns: Record<string, string>, firstParameter: number) {
  const names = Object.keys(columns);
  const arrays = names.map((name, i) => `$${firstParameter + i}::${columns[name]}[]`);
  return `unnest(${arrays.join(', ')}) AS r(${names.map(quote).join(', ')})`;
}

/** The parameters of `columnArraysSource`: one array per column, objects as JSON text. */
export function columnArrays<T extends object>(columns: Record<string, string>, records: T[]) {
  return Object.keys(columns).map((name) =>
    records.map((record) => {
      const value = (record as Record<string, unknown>)[name] ?? null;
      return value !== null && typeof value === 'object' ? JSON.stringify(value) : value;
    }),
  );
}

/**
 * One `INSERT … SELECT … ON CONFLICT DO UPDATE` for a whole batch, a single round trip whatever
 * its size: the rows come from one jsonb parameter, or from the `source` given (e.g.
 * `columnArraysSource`: one array parameter per column). The ordering guard
 * (`WHERE excluded.observed_at >= t.observed_at`) makes an older version a no-op, so replays
 * and out-of-order deliveries are harmless. Rows are inserted in key order so that concurrent
 * writers take row locks in the same order and cannot deadlock.
 */
export function buildUpsertStatement(
  { table, columns, conflictColumns, eventColumns = [] }: UpsertTable,
  {
    returning = 'RETURNING (xmax = 0) AS inserted',
    source = jsonRecordsSource(columns),
  }: { returning?: string; source?: string } = {},
): string {
  const names = Object.keys(columns);
  const updates = names
    .filter((name) => !conflictColumns.includes(name))
    .map((name) =>
      eventColumns.includes(name)
        ? `${quote(name)} = CASE WHEN excluded.observed_at >= ${columnObservedAt('t', name, eventColumns)}
             THEN excluded.${quote(name)} ELSE t.${quote(name)} END`
        : `${quote(name)} = excluded.${quote(name)}`,
    );
  return `
    INSERT INTO ${quote(table)} AS t (${names.map(quote).join(', ')})
    SELECT ${names.map(quote).join(', ')}
    FROM ${source}
    ORDER BY ${conflictColumns.map(quote).join(', ')}
    ON CONFLICT (${conflictColumns.map(quote).join(', ')}) DO UPDATE
    SET ${[...updates, 'synced_at = now()', 'updated_at = now()'].join(', ')}
    WHERE excluded.observed_at >= t.observed_at
    ${returning}`;
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

/** Runs a statement of `buildUpsertStatement`; its parameters are the records as jsonb by default. */
export async function runUpsert(
  manager: EntityManager,
  statement: string,
  records: object[],
  parameters: unknown[] = [JSON.stringify(records)],
): Promise<UpsertOutcome> {
  if (records.length === 0) return { inserted: 0, updated: 0, stale: 0 };
  const rows: { inserted: boolean }[] = await manager.query(statement, parameters);
  const inserted = rows.filter((row) => row.inserted).length;
  return { inserted, updated: rows.length - inserted, stale: records.length - rows.length };
}

export interface PatchTable {
  table: string;
  keyColumns: Record<string, string>;
  /** Column name → SQL type of the columns this statement sets. */
  columns: Record<string, string>;
}

/**
 * One `UPDATE … FROM jsonb_to_recordset` for a batch of partial changes (events), one per row.
 * Each column changes only if the change is at least as new as what the row holds for that
 * column (its own event time, or else the row's last snapshot), and remembers its time, so that
 * neither an older event nor an older snapshot can undo a newer change of the same field.
 */
export function buildPatchStatement({ table, keyColumns, columns }: PatchTable): string {
  const keys = Object.keys(keyColumns);
  const names = Object.keys(columns);
  const shape = [
    ...keys.map((key) => `${quote(key)} ${keyColumns[key]}`),
    'observed_at timestamptz',
    'sync_source text',
    ...names.map((name) => `${quote(name)} ${columns[name]}`),
  ].join(', ');
  const sets = names.map((name) => {
    const part = memberOf(name);
    if (!part) {
      return `${quote(name)} = CASE WHEN p.observed_at >= ${fieldObservedAt('t', name)} THEN p.${quote(name)} ELSE t.${quote(name)} END`;
    }
    const column = quote(part.column);
    return `${column} = CASE WHEN p.observed_at >= greatest(${fieldObservedAt('t', part.column)}, ${fieldObservedAt('t', name)})
      THEN coalesce(t.${column}, '{}'::jsonb) || jsonb_build_object('${part.member}', p.${quote(name)})
      ELSE t.${column} END`;
  });
  const times = names
    .map((name) => `'${name}', greatest(p.observed_at, ${fieldObservedAt('t', name)})`)
    .join(', ');
  return `
    UPDATE ${quote(table)} AS t
    SET ${[...sets, `field_observed_at = t.field_observed_at || jsonb_build_object(${times})`, 'sync_source = p.sync_source', 'synced_at = now()', 'updated_at = now()'].join(', ')}
    FROM jsonb_to_recordset($1::jsonb) AS p(${shape})
    WHERE ${keys.map((key) => `t.${quote(key)} = p.${quote(key)}`).join(' AND ')}`;
}

/** PostgreSQL changes a row at most once per statement: each round holds a key once, in order. */
export function roundsOfDistinctKeys<T>(items: T[], keyOf: (item: T) => string): T[][] {
  const rounds: T[][] = [];
  const seen = new Map<string, number>();
  for (const item of items) {
    const key = keyOf(item);
    const round = seen.get(key) ?? 0;
    seen.set(key, round + 1);
    (rounds[round] ??= []).push(item);
  }
  return rounds;
}

interface Patch {
  observed_at: string;
  sync_source: string;
  twin_observed_at?: string;
  columns: object;
}

/**
 * Applies batches of patches to one table: one statement per set of columns and per round of
 * distinct keys (see `patchRounds`), each built once and kept.
 */
export class PatchApplier<P extends Patch> {
  private readonly statements = new Map<string, string>();

  constructor(
    private readonly table: string,
    private readonly keyColumns: Record<string, string>,
    private readonly columnTypes: Record<string, string>,
    private readonly keyOf: (patch: P) => Record<string, unknown>,
  ) {}

  async apply(manager: EntityManager, patches: P[]) {
    const rounds = patchRounds(patches, (patch) => JSON.stringify(this.keyOf(patch)));
    for (const round of rounds) {
      for (const group of groupByColumns(round)) {
        const rows = group.map((patch) => ({
          ...this.keyOf(patch),
          observed_at: patch.observed_at,
          sync_source: patch.sync_source,
          ...patch.columns,
        }));
        await manager.query(this.statementFor(Object.keys(group[0].columns)), [
          JSON.stringify(rows),
        ]);
      }
    }
  }

  /**
   * A Web Hook's exact time replaces RTM's arrival time on each field that still holds the value
   * RTM's twin copy stored (its time is that arrival), so that later changes are ordered by
   * Crisp's times, not by when RTM delivered (see TwinEvents).
   */
  async replaceTwinTimes(manager: EntityManager, patches: P[]) {
    const twins = patches.filter((patch) => patch.twin_observed_at !== undefined);
    if (twins.length === 0) return;
    const keys = Object.keys(this.keyColumns);
    const shape = keys.map((key) => `${quote(key)} ${this.keyColumns[key]}`).join(', ');
    const statement = `
      UPDATE ${quote(this.table)} AS t
      SET field_observed_at = t.field_observed_at || coalesce((
        SELECT jsonb_object_agg(k.name, p.observed_at)
        FROM jsonb_array_elements_text(p.columns) AS k(name)
        WHERE (t.field_observed_at ->> k.name)::timestamptz = p.twin_observed_at), '{}'::jsonb)
      FROM jsonb_to_recordset($1::jsonb) AS p(${shape}, observed_at timestamptz,
        twin_observed_at timestamptz, columns jsonb)
      WHERE ${keys.map((key) => `t.${quote(key)} = p.${quote(key)}`).join(' AND ')}`;
    for (const round of roundsOfDistinctKeys(twins, (patch) => JSON.stringify(this.keyOf(patch)))) {
      const rows = round.map((patch) => ({
        ...this.keyOf(patch),
        observed_at: patch.observed_at,
        twin_observed_at: patch.twin_observed_at,
        columns: Object.keys(patch.columns),
      }));
      await manager.query(statement, [JSON.stringify(rows)]);
    }
  }

  private statementFor(columns: string[]): string {
    const signature = [...columns].sort().join(',');
    let statement = this.statements.get(signature);
    if (!statement) {
      const types = Object.fromEntries(columns.map((column) => [column, this.columnTypes[column]]));
      statement = buildPatchStatement({
        table: this.table,
        keyColumns: this.keyColumns,
        columns: types,
      });
      this.statements.set(signature, statement);
    }
    return statement;
  }
}
