import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A website's opening hours, which its users fill in with SQL: the BI views count
 * `*_business_seconds` inside them (function `bi_business_seconds`, docs/BI.md). The service
 * never writes it.
 */
@Entity('bi_business_hours', {
  comment:
    'Opening hours per website, filled in by you with SQL (one row per weekday and opening span): the BI views count *_business_seconds inside them',
})
@Check('bi_business_hours_weekday_check', `weekday BETWEEN 1 AND 7`)
@Check('bi_business_hours_span_check', `closes > opens`)
export class BiBusinessHours {
  @PrimaryColumn({
    name: 'website_id',
    type: 'text',
    primaryKeyConstraintName: 'bi_business_hours_pkey',
    comment: 'Crisp website id',
  })
  websiteId: string;

  @PrimaryColumn({
    type: 'smallint',
    primaryKeyConstraintName: 'bi_business_hours_pkey',
    comment: 'ISO day of the week: 1 Monday … 7 Sunday',
  })
  weekday: number;

  @PrimaryColumn({
    type: 'time',
    primaryKeyConstraintName: 'bi_business_hours_pkey',
    comment: 'Local time the span opens, e.g. 09:00',
  })
  opens: string;

  @Column({ type: 'time', comment: 'Local time the span closes, e.g. 17:30 (24:00 for midnight)' })
  closes: string;

  @Column({
    name: 'time_zone',
    type: 'text',
    default: 'UTC',
    comment: 'IANA time zone of opens and closes, e.g. Europe/Paris',
  })
  timeZone: string;
}
