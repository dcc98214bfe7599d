import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { CrispFailureKind } from '../crisp/crisp-api-error';

export const BACKFILL_STATUSES = ['queued', 'running', 'paused', 'completed', 'failed'] as const;
export type BackfillStatus = (typeof BACKFILL_STATUSES)[number];
export type BackfillPhase = 'listing' | 'messages' | 'done';

/**
 * A website's backfill, with the checkpoint it resumes from after a crash. Progress of the
 * message phase lives on its conversations (`backfill_job_conversations`), so that concurrent
 * workers never contend for this row.
 */
@Entity('backfill_jobs')
@Check(
  'backfill_jobs_status_check',
  `status IN ('queued', 'running', 'paused', 'completed', 'failed')`,
)
@Check('backfill_jobs_phase_check', `phase IN ('listing', 'messages', 'done')`)
@Index('backfill_jobs_one_active_per_website', ['websiteId'], {
  unique: true,
  where: `status IN ('queued', 'running', 'paused')`,
})
export class BackfillJob {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'backfill_jobs_pkey' })
  id: string;

  @Column({ name: 'website_id', type: 'text' })
  websiteId: string;

  @Column({ type: 'text', default: 'queued' })
  status: BackfillStatus;

  @Column({ type: 'text', default: 'listing' })
  phase: BackfillPhase;

  @Column({ name: 'next_list_page', type: 'integer', default: 1 })
  nextListPage: number;

  @Column({ name: 'conversations_listed', type: 'integer', default: 0 })
  conversationsListed: number;

  @Column({ name: 'conversations_skipped', type: 'integer', default: 0 })
  conversationsSkipped: number;

  /** Requests spent listing; message requests are counted per conversation. */
  @Column({ name: 'list_requests', type: 'integer', default: 0 })
  listRequests: number;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  /** The kind of Crisp failure that failed the job, or null. */
  @Column({ name: 'error_kind', type: 'text', nullable: true })
  errorKind: CrispFailureKind | null;

  @Column({ name: 'resume_at', type: 'timestamptz', nullable: true })
  resumeAt: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt: Date | null;
}
