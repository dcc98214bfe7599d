import { MigrationInterface, QueryRunner } from 'typeorm';

export class RealtimeFieldVersionsAndSyncState1795604776443 implements MigrationInterface {
  name = 'RealtimeFieldVersionsAndSyncState1795604776443';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "sync_state" ("key" text NOT NULL, "value" jsonb NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "sync_state_pkey" PRIMARY KEY ("key"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "conversation_messages" ADD "field_observed_at" jsonb NOT NULL DEFAULT '{}'`,
    );
    await queryRunner.query(
      `ALTER TABLE "conversations" ADD "field_observed_at" jsonb NOT NULL DEFAULT '{}'`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "conversations" DROP COLUMN "field_observed_at"`);
    await queryRunner.query(`ALTER TABLE "conversation_messages" DROP COLUMN "field_observed_at"`);
    await queryRunner.query(`DROP TABLE "sync_state"`);
  }
}
