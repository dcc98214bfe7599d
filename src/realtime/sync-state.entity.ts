import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Small named facts the sync keeps across restarts, e.g. the reconciler's watermark. */
@Entity('sync_state')
export class SyncState {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'sync_state_pkey' })
  key: string;

  @Column({ type: 'jsonb' })
  value: unknown;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
