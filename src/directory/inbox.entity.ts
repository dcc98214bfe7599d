import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One inbox of a website as `GET /website/{id}/inboxes/list/{page}` last listed it. */
@Entity('inboxes', {
  comment: 'The inboxes of each website as Crisp last listed them (REST inboxes/list, every page)',
})
export class Inbox {
  @PrimaryColumn({
    name: 'website_id',
    type: 'text',
    primaryKeyConstraintName: 'inboxes_pkey',
    comment: 'Crisp website id',
  })
  websiteId: string;

  @PrimaryColumn({
    name: 'inbox_id',
    type: 'text',
    primaryKeyConstraintName: 'inboxes_pkey',
    comment: 'Crisp inbox id; joins conversations.inbox_id',
  })
  inboxId: string;

  @Column({ type: 'text', nullable: true, comment: 'Inbox name' })
  name: string | null;

  @Column({ type: 'text', nullable: true, comment: 'Inbox emoji' })
  emoji: string | null;

  @Column({
    name: 'sort_order',
    type: 'integer',
    nullable: true,
    comment: 'Crisp’s order of the inbox in its list (Crisp field order)',
  })
  sortOrder: number | null;

  @Column({
    type: 'jsonb',
    nullable: true,
    comment: 'User ids of the operators of the inbox, as Crisp lists them (a JSON array)',
  })
  operators: unknown;

  @Column({
    type: 'jsonb',
    nullable: true,
    comment:
      'Routing conditions of the inbox as Crisp lists them (model, criterion, operator, query)',
  })
  conditions: unknown;

  @Column({
    name: 'created_at',
    type: 'timestamptz',
    nullable: true,
    comment: 'When the inbox was created, per Crisp',
  })
  createdAt: Date | null;

  @Column({
    name: 'updated_at',
    type: 'timestamptz',
    nullable: true,
    comment: 'When the inbox was last changed, per Crisp',
  })
  updatedAt: Date | null;

  @Column({
    name: 'refreshed_at',
    type: 'timestamptz',
    comment: 'When a listing last named this inbox',
  })
  refreshedAt: Date;

  @Column({
    name: 'removed_at',
    type: 'timestamptz',
    nullable: true,
    comment:
      'When a complete listing first no longer named the inbox (kept, so past conversations keep a name); null while listed',
  })
  removedAt: Date | null;
}
