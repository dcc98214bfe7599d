import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { roundsOfDistinctKeys } from '../conversations/batched-upsert';
import type { PeopleRecord } from './people-profile.mapper';

/** What a `people:*` event says of a profile, before it is read. */
export interface PeopleHint {
  website_id: string;
  people_id: string;
  email: string | null;
  removed: boolean;
  at: string;
}

const HINT_SOURCE = `jsonb_to_recordset($1::jsonb) AS r(website_id text, people_id text,
  email text, removed boolean, at timestamptz)`;

/** Owns the `people` table. */
@Injectable()
export class PeopleRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Profiles read from Crisp: every field replaced, and a removed one known alive again. */
  async upsertProfiles(records: PeopleRecord[]) {
    if (records.length === 0) return;
    const unique = [
      ...new Map(records.map((record) => [`${record.website_id}/${record.people_id}`, record])),
    ].map(([, record]) => record);
    await this.dataSource.query(
      `INSERT INTO people AS t (website_id, people_id, email, nickname, company_name, segments,
         person, company, created_at_crisp, updated_at_crisp, refreshed_at)
       SELECT r.website_id, r.people_id, r.email, r.nickname, r.company_name, r.segments, r.person,
         r.company, r.created_at_crisp, r.updated_at_crisp, now()
       FROM jsonb_to_recordset($1::jsonb) AS r(website_id text, people_id text, email text,
         nickname text, company_name text, segments jsonb, person jsonb, company jsonb,
         created_at_crisp timestamptz, updated_at_crisp timestamptz)
       ORDER BY r.website_id, r.people_id
       ON CONFLICT (website_id, people_id) DO UPDATE SET email = excluded.email,
         nickname = excluded.nickname, company_name = excluded.company_name,
         segments = excluded.segments, person = excluded.person, company = excluded.company,
         created_at_crisp = excluded.created_at_crisp, updated_at_crisp = excluded.updated_at_crisp,
         refreshed_at = now(), removed_at = NULL`,
      [JSON.stringify(unique)],
    );
  }

  /**
   * Inside the mirror writer's transaction: a profile an event names exists from then on (with
   * its email, if the event gave one); a removed one is marked so.
   */
  async applyHints(manager: EntityManager, hints: PeopleHint[]) {
    for (const round of roundsOfDistinctKeys(hints, (h) => `${h.website_id}/${h.people_id}`)) {
      await manager.query(
        `INSERT INTO people AS t (website_id, people_id, email, removed_at)
         SELECT r.website_id, r.people_id, r.email, CASE WHEN r.removed THEN r.at END
         FROM ${HINT_SOURCE}
         ORDER BY r.website_id, r.people_id
         ON CONFLICT (website_id, people_id) DO UPDATE SET
           email = coalesce(excluded.email, t.email),
           removed_at = CASE WHEN excluded.removed_at IS NOT NULL THEN excluded.removed_at
             ELSE t.removed_at END`,
        [JSON.stringify(round)],
      );
    }
  }

  async count(websiteId: string): Promise<number> {
    const rows: { n: string }[] = await this.dataSource.query(
      'SELECT count(*) AS n FROM people WHERE website_id = $1',
      [websiteId],
    );
    return Number(rows[0].n);
  }
}
