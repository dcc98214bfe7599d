import { MigrationInterface, QueryRunner } from 'typeorm';

export class BackfillJobsAndRequestBudget1795602973533 implements MigrationInterface {
  name = 'BackfillJobsAndRequestBudget1795602973533';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "backfill_job_conversations" ("job_id" uuid NOT NULL, "session_id" text NOT NULL, "updated_at_crisp" TIMESTAMP WITH TIME ZONE, "status" text NOT NULL DEFAULT 'pending', "next_before" bigint, "stop_at" bigint, "messages_stored" integer NOT NULL DEFAULT '0', "requests" integer NOT NULL DEFAULT '0', CONSTRAINT "backfill_job_conversations_status_check" CHECK (status IN ('pending', 'done')), CONSTRAINT "backfill_job_conversations_pkey" PRIMARY KEY ("job_id", "session_id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "backfill_jobs" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "website_id" text NOT NULL, "status" text NOT NULL DEFAULT 'queued', "phase" text NOT NULL DEFAULT 'listing', "next_list_page" integer NOT NULL DEFAULT '1', "conversations_listed" integer NOT NULL DEFAULT '0', "conversations_skipped" integer NOT NULL DEFAULT '0', "list_requests" integer NOT NULL DEFAULT '0', "error" text, "resume_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "started_at" TIMESTAMP WITH TIME ZONE, "finished_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "backfill_jobs_phase_check" CHECK (phase IN ('listing', 'messages', 'done')), CONSTRAINT "backfill_jobs_status_check" CHECK (status IN ('queued', 'running', 'paused', 'completed', 'failed')), CONSTRAINT "backfill_jobs_pkey" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "backfill_jobs_one_active_per_website" ON "backfill_jobs"  ("website_id") WHERE status IN ('queued', 'running', 'paused')`,
    );
    await queryRunner.query(
      `CREATE TABLE "crisp_request_budget" ("day" date NOT NULL, "scope" text NOT NULL, "used" integer NOT NULL DEFAULT '0', CONSTRAINT "crisp_request_budget_pkey" PRIMARY KEY ("day", "scope"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "conversations" ADD "messages_synced_through" TIMESTAMP WITH TIME ZONE`,
    );
    await queryRunner.query(
      `ALTER TABLE "backfill_job_conversations" ADD CONSTRAINT "backfill_job_conversations_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "backfill_jobs"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "backfill_job_conversations" DROP CONSTRAINT "backfill_job_conversations_job_id_fkey"`,
    );
    await queryRunner.query(`ALTER TABLE "conversations" DROP COLUMN "messages_synced_through"`);
    await queryRunner.query(`DROP TABLE "crisp_request_budget"`);
    await queryRunner.query(`DROP INDEX "public"."backfill_jobs_one_active_per_website"`);
    await queryRunner.query(`DROP TABLE "backfill_jobs"`);
    await queryRunner.query(`DROP TABLE "backfill_job_conversations"`);
  }
}
