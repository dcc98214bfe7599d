import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ConversationPatch, Removal } from '../conversations/conversation-patches';
import { roundsOfDistinctKeys } from '../conversations/batched-upsert';
import type { SyncSource } from '../conversations/sync-source';
import {
  KIND_OF_COLUMN,
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

/** A Web Hook's time for a change its RTM twin logged first, at `replaces` (its arrival). */
interface ExactTime {
  session_id: string;
  kind: TrackedKind;
  new_value: unknown;
  at: string;
  replaces: string;
}

/** A change an event told, as the log keeps it. */
interface ToldChange {
  website_id: string;
  session_id: string;
  kind: TrackedKind;
  new_value: unknown;
  happened_at: string;
  time_source: TimeSource;
  door: SyncSource;
}

/**
 * The value before a told change: the log's latest of that kind not after it, else the mirror's
 * if it held it before the change (a snapshot read after the change already shows its result).
 */
const VALUE_BEFORE = `coalesce(
  (SELECT x.new_value FROM conversation_events x
   WHERE x.session_id = r.session_id AND x.kind = r.kind AND x.happened_at <= r.happened_at
   ORDER BY x.happened_at DESC, x.id DESC LIMIT 1),
  CASE r.kind ${Object.entries(TRACKED_COLUMN_OF_KIND)
    .filter(([kind]) => kind !== 'removed')
    .map(
      ([kind, column]) =>
        `WHEN '${kind}' THEN CASE WHEN greatest((c.field_observed_at ->> '${column}')::timestamptz, c.observed_at) < r.happened_at THEN to_jsonb(c."${column}") END`,
    )
    .join(' ')} END)`;

/**
 * How far apart the two doors' times of one change can be: RTM's arrival trails the Web Hook's
 * event time by its delivery, under a second when both are up. Two changes of the same kind and
 * value this close together are taken for one.
 */
const TWIN_WINDOW = `interval '1 minute'`;

/**
 * Writes what events tell into `conversation_events` (docs/RTM_IMPLEMENTATION.md "The change
 * log"): their changes, operators opening and closing conversations, and the exact time a Web
 * Hook gives for a change RTM told first. What REST snapshots change, and removals, the database
 * logs itself (trigger `conversation_events_log`).
 */
@Injectable()
export class ConversationEventsRepository {
  /**
   * Logs each change an event told (before it is applied: a change is history even when the
   * mirror already holds its result), once: the second copy of a twin pair is not logged, a Web
   * Hook delivered again repeats its exact time, and an event that sets the value it follows
   * (Crisp may send `set_state` without a change) changes nothing.
   */
  async recordToldChanges(manager: EntityManager, patches: ConversationPatch[]) {
    const told = patches
      .filter((patch) => patch.twin_observed_at === undefined)
      .flatMap(toldChangesOf);
    const rounds = roundsOfDistinctKeys(told, (change) => `${change.session_id}/${change.kind}`);
    const source = `jsonb_to_recordset($1::jsonb) AS r(website_id text, session_id text, kind text,
      new_value jsonb, happened_at timestamptz, time_source text, door text)`;
    for (const round of rounds) {
      const rows = JSON.stringify(round);
      // A snapshot read just after the change already logged it, inferred, at Crisp's updated_at
      // (no earlier than the change): the event that told it makes it told. RTM's arrival trails
      // the change too, so of the two times the earlier is the closer.
      await manager.query(
        `UPDATE conversation_events e SET inferred = false, door = r.door,
           happened_at = least(e.happened_at, r.happened_at),
           time_source = CASE WHEN e.happened_at < r.happened_at THEN e.time_source ELSE r.time_source END
         FROM ${source}
         WHERE e.session_id = r.session_id AND e.kind = r.kind AND e.inferred
           AND e.new_value IS NOT DISTINCT FROM r.new_value
           AND e.happened_at >= r.happened_at - CASE WHEN r.time_source = 'received' THEN ${TWIN_WINDOW} ELSE interval '0' END
           AND NOT EXISTS (SELECT 1 FROM conversation_events x
             WHERE x.session_id = r.session_id AND x.kind = r.kind AND x.id <> e.id
               AND x.happened_at BETWEEN least(e.happened_at, r.happened_at)
                 AND greatest(e.happened_at, r.happened_at))`,
        [rows],
      );
      await manager.query(
        `INSERT INTO conversation_events
           (website_id, session_id, kind, old_value, new_value, happened_at, time_source, door)
         SELECT r.website_id, r.session_id, r.kind, b.value, r.new_value, r.happened_at,
           r.time_source, r.door
         FROM ${source}
         JOIN conversations c ON c.session_id = r.session_id
         CROSS JOIN LATERAL (SELECT ${VALUE_BEFORE} AS value) b
         WHERE b.value IS DISTINCT FROM r.new_value AND NOT EXISTS (SELECT 1 FROM conversation_events e
           WHERE e.session_id = r.session_id AND e.kind = r.kind AND e.happened_at = r.happened_at
             AND e.new_value IS NOT DISTINCT FROM r.new_value)`,
        [rows],
      );
    }
  }

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
   * A Web Hook told a change RTM told first (TwinEvents paired them): RTM's row is dated by its
   * arrival, and the Web Hook's time, Crisp's own, replaces it. The row is the one of that kind
   * and value with exactly that arrival time.
   */
  async refineTimes(manager: EntityManager, patches: ConversationPatch[], removals: Removal[]) {
    const times = [
      ...patches.flatMap(exactTimesOf),
      ...removals.flatMap((removal): ExactTime[] =>
        removal.twin_observed_at
          ? [
              {
                session_id: removal.session_id,
                kind: 'removed',
                new_value: null,
                at: removal.observed_at,
                replaces: removal.twin_observed_at,
              },
            ]
          : [],
      ),
    ];
    if (times.length === 0) return;
    await manager.query(
      `UPDATE conversation_events e SET happened_at = p.at, time_source = 'webhook'
       FROM jsonb_to_recordset($1::jsonb)
         AS p(session_id text, kind text, new_value jsonb, at timestamptz, replaces timestamptz)
       WHERE e.session_id = p.session_id AND e.kind = p.kind AND e.time_source = 'received'
         AND e.happened_at = p.replaces AND e.new_value IS NOT DISTINCT FROM p.new_value`,
      [JSON.stringify(times)],
    );
  }
}

function toldChangesOf(patch: ConversationPatch): ToldChange[] {
  const { website_id, session_id, observed_at, sync_source } = patch;
  return Object.entries(patch.columns).flatMap(([column, value]) => {
    const kind = KIND_OF_COLUMN.get(column);
    if (!kind) return [];
    const time_source: TimeSource = sync_source === 'webhook' ? 'webhook' : 'received';
    return [
      {
        website_id,
        session_id,
        kind,
        new_value: value,
        happened_at: observed_at,
        time_source,
        door: sync_source,
      },
    ];
  });
}

function exactTimesOf(patch: ConversationPatch): ExactTime[] {
  const replaces = patch.twin_observed_at;
  if (!replaces) return [];
  return Object.entries(patch.columns).flatMap(([column, value]) => {
    const kind = KIND_OF_COLUMN.get(column);
    if (!kind) return [];
    const { session_id, observed_at: at } = patch;
    return [{ session_id, kind, new_value: value, at, replaces }];
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
