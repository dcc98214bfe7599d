import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ConversationPatch, Removal } from '../conversations/conversation-patches';
import { roundsOfDistinctKeys } from '../conversations/batched-upsert';
import type { SyncSource } from '../conversations/sync-source';
import {
  CLOCK_SKEW_MS,
  KIND_OF_COLUMN,
  TWIN_WINDOW_MS,
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

/** A Web Hook's time for a change its RTM twin logged first, dated by RTM's arrival. */
interface ExactTime {
  website_id: string;
  session_id: string;
  kind: TrackedKind;
  new_value: unknown;
  at: string;
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
 * The mirror's value of a told change's column, if it held it before the change (a snapshot read
 * after the change already shows its result): what the change follows when the log has nothing.
 */
const MIRROR_VALUE = `CASE r.kind ${Object.entries(TRACKED_COLUMN_OF_KIND)
  .filter(([kind]) => kind !== 'removed')
  .map(
    ([kind, column]) =>
      `WHEN '${kind}' THEN CASE WHEN greatest((c.field_observed_at ->> '${column}')::timestamptz, c.observed_at) < r.happened_at THEN to_jsonb(c."${column}") END`,
  )
  .join(' ')} END`;

/** Two changes of the same kind and value this close together are taken for one. */
const TWIN_WINDOW = `interval '${TWIN_WINDOW_MS} milliseconds'`;
const SKEW = `interval '${CLOCK_SKEW_MS} milliseconds'`;

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
    await this.logToldChanges(manager, told);
  }

  private async logToldChanges(manager: EntityManager, told: ToldChange[]) {
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
      // The change follows the log's latest of its kind, else the mirror's value. A Web Hook's
      // change is logged even when it repeats that value: Web Hooks can arrive out of order, and
      // the change between may still come. An RTM copy repeating the change just before it is
      // that change's late twin. The next change then follows the one logged.
      await manager.query(
        `WITH logged AS (
           INSERT INTO conversation_events
             (website_id, session_id, kind, old_value, new_value, happened_at, time_source, door)
           SELECT r.website_id, r.session_id, r.kind, b.value, r.new_value, r.happened_at,
             r.time_source, r.door
           FROM ${source}
           JOIN conversations c ON c.session_id = r.session_id
           LEFT JOIN LATERAL (SELECT x.new_value AS value, x.happened_at AS at
             FROM conversation_events x
             WHERE x.session_id = r.session_id AND x.kind = r.kind AND x.happened_at <= r.happened_at
             ORDER BY x.happened_at DESC, x.id DESC LIMIT 1) last ON true
           CROSS JOIN LATERAL (SELECT CASE WHEN last.at IS NOT NULL THEN last.value
             ELSE ${MIRROR_VALUE} END AS value) b
           WHERE NOT EXISTS (SELECT 1 FROM conversation_events e
               WHERE e.session_id = r.session_id AND e.kind = r.kind
                 AND e.happened_at = r.happened_at AND e.new_value IS NOT DISTINCT FROM r.new_value)
             AND NOT (r.time_source = 'received' AND b.value IS NOT DISTINCT FROM r.new_value
               AND (last.at IS NULL OR last.at >= r.happened_at - ${TWIN_WINDOW}))
           RETURNING session_id, kind, new_value, happened_at),
         next AS (
           SELECT (SELECT n.id FROM conversation_events n
             WHERE n.session_id = l.session_id AND n.kind = l.kind AND n.happened_at > l.happened_at
             ORDER BY n.happened_at, n.id LIMIT 1) AS id, l.new_value
           FROM logged l)
         UPDATE conversation_events e SET old_value = next.new_value FROM next WHERE e.id = next.id`,
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
   * arrival, and the Web Hook's time, Crisp's own, replaces it. Two like changes (resolved twice)
   * have like copies, and Web Hooks out of order can pair with the other change's copy, so the
   * row refined is chosen here, as TwinEvents chooses: the RTM-dated row of that kind and value
   * that arrived first after the Web Hook's time (else, within the clocks' skew, last before it).
   * Where none is left (RTM's copy logged nothing: it came after a like change already dated
   * later), the Web Hook's copy is logged in its place, so no change is lost.
   */
  async refineTimes(manager: EntityManager, patches: ConversationPatch[], removals: Removal[]) {
    const times = [
      ...patches.filter((patch) => patch.sync_source === 'webhook').flatMap(exactTimesOf),
      ...removals.flatMap((removal): ExactTime[] =>
        removal.twin_observed_at && removal.sync_source === 'webhook'
          ? [
              {
                website_id: removal.website_id,
                session_id: removal.session_id,
                kind: 'removed',
                new_value: null,
                at: removal.observed_at,
              },
            ]
          : [],
      ),
    ];
    const unmatched: ExactTime[] = [];
    for (const round of roundsOfDistinctKeys(times, (time) => `${time.session_id}/${time.kind}`)) {
      const refined: { session_id: string; kind: string }[] = await manager.query(
        `WITH target AS (
           SELECT (SELECT x.id FROM conversation_events x
             WHERE x.session_id = p.session_id AND x.kind = p.kind AND NOT x.inferred
               AND x.time_source <> 'webhook' AND x.new_value IS NOT DISTINCT FROM p.new_value
               AND x.happened_at BETWEEN p.at - ${SKEW} AND p.at + ${TWIN_WINDOW}
             ORDER BY x.happened_at < p.at, abs(extract(epoch FROM x.happened_at - p.at)), x.id
             LIMIT 1) AS id, p.at
           FROM jsonb_to_recordset($1::jsonb)
             AS p(session_id text, kind text, new_value jsonb, at timestamptz))
         UPDATE conversation_events e SET happened_at = target.at, time_source = 'webhook'
         FROM target WHERE e.id = target.id
         RETURNING e.session_id, e.kind`,
        [JSON.stringify(round)],
      );
      const found = new Set(refined.map((row) => `${row.session_id}/${row.kind}`));
      unmatched.push(...round.filter((time) => !found.has(`${time.session_id}/${time.kind}`)));
    }
    // Removals are logged by the database (trigger `conversation_events_log`), not here.
    await this.logToldChanges(
      manager,
      unmatched
        .filter((time) => time.kind !== 'removed')
        .map(({ website_id, session_id, kind, new_value, at }) => ({
          website_id,
          session_id,
          kind,
          new_value,
          happened_at: at,
          time_source: 'webhook',
          door: 'webhook',
        })),
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
  if (!patch.twin_observed_at) return [];
  return Object.entries(patch.columns).flatMap(([column, value]) => {
    const kind = KIND_OF_COLUMN.get(column);
    if (!kind) return [];
    const { website_id, session_id, observed_at: at } = patch;
    return [{ website_id, session_id, kind, new_value: value, at }];
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
        Math.abs(Date.parse(other.happened_at) - Date.parse(event.happened_at)) <= TWIN_WINDOW_MS,
    );
    if (!twin) kept.push(event);
  }
  return kept;
}
