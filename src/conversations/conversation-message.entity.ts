import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
} from 'typeorm';
import type { Conversation } from './conversation.entity';
import type { SyncSource } from './sync-source';

/** One message of a conversation; a fingerprint is unique within its conversation only. */
@Entity('conversation_messages')
@Check(
  'conversation_messages_sync_source_check',
  `sync_source IN ('rtm', 'webhook', 'backfill', 'reconcile')`,
)
@Unique('conversation_messages_session_fingerprint', ['sessionId', 'fingerprint'])
@Index('conversation_messages_live_by_session', ['sessionId', 'timestamp', 'fingerprint'], {
  where: 'deleted_at IS NULL',
})
@Index('conversation_messages_by_website_time', ['websiteId', 'timestamp'])
export class ConversationMessage {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'BY DEFAULT',
    primaryKeyConstraintName: 'conversation_messages_pkey',
  })
  id: string;

  @Column({ type: 'bigint' })
  fingerprint: string;

  @Column({ name: 'session_id', type: 'text' })
  sessionId: string;

  @Column({ name: 'website_id', type: 'text' })
  websiteId: string;

  @Column({ type: 'text' })
  type: string;

  @Column({ name: 'from', type: 'text' })
  from: string;

  @Column({ type: 'text', nullable: true })
  origin: string | null;

  @Column({ type: 'text', nullable: true })
  content: string | null;

  @Column({ name: 'user_id', type: 'text', nullable: true })
  userId: string | null;

  @Column({ name: 'user_nickname', type: 'text', nullable: true })
  userNickname: string | null;

  @Column({ type: 'jsonb', nullable: true })
  preview: unknown;

  @Column({ type: 'jsonb', nullable: true })
  mentions: unknown;

  @Column({ type: 'text', nullable: true })
  read: string | null;

  @Column({ type: 'text', nullable: true })
  delivered: string | null;

  @Column({ type: 'boolean', nullable: true })
  stamped: boolean | null;

  /** False when Crisp left it out (it sends the key only when true). */
  @Column({
    type: 'boolean',
    default: false,
    comment: 'True once the message was edited; false when Crisp left the flag out',
  })
  edited: boolean;

  @Column({
    type: 'boolean',
    default: false,
    comment: 'True when Crisp translated the message; false when it left the flag out',
  })
  translated: boolean;

  @Column({
    type: 'boolean',
    default: false,
    comment:
      'True when Crisp marked the message automated (a bot, a trigger, a scenario); false when it left the flag out',
  })
  automated: boolean;

  @Column({ type: 'timestamptz' })
  timestamp: Date;

  @Column({ type: 'jsonb', nullable: true })
  raw: unknown;

  @Column({ name: 'observed_at', type: 'timestamptz' })
  observedAt: Date;

  @Column({ name: 'sync_source', type: 'text' })
  syncSource: SyncSource;

  @Column({ name: 'synced_at', type: 'timestamptz', default: () => 'now()' })
  syncedAt: Date;

  @Column({ name: 'deleted_at', type: 'timestamptz', nullable: true })
  deletedAt: Date | null;

  /** When each field changed by an event was observed: an older snapshot or event cannot undo it. */
  @Column({ name: 'field_observed_at', type: 'jsonb', default: () => "'{}'" })
  fieldObservedAt: Record<string, string>;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;

  @ManyToOne('Conversation', 'messages', { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'session_id',
    referencedColumnName: 'sessionId',
    foreignKeyConstraintName: 'conversation_messages_session_id_fkey',
  })
  conversation: Conversation;
}
