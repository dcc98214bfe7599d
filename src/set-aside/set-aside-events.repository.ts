import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { SyncSource } from '../conversations/sync-source';

export interface SetAsideRow {
  door: SyncSource;
  event: string | null;
  reason: string;
  detail: string | null;
  /** The payload as JSON text. */
  payload: string;
}

/** Text PostgreSQL refuses is the very thing set aside: a NUL is kept as its JSON escape. */
const storable = (value: string) => value.replaceAll('\u0000', '\\u0000');

/** The `set_aside_events` table: what the doors kept whole instead of storing. */
@Injectable()
export class SetAsideEventsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(row: SetAsideRow): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO set_aside_events (door, event, reason, detail, payload)
       VALUES ($1, $2, $3, $4, $5)`,
      [
        row.door,
        row.event === null ? null : storable(row.event),
        storable(row.reason),
        row.detail === null ? null : storable(row.detail),
        storable(row.payload),
      ],
    );
  }
}
