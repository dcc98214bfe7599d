import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { SyncSource } from '../conversations/sync-source';
import {
  CONVERSATION_EVENT_KINDS,
  quotedList,
  TIME_SOURCES,
  type TimeSource,
} from './conversation-event-kinds';

/**
 * One change of a conversation, appended and never updated but for a more exact time, or the value
 * before when a Web Hook retried brings an earlier change late: written by
 * the database itself when a tracked column changes (trigger `conversation_events_log`, migration
 * ConversationHistory), and by the mirror writer for the operator opening or closing it.
 */
@Entity('conversation_events', {
  comment:
    'Every change of a conversation (state, assignment, inbox, segments, participants, block, verification, removal, opened or closed by an operator), one row each, oldest first; a row whose old_value equals its new_value is a value Crisp told again, which the BI views skip',
})
@Check('conversation_events_kind_check', `kind IN (${quotedList(CONVERSATION_EVENT_KINDS)})`)
@Check('conversation_events_time_source_check', `time_source IN (${quotedList(TIME_SOURCES)})`)
@Check('conversation_events_door_check', `door IN ('rtm', 'webhook', 'backfill', 'reconcile')`)
@Index('conversation_events_by_session', ['sessionId', 'kind', 'happenedAt'])
@Index('conversation_events_by_website', ['websiteId', 'kind', 'happenedAt'])
export class ConversationEvent {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'BY DEFAULT',
    primaryKeyConstraintName: 'conversation_events_pkey',
    comment: 'Order in which the mirror learnt of the changes',
  })
  id: string;

  @Column({ name: 'website_id', type: 'text', comment: 'Crisp website id' })
  websiteId: string;

  @Column({
    name: 'session_id',
    type: 'text',
    comment: 'Crisp conversation (session) id; joins conversations.session_id',
  })
  sessionId: string;

  @Column({
    type: 'text',
    comment:
      'What changed: state, assignment (the routing target), inbox, segments, participants, block, verification, removed, opened, closed',
  })
  kind: string;

  @Column({
    name: 'old_value',
    type: 'jsonb',
    nullable: true,
    comment:
      'The value before, as JSON (a state is "resolved"; an assignment the operator user id); null when there was none; equal to new_value when Crisp told the same value again',
  })
  oldValue: unknown;

  @Column({
    name: 'new_value',
    type: 'jsonb',
    nullable: true,
    comment: 'The value after, as JSON; null when it was cleared (e.g. unassigned)',
  })
  newValue: unknown;

  @Column({
    name: 'actor_user_id',
    type: 'text',
    nullable: true,
    comment: 'The operator who made the change, when Crisp names one (opened, closed)',
  })
  actorUserId: string | null;

  @Column({
    name: 'happened_at',
    type: 'timestamptz',
    comment: 'When the change happened, as exactly as known (see time_source)',
  })
  happenedAt: Date;

  @Column({
    name: 'time_source',
    type: 'text',
    comment:
      'Where happened_at comes from: webhook (Crisp time of the event), received (when RTM delivered it), updated_at (Crisp updated_at of the snapshot it was inferred from), detected (when the catch-up found it)',
  })
  timeSource: TimeSource;

  @Column({
    type: 'text',
    comment: 'The door that brought the change: rtm, webhook, backfill or reconcile',
  })
  door: SyncSource;

  @Column({
    type: 'boolean',
    default: false,
    comment:
      'True when no event told of the change: it was inferred from two REST snapshots, and more changes may lie between them',
  })
  inferred: boolean;

  @Column({
    name: 'recorded_at',
    type: 'timestamptz',
    default: () => 'now()',
    comment: 'When the mirror stored the row',
  })
  recordedAt: Date;
}
