import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { SyncSource } from '../conversations/sync-source';
import { quotedList, TIME_SOURCES, type TimeSource } from '../history/conversation-event-kinds';

/**
 * The visitor's rating of a conversation (`session:sync:rating`). Crisp keeps one per
 * conversation and has no public REST route to read it, so RTM and Web Hooks are its only source.
 */
@Entity('conversation_ratings', {
  comment:
    'The rating (CSAT) a visitor gave a conversation, one per conversation, the latest kept; from RTM and Web Hooks only',
})
@Check('conversation_ratings_door_check', `door IN ('rtm', 'webhook')`)
@Check('conversation_ratings_time_source_check', `time_source IN (${quotedList(TIME_SOURCES)})`)
@Index('conversation_ratings_by_website', ['websiteId', 'ratedAt'])
export class ConversationRating {
  @PrimaryColumn({
    name: 'session_id',
    type: 'text',
    primaryKeyConstraintName: 'conversation_ratings_pkey',
    comment: 'Crisp conversation (session) id; joins conversations.session_id',
  })
  sessionId: string;

  @Column({ name: 'website_id', type: 'text', comment: 'Crisp website id' })
  websiteId: string;

  @Column({
    type: 'smallint',
    comment: 'Stars the visitor gave, as Crisp sent them (1 to 5 in the widget)',
  })
  stars: number;

  @Column({
    type: 'text',
    nullable: true,
    comment: 'What the visitor wrote with the rating, if anything',
  })
  comment: string | null;

  @Column({
    name: 'rated_at',
    type: 'timestamptz',
    comment: 'When the visitor rated, as exactly as known (see time_source)',
  })
  ratedAt: Date;

  @Column({
    name: 'time_source',
    type: 'text',
    comment: 'Where rated_at comes from: webhook (Crisp time of the event) or received (RTM)',
  })
  timeSource: TimeSource;

  @Column({ type: 'text', comment: 'The door that brought the rating: rtm or webhook' })
  door: SyncSource;

  @Column({
    name: 'updated_at',
    type: 'timestamptz',
    default: () => 'now()',
    comment: 'When the mirror last changed the row',
  })
  updatedAt: Date;
}
