import { Injectable } from '@nestjs/common';
import type { SyncSource } from '../conversations/sync-source';
import { dataRefusalState } from '../database/database-refusal';
import { SetAsideService } from './set-aside.service';

/** What a REST door read and could not store: a conversation or a message of Crisp's. */
export type RestRecordKind = 'rest:conversation' | 'rest:message';

export interface RefusedRowOrigin<T> {
  door: SyncSource;
  kind: RestRecordKind;
  /** The row as JSON: it keeps every field Crisp sent (`raw` holds what no column does). */
  payload: (row: T) => string;
}

/**
 * The REST doors' answer to a poison pill (issue 11 item 4): rows PostgreSQL refuses for their
 * data are found by halving the write until the refused row is alone; that row is set aside
 * whole and every other row is stored. Writes are order-guarded upserts, so storing halves in
 * turn ends where one write would have. A failure a retry may cure rejects, as before.
 */
@Injectable()
export class RefusalSplitterService {
  constructor(private readonly setAside: SetAsideService) {}

  /** Stores `rows` with `store`; resolves with the rows set aside instead. */
  async store<T>(
    rows: T[],
    store: (rows: T[]) => Promise<unknown>,
    origin: RefusedRowOrigin<T>,
  ): Promise<T[]> {
    if (rows.length === 0) return [];
    try {
      await store(rows);
      return [];
    } catch (error) {
      const state = dataRefusalState(error);
      if (state === null) throw error;
      if (rows.length === 1) {
        await this.setAsideRefused(rows[0], state, error, origin);
        return rows;
      }
      const middle = Math.ceil(rows.length / 2);
      const first = await this.store(rows.slice(0, middle), store, origin);
      return first.concat(await this.store(rows.slice(middle), store, origin));
    }
  }

  private async setAsideRefused<T>(
    row: T,
    state: string,
    error: unknown,
    origin: RefusedRowOrigin<T>,
  ) {
    const message = error instanceof Error ? error.message : String(error);
    await this.setAside.record({
      door: origin.door,
      event: origin.kind,
      reason: 'database_refused',
      detail: `${state}: ${message}`.slice(0, 1000),
      payload: origin.payload(row),
    });
  }
}
