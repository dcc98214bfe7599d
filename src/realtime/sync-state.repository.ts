import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** Named values the sync keeps across restarts (`sync_state`). */
@Injectable()
export class SyncStateRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async get<T>(key: string): Promise<T | null> {
    const rows: { value: T }[] = await this.dataSource.query(
      'SELECT value FROM sync_state WHERE key = $1',
      [key],
    );
    return rows[0]?.value ?? null;
  }

  /** Every value whose key starts with `prefix`, by key. */
  async withPrefix<T>(prefix: string): Promise<Map<string, T>> {
    const rows: { key: string; value: T }[] = await this.dataSource.query(
      `SELECT key, value FROM sync_state WHERE starts_with(key, $1) ORDER BY key`,
      [prefix],
    );
    return new Map(rows.map((row) => [row.key, row.value]));
  }

  async set(key: string, value: unknown) {
    await this.dataSource.query(
      `INSERT INTO sync_state (key, value, updated_at) VALUES ($1, $2::jsonb, now())
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = now()`,
      [key, JSON.stringify(value)],
    );
  }
}
