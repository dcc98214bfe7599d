import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ConversationPatch, Removal } from '../conversations/conversation-patches';
import type { SyncSource } from '../conversations/sync-source';
import {
  TRACKED_COLUMN_OF_KIND,
  type ActorKind,
  type TimeSource,
  type TrackedKind,
} from './conversation-event-kinds';

/** An operator opened or closed a conversation (`session:set_opened` / `session:set_closed`). */
export interface ActorEventRecord {
  website_id: string;
  session_id: string;
  kind: ActorKind;
  actor_user_id: string | null;
  happened_at: string;
  time_source: TimeSource;
  door: SyncSource;
}

/** A Web Hook's time for a change its twin from RTM may have logged first, at arrival. */
interface ExactTime {
  session_id: string;
  kind: TrackedKind;
  new_value: unknown;
  at: string;
}

/**
 * How far apart the two doors' times of one change can be: RTM's arrival trails the Web Hook's
 * event time by its delivery, under a second when both are up. Two changes of the same kind and
 * value this close together are taken for one.
 */
const TWIN_WINDOW = `interval '1 minute'`;

const KIND_OF_COLUMN = new Map<string, TrackedKind>(
  Object.entries(TRACKED_COLUMN_OF_KIND).map(([kind, column]) => [column, kind as TrackedKind]),
);

/**
 * Writes `conversation_events` beside the rows the database logs itself (trigger
 * `conversation_events_log`): the changes no conversation column follows, and the exact time a
 * Web Hook gives for a change RTM told first.
 */
@Injectable()
export class ConversationEventsRepository {
  /**
   * Logs opened/closed events once: the twin of one already logged (the other door, a replay)
   * only lends it the Web Hook's exact time.
   */
  async recordActorEvents(manager: EntityManager, events: ActorEventRecord[]) {
    const unique = withoutTwins(events);
    if (unique.length === 0) return;
    const rows = JSON.stringify(unique);
    const source = `jsonb_to_recordset($1::jsonb) AS r(website_id text, session_id text, kind text,
      actor_user_id text, happened_at timestamptz, time_source text, door text)`;
    const twin = `e.session_id = r.session_id AND e.kind = r.kind
      AND e.actor_user_id IS NOT DISTINCT FROM r.actor_user_id
      AND e.happened_at BETWEEN r.happened_at - ${TWIN_WINDOW} AND r.happened_at + ${TWIN_WINDOW}`;
    await manager.query(
      `UPDATE conversation_events e SET happened_at = r.happened_at, time_source = 'webhook'
       FROM ${source} WHERE r.time_source = 'webhook' AND e.time_source = 'received' AND ${twin}`,
      [rows],
    );
    await manager.query(
      `INSERT INTO conversation_events
         (website_id, session_id, kind, actor_user_id, happened_at, time_source, door)
       SELECT r.website_id, r.session_id, r.kind, r.actor_user_id, r.happened_at, r.time_source, r.door
       FROM ${source}
       WHERE NOT EXISTS (SELECT 1 FROM conversation_events e WHERE ${twin})`,
      [rows],
    );
  }

  /**
   * A Web Hook told a change the database already holds, so RTM told it first and its row has
   * RTM's arrival time: the Web Hook's time, Crisp's own, replaces it. Only the latest change of
   * that kind can be the twin, and only with the same value and a time close by.
   */
  async refineTimes(manager: EntityManager, patches: ConversationPatch[], removals: Removal[]) {
    const times = [
      ...patches.filter(fromWebhook).flatMap(exactTimesOf),
      ...removals.filter(fromWebhook).map((removal): ExactTime => ({
        session_id: removal.session_id,
        kind: 'removed',
        new_value: null,
        at: removal.observed_at,
      })),
    ];
    if (times.length === 0) return;
    await manager.query(
      `UPDATE conversation_events e SET happened_at = p.at, time_source = 'webhook'
       FROM jsonb_to_recordset($1::jsonb) AS p(session_id text, kind text, new_value jsonb, at timestamptz)
       WHERE e.session_id = p.session_id AND e.kind = p.kind AND e.time_source = 'received'
         AND e.new_value IS NOT DISTINCT FROM p.new_value
         AND e.happened_at BETWEEN p.at - ${TWIN_WINDOW} AND p.at + ${TWIN_WINDOW}
         AND e.id = (SELECT max(x.id) FROM conversation_events x
                     WHERE x.session_id = p.session_id AND x.kind = p.kind)`,
      [JSON.stringify(times)],
    );
  }
}

const fromWebhook = (change: { sync_source: SyncSource }) => change.sync_source === 'webhook';

function exactTimesOf(patch: ConversationPatch): ExactTime[] {
  return Object.entries(patch.columns).flatMap(([column, value]) => {
    const kind = KIND_OF_COLUMN.get(column);
    if (!kind) return [];
    return [{ session_id: patch.session_id, kind, new_value: value, at: patch.observed_at }];
  });
}

/** One of each run of twins in a batch (one statement cannot see its own rows), the Web Hook's first. */
function withoutTwins(events: ActorEventRecord[]): ActorEventRecord[] {
  const kept: ActorEventRecord[] = [];
  const byWebhookFirst = [...events].sort(
    (a, b) => Number(b.time_source === 'webhook') - Number(a.time_source === 'webhook'),
  );
  for (const event of byWebhookFirst) {
    const twin = kept.some(
      (other) =>
        other.session_id === event.session_id &&
        other.kind === event.kind &&
        other.actor_user_id === event.actor_user_id &&
        Math.abs(Date.parse(other.happened_at) - Date.parse(event.happened_at)) <= 60_000,
    );
    if (!twin) kept.push(event);
  }
  return kept;
}
