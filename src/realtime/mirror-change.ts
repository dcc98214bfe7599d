import type {
  ConversationPatch,
  MessagePatch,
  Removal,
} from '../conversations/conversation-patches';
import type { MessageRecord } from '../conversations/conversation-records';
import type { ConversationStub } from '../conversations/conversations.repository';
import { KIND_OF_COLUMN, type TimeSource } from '../history/conversation-event-kinds';
import type { FreshEntity } from '../freshness/entity-freshness.service';
import type { ActorEventRecord } from '../history/conversation-events.repository';
import type { RatingRecord } from '../ratings/conversation-ratings.repository';
import type { PeopleHint } from '../people/people.repository';
import type { ConversationPatch as Patch } from '../conversations/conversation-patches';
import type { AvailabilityRecord } from '../directory/operator-availability.repository';

/** What one event changes in the mirror; the writer applies a batch of these in one transaction. */
export type MirrorChange =
  | { kind: 'conversation'; stub: ConversationStub; initiated: boolean }
  | { kind: 'message'; record: MessageRecord }
  | { kind: 'conversation-patch'; patch: ConversationPatch }
  | { kind: 'message-patch'; patch: MessagePatch }
  | { kind: 'conversation-removed'; removal: Removal }
  | { kind: 'message-removed'; removal: Removal }
  | { kind: 'rating'; rating: RatingRecord }
  | { kind: 'actor-event'; event: ActorEventRecord }
  | { kind: 'people-hint'; hint: PeopleHint }
  | { kind: 'operator-availability'; availability: AvailabilityRecord };

/**
 * What a door does with one event: write its changes, ignore it (it changes nothing mirrored), or
 * set it aside whole with a reason (a low-cardinality label: `unknown_event`, `missing_ids`,
 * `invalid:<field>`), because storing part of it would silently lose the rest.
 */
export type EventMapping =
  | { outcome: 'changes'; changes: MirrorChange[] }
  | { outcome: 'ignored' }
  | { outcome: 'set-aside'; reason: string };

export const IGNORED: EventMapping = { outcome: 'ignored' };

export function setAside(reason: string): EventMapping {
  return { outcome: 'set-aside', reason };
}

export function changes(list: MirrorChange[]): EventMapping {
  return { outcome: 'changes', changes: list };
}

/** The ids and time every change of one event carries. */
export interface EventContext {
  website_id: string;
  session_id: string;
  sync_source: 'rtm' | 'webhook';
  observed_at: string;
  /** When the event happened, for a message that names no timestamp of its own. */
  at: Date;
  twin_observed_at?: string;
}

export function conversationStub(context: EventContext, initiated = false): MirrorChange {
  const { website_id, session_id, sync_source } = context;
  return { kind: 'conversation', stub: { website_id, session_id, sync_source }, initiated };
}

/** The conversation, and one change of its columns. */
export function patch(context: EventContext, columns: Patch['columns']): EventMapping {
  return changes([
    conversationStub(context),
    { kind: 'conversation-patch', patch: { ...patchBase(context), columns } },
  ]);
}

export function patchBase(context: EventContext) {
  const { website_id, session_id, sync_source, observed_at, twin_observed_at } = context;
  return {
    website_id,
    session_id,
    sync_source,
    observed_at,
    ...(twin_observed_at && { twin_observed_at }),
  };
}

/** RTM carries no time: what it tells happened when it arrived; a Web Hook names Crisp's time. */
export function timeSourceOf(context: EventContext): TimeSource {
  return context.sync_source === 'webhook' ? 'webhook' : 'received';
}

/** The entities besides conversations and messages that a batch of changes stored events for. */
export function freshEntitiesOf(changes: MirrorChange[]): Set<FreshEntity> {
  const entities = new Set<FreshEntity>();
  for (const change of changes) {
    if (change.kind === 'rating') entities.add('conversation_ratings');
    if (change.kind === 'people-hint') entities.add('people');
    if (change.kind === 'operator-availability') entities.add('operator_availability');
    if (
      change.kind === 'actor-event' ||
      change.kind === 'conversation-removed' ||
      (change.kind === 'conversation-patch' &&
        Object.keys(change.patch.columns).some((column) => KIND_OF_COLUMN.has(column)))
    ) {
      entities.add('conversation_events');
    }
  }
  return entities;
}
