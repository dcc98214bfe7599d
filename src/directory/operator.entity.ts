import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One operator of a website as `GET /website/{id}/operators/list` last listed them. The list
 * also carries the operator's API token (`identifier`, `key`) when they have one: that is a
 * credential, so no column holds it and no raw copy of the entry is kept anywhere.
 */
@Entity('operators', {
  comment:
    'The operators of each website as Crisp last listed them (REST operators/list); never their API token',
})
export class Operator {
  @PrimaryColumn({
    name: 'website_id',
    type: 'text',
    primaryKeyConstraintName: 'operators_pkey',
    comment: 'Crisp website id',
  })
  websiteId: string;

  @PrimaryColumn({
    name: 'user_id',
    type: 'text',
    primaryKeyConstraintName: 'operators_pkey',
    comment:
      'Crisp operator user id; joins conversations.assigned_user_id and conversation_messages user ids',
  })
  userId: string;

  @Column({ type: 'text', nullable: true, comment: 'The operator’s email address' })
  email: string | null;

  @Column({ name: 'first_name', type: 'text', nullable: true, comment: 'First name' })
  firstName: string | null;

  @Column({ name: 'last_name', type: 'text', nullable: true, comment: 'Last name' })
  lastName: string | null;

  @Column({
    name: 'display_name',
    type: 'text',
    nullable: true,
    comment:
      'Derived by the mirror: first and last name, else the email, else null (Crisp lists no nickname)',
  })
  displayName: string | null;

  @Column({ type: 'text', nullable: true, comment: 'Role on the website: owner or member' })
  role: string | null;

  @Column({ type: 'text', nullable: true, comment: 'Job title the operator set, if any' })
  title: string | null;

  @Column({ type: 'text', nullable: true, comment: 'Avatar URL, if any' })
  avatar: string | null;

  @Column({
    type: 'text',
    nullable: true,
    comment:
      'Availability (online, away, offline) as the last listing said; operator_availability keeps its history',
  })
  availability: string | null;

  @Column({
    name: 'has_token',
    type: 'boolean',
    nullable: true,
    comment: 'Whether the operator has an API token (the token itself is never stored)',
  })
  hasToken: boolean | null;

  @Column({
    name: 'refreshed_at',
    type: 'timestamptz',
    comment: 'When a listing last named this operator',
  })
  refreshedAt: Date;

  @Column({
    name: 'removed_at',
    type: 'timestamptz',
    nullable: true,
    comment:
      'When a complete listing first no longer named the operator (kept, so past conversations keep a name); null while listed',
  })
  removedAt: Date | null;
}
