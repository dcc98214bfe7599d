import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { BackfillJob } from './backfill-job.entity';

/**
 * One conversation a backfill must read the messages of; `next_before` is where paging back
 * resumes (the `timestamp_before` of the next request), so a crash costs no request twice.
 */
@Entity('backfill_job_conversations')
@Check('backfill_job_conversations_status_check', `status IN ('pending', 'done')`)
export class BackfillJobConversation {
  @PrimaryColumn({
    name: 'job_id',
    type: 'uuid',
    primaryKeyConstraintName: 'backfill_job_conversations_pkey',
  })
  jobId: string;

  @PrimaryColumn({
    name: 'session_id',
    type: 'text',
    primaryKeyConstraintName: 'backfill_job_conversations_pkey',
  })
  sessionId: string;

  @Column({ name: 'updated_at_crisp', type: 'timestamptz', nullable: true })
  updatedAtCrisp: Date | null;

  @Column({ type: 'text', default: 'pending' })
  status: 'pending' | 'done';

  @Column({ name: 'next_before', type: 'bigint', nullable: true })
  nextBefore: string | null;

  /**
   * When the conversation's messages were complete before, the newest one stored then (ms):
   * paging back stops on reaching it. Null: read everything.
   */
  @Column({ name: 'stop_at', type: 'bigint', nullable: true })
  stopAt: string | null;

  @Column({ name: 'messages_stored', type: 'integer', default: 0 })
  messagesStored: number;

  @Column({ type: 'integer', default: 0 })
  requests: number;

  @ManyToOne('BackfillJob', { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'job_id',
    foreignKeyConstraintName: 'backfill_job_conversations_job_id_fkey',
  })
  job: BackfillJob;
}
