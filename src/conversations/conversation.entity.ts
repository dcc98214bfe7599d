import { Check, Column, Entity, Index, OneToMany, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { ConversationMessage } from './conversation-message.entity';
import type { SyncSource } from './sync-source';

/** One Crisp conversation (a "session"); column names are the seed's, documented in docs/SCHEMA.md. */
@Entity('conversations')
@Unique('conversations_session_id_key', ['sessionId'])
@Check(
  'conversations_sync_source_check',
  `sync_source IN ('rtm', 'webhook', 'backfill', 'reconcile')`,
)
@Index('conversations_live_by_id', ['id'], { where: 'deleted_at IS NULL' })
@Index('conversations_live_by_website', ['websiteId', 'id'], { where: 'deleted_at IS NULL' })
@Index('conversations_by_website_updated', ['websiteId', 'updatedAtCrisp'])
@Index('conversations_by_created', ['createdAtCrisp'])
export class Conversation {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'BY DEFAULT',
    primaryKeyConstraintName: 'conversations_pkey',
  })
  id: string;

  @Column({ name: 'session_id', type: 'text' })
  sessionId: string;

  @Column({ name: 'website_id', type: 'text' })
  websiteId: string;

  @Column({ name: 'inbox_id', type: 'text', nullable: true })
  inboxId: string | null;

  @Column({ name: 'people_id', type: 'text', nullable: true })
  peopleId: string | null;

  @Column({ type: 'text', nullable: true })
  state: string | null;

  @Column({ type: 'smallint', nullable: true })
  status: number | null;

  @Column({ name: 'is_blocked', type: 'boolean', nullable: true })
  isBlocked: boolean | null;

  @Column({ name: 'is_verified', type: 'boolean', nullable: true })
  isVerified: boolean | null;

  @Column({ type: 'text', nullable: true })
  availability: string | null;

  @Column({ name: 'active_now', type: 'boolean', nullable: true })
  activeNow: boolean | null;

  @Column({ name: 'active_last', type: 'timestamptz', nullable: true })
  activeLast: Date | null;

  @Column({ name: 'assigned_user_id', type: 'text', nullable: true })
  assignedUserId: string | null;

  @Column({ type: 'jsonb', nullable: true })
  participants: unknown;

  @Column({ type: 'jsonb', nullable: true })
  mentions: unknown;

  @Column({ type: 'jsonb', nullable: true })
  verifications: unknown;

  @Column({ type: 'jsonb', nullable: true })
  compose: unknown;

  @Column({ name: 'unread_operator', type: 'integer', nullable: true })
  unreadOperator: number | null;

  @Column({ name: 'unread_visitor', type: 'integer', nullable: true })
  unreadVisitor: number | null;

  @Column({ name: 'last_message', type: 'text', nullable: true })
  lastMessage: string | null;

  @Column({ name: 'preview_message_type', type: 'text', nullable: true })
  previewMessageType: string | null;

  @Column({ name: 'preview_message_from', type: 'text', nullable: true })
  previewMessageFrom: string | null;

  @Column({ name: 'preview_message_excerpt', type: 'text', nullable: true })
  previewMessageExcerpt: string | null;

  @Column({ name: 'preview_message_fingerprint', type: 'bigint', nullable: true })
  previewMessageFingerprint: string | null;

  @Column({ name: 'waiting_since', type: 'timestamptz', nullable: true })
  waitingSince: Date | null;

  @Column({ name: 'meta_nickname', type: 'text', nullable: true })
  metaNickname: string | null;

  @Column({ name: 'meta_email', type: 'text', nullable: true })
  metaEmail: string | null;

  @Column({ name: 'meta_phone', type: 'text', nullable: true })
  metaPhone: string | null;

  @Column({ name: 'meta_avatar', type: 'text', nullable: true })
  metaAvatar: string | null;

  @Column({ name: 'meta_ip', type: 'text', nullable: true })
  metaIp: string | null;

  @Column({ name: 'meta_origin', type: 'text', nullable: true })
  metaOrigin: string | null;

  @Column({ name: 'meta_subject', type: 'text', nullable: true })
  metaSubject: string | null;

  @Column({ name: 'meta_address', type: 'text', nullable: true })
  metaAddress: string | null;

  @Column({ name: 'meta_segments', type: 'jsonb', nullable: true })
  metaSegments: unknown;

  @Column({ name: 'meta_data', type: 'jsonb', nullable: true })
  metaData: unknown;

  @Column({ name: 'meta_device', type: 'jsonb', nullable: true })
  metaDevice: unknown;

  @Column({ name: 'meta_connection', type: 'jsonb', nullable: true })
  metaConnection: unknown;

  @Column({ name: 'created_at_crisp', type: 'timestamptz', nullable: true })
  createdAtCrisp: Date | null;

  @Column({ name: 'updated_at_crisp', type: 'timestamptz', nullable: true })
  updatedAtCrisp: Date | null;

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

  /** The Crisp `updated_at` up to which every message is stored: a newer one means read again. */
  @Column({ name: 'messages_synced_through', type: 'timestamptz', nullable: true })
  messagesSyncedThrough: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;

  @OneToMany('ConversationMessage', 'conversation')
  messages: ConversationMessage[];
}
