import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A contact (Crisp "people" profile): read once per website from `people/profiles/{page}`, then
 * again, one by one, when Crisp tells it changed (docs/SCHEMA.md).
 */
@Entity('people', {
  comment:
    'Contact profiles (Crisp people): email, name, company, segments; refreshed when Crisp tells a profile changed',
})
@Index('people_by_email', ['websiteId', 'email'])
export class PeopleProfile {
  @PrimaryColumn({
    name: 'website_id',
    type: 'text',
    primaryKeyConstraintName: 'people_pkey',
    comment: 'Crisp website id',
  })
  websiteId: string;

  @PrimaryColumn({
    name: 'people_id',
    type: 'text',
    primaryKeyConstraintName: 'people_pkey',
    comment: 'Crisp people id; joins conversations.people_id',
  })
  peopleId: string;

  @Column({ type: 'text', nullable: true, comment: 'Email address' })
  email: string | null;

  @Column({ type: 'text', nullable: true, comment: 'Name the contact goes by (person.nickname)' })
  nickname: string | null;

  @Column({ name: 'company_name', type: 'text', nullable: true, comment: 'Company name' })
  companyName: string | null;

  @Column({ type: 'jsonb', nullable: true, comment: 'Segments (tags), a JSON list of strings' })
  segments: unknown;

  @Column({
    type: 'jsonb',
    nullable: true,
    comment: 'The whole person object Crisp gave (phone, address, employment, geolocation…)',
  })
  person: unknown;

  @Column({ type: 'jsonb', nullable: true, comment: 'The whole company object Crisp gave' })
  company: unknown;

  @Column({
    name: 'created_at_crisp',
    type: 'timestamptz',
    nullable: true,
    comment: 'When Crisp created the profile',
  })
  createdAtCrisp: Date | null;

  @Column({
    name: 'updated_at_crisp',
    type: 'timestamptz',
    nullable: true,
    comment: 'When Crisp last updated the profile',
  })
  updatedAtCrisp: Date | null;

  @Column({
    name: 'refreshed_at',
    type: 'timestamptz',
    nullable: true,
    comment: 'When the profile was last read from Crisp (null: known from an event only)',
  })
  refreshedAt: Date | null;

  @Column({
    name: 'removed_at',
    type: 'timestamptz',
    nullable: true,
    comment: 'When Crisp removed the profile (it is kept, like removed conversations)',
  })
  removedAt: Date | null;
}
