import type { SyncSource } from '../conversations/sync-source';
import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * An event a door could not store without losing part of it, kept whole for a person (or a later
 * release) to replay: the payload as it came, which door, why, and when (docs/SCHEMA.md).
 */
@Entity('set_aside_events', {
  comment:
    'Crisp events, and conversations or messages read over REST, that a door could not store without losing part of them, kept whole',
})
@Check('set_aside_events_door_check', `door IN ('rtm', 'webhook', 'backfill', 'reconcile')`)
@Index('set_aside_events_by_time', ['setAsideAt'])
export class SetAsideEvent {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'BY DEFAULT',
    primaryKeyConstraintName: 'set_aside_events_pkey',
  })
  id: string;

  @Column({
    type: 'text',
    comment:
      'Where it came in: rtm or webhook (events), backfill or reconcile (REST reads of the backfill and the catch-up)',
  })
  door: SyncSource;

  @Column({
    type: 'text',
    nullable: true,
    comment:
      'Crisp event name, as sent (null when the body named none); rest:conversation or rest:message for what a REST read returned',
  })
  event: string | null;

  @Column({
    type: 'text',
    comment:
      'Why: unknown_event, missing_ids, missing:<field>, invalid:<field>, nul_byte, malformed_hook, database_refused',
  })
  reason: string;

  @Column({
    type: 'text',
    nullable: true,
    comment: 'For database_refused: the SQLSTATE and message PostgreSQL gave',
  })
  detail: string | null;

  /** JSON text, not jsonb: jsonb refuses `\u0000`, one of the reasons an event is set aside. */
  @Column({
    type: 'text',
    comment:
      'The payload as JSON text (the raw body for a Web Hook); text, since jsonb refuses the NUL escape',
  })
  payload: string;

  @Column({
    name: 'set_aside_at',
    type: 'timestamptz',
    default: () => 'now()',
    comment: 'When it was set aside',
  })
  setAsideAt: Date;
}
