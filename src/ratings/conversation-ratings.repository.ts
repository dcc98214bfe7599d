import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { roundsOfDistinctKeys } from '../conversations/batched-upsert';
import type { SyncSource } from '../conversations/sync-source';
import type { TimeSource } from '../history/conversation-event-kinds';

/** A rating as a door read it (`session:sync:rating`). */
export interface RatingRecord {
  website_id: string;
  session_id: string;
  stars: number;
  comment: string | null;
  rated_at: string;
  time_source: TimeSource;
  door: SyncSource;
}

/**
 * One row per conversation. A different rating replaces the stored one only if it is newer; the
 * same rating again (the other door, a replay) changes nothing, except that a Web Hook's time,
 * Crisp's own, replaces RTM's arrival time close by.
 */
const UPSERT = `
  INSERT INTO conversation_ratings AS t
    (session_id, website_id, stars, comment, rated_at, time_source, door)
  SELECT session_id, website_id, stars, comment, rated_at, time_source, door
  FROM jsonb_to_recordset($1::jsonb) AS r(session_id text, website_id text, stars smallint,
    comment text, rated_at timestamptz, time_source text, door text)
  ORDER BY session_id
  ON CONFLICT (session_id) DO UPDATE SET
    website_id = excluded.website_id, stars = excluded.stars, comment = excluded.comment,
    rated_at = excluded.rated_at, time_source = excluded.time_source, door = excluded.door,
    updated_at = now()
  WHERE CASE WHEN (t.stars, t.comment) IS NOT DISTINCT FROM (excluded.stars, excluded.comment)
    THEN t.time_source = 'received' AND excluded.time_source = 'webhook'
      AND abs(extract(epoch FROM excluded.rated_at - t.rated_at)) <= 60
    ELSE excluded.rated_at >= t.rated_at END`;

@Injectable()
export class ConversationRatingsRepository {
  async upsert(manager: EntityManager, ratings: RatingRecord[]) {
    for (const round of roundsOfDistinctKeys(ratings, (rating) => rating.session_id)) {
      await manager.query(UPSERT, [JSON.stringify(round)]);
    }
  }
}
