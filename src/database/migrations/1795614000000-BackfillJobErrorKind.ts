import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Why a failed backfill failed, as a machine-readable kind (a Crisp failure kind such as
 * `not_subscribed`), so that `GET /crisp/conversations/:websiteId` can answer a caller's mistake
 * with 404 and Crisp's fault with 502 or 503 without reading the error text.
 */
export class BackfillJobErrorKind1795614000000 implements MigrationInterface {
  name = 'BackfillJobErrorKind1795614000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "backfill_jobs" ADD "error_kind" text`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "backfill_jobs" DROP COLUMN "error_kind"`);
  }
}
