import { MigrationInterface, QueryRunner } from 'typeorm';
import { BI_CONVERSATIONS, BI_DAILY_VOLUME } from './1795622000000-BiHistory';
import { BI_OPERATOR_DAILY } from './1795624000000-BiTeamViews';
import { commentOnViews } from './bi-view-comments';

/**
 * Issue 13, item 6: `bi_conversations` names the inbox and the assigned operator, from the
 * directory tables (migration Directory). New columns come last (CREATE OR REPLACE keeps the
 * others, and the read-only role's privileges, where they were).
 */
const NAMES = `,
  inbox."name" AS "inbox_name",
  operator."display_name" AS "assigned_operator_name"
FROM "conversations" c`;

const JOINS = `LEFT JOIN "inboxes" inbox
  ON inbox."website_id" = c."website_id" AND inbox."inbox_id" = c."inbox_id"
LEFT JOIN "operators" operator
  ON operator."website_id" = c."website_id" AND operator."user_id" = c."assigned_user_id"
WHERE c."deleted_at" IS NULL`;

const WITH_NAMES = BI_CONVERSATIONS.replace('\nFROM "conversations" c', NAMES).replace(
  'WHERE c."deleted_at" IS NULL',
  JOINS,
);

const COMMENTS: [string, string][] = [
  ['inbox_name', 'Name of the inbox the conversation is in (from inboxes)'],
  [
    'assigned_operator_name',
    'Name of the operator it is assigned to (operators.display_name: first and last name, else email)',
  ],
];

export class BiDirectoryNames1795630000000 implements MigrationInterface {
  name = 'BiDirectoryNames1795630000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(WITH_NAMES);
    for (const [column, meaning] of COMMENTS) {
      await queryRunner.query(
        `COMMENT ON COLUMN "bi_conversations"."${column}" IS '${meaning.replaceAll("'", "''")}'`,
      );
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // CREATE OR REPLACE cannot take columns away: the views built on it go, and come back, with it.
    const rebuilt = { bi_conversations: BI_CONVERSATIONS, bi_daily_volume: BI_DAILY_VOLUME };
    await queryRunner.query(`DROP VIEW "bi_operator_daily"`);
    await queryRunner.query(`DROP VIEW "bi_daily_volume"`);
    await queryRunner.query(`DROP VIEW "bi_conversations"`);
    for (const sql of [...Object.values(rebuilt), BI_OPERATOR_DAILY]) await queryRunner.query(sql);
    await commentOnViews(queryRunner, ['bi_conversations', 'bi_daily_volume', 'bi_operator_daily']);
  }
}
