import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { quotedList } from '../history/conversation-event-kinds';
import {
  AVAILABILITY_DOORS,
  AVAILABILITY_SOURCES,
  AVAILABILITY_STATUSES,
  type AvailabilityDoor,
  type AvailabilitySource,
  type AvailabilityStatus,
} from './directory-kinds';

/**
 * An operator's availability over time, one interval per status held. At most one interval of
 * an operator is open (ended_at null): a new status closes it at the new one's start, so the
 * intervals of an operator never overlap and leave no gap after the first.
 */
@Entity('operator_availability', {
  comment:
    'Each operator’s availability over time: one row per interval (online, away, offline), the open one with ended_at null',
})
@Check('operator_availability_status_check', `status IN (${quotedList(AVAILABILITY_STATUSES)})`)
@Check('operator_availability_source_check', `source IN (${quotedList(AVAILABILITY_SOURCES)})`)
@Check('operator_availability_door_check', `door IN (${quotedList(AVAILABILITY_DOORS)})`)
@Check('operator_availability_interval_check', `ended_at IS NULL OR ended_at >= started_at`)
@Index('operator_availability_open', ['websiteId', 'userId'], {
  unique: true,
  where: 'ended_at IS NULL',
})
@Index('operator_availability_by_operator', ['websiteId', 'userId', 'startedAt'])
export class OperatorAvailability {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'BY DEFAULT',
    primaryKeyConstraintName: 'operator_availability_pkey',
    comment: 'Order in which the mirror opened the intervals',
  })
  id: string;

  @Column({ name: 'website_id', type: 'text', comment: 'Crisp website id' })
  websiteId: string;

  @Column({
    name: 'user_id',
    type: 'text',
    comment: 'Crisp operator user id; joins operators (website_id, user_id)',
  })
  userId: string;

  @Column({ type: 'text', comment: 'The availability held: online, away or offline' })
  status: AvailabilityStatus;

  @Column({
    name: 'started_at',
    type: 'timestamptz',
    comment:
      'When the status began: the Web Hook’s time, RTM’s arrival, or a snapshot’s since (else its read time)',
  })
  startedAt: Date;

  @Column({
    name: 'ended_at',
    type: 'timestamptz',
    nullable: true,
    comment: 'When the next status began; null while this one is current',
  })
  endedAt: Date | null;

  @Column({
    type: 'text',
    comment: 'What told it: snapshot (REST availability/operators) or event',
  })
  source: AvailabilitySource;

  @Column({ type: 'text', comment: 'The door that brought it: rtm, webhook or rest' })
  door: AvailabilityDoor;
}
