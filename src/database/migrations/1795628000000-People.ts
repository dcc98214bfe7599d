import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 13, item 5: `people`, the contact profiles (PeopleSyncService reads them once per website,
 * then each one events tell changed).
 */
export class People1795628000000 implements MigrationInterface {
  name = 'People1795628000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "people" ("website_id" text NOT NULL, "people_id" text NOT NULL, "email" text, "nickname" text, "company_name" text, "segments" jsonb, "person" jsonb, "company" jsonb, "created_at_crisp" TIMESTAMP WITH TIME ZONE, "updated_at_crisp" TIMESTAMP WITH TIME ZONE, "refreshed_at" TIMESTAMP WITH TIME ZONE, "removed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "people_pkey" PRIMARY KEY ("website_id", "people_id")); COMMENT ON COLUMN "people"."website_id" IS 'Crisp website id'; COMMENT ON COLUMN "people"."people_id" IS 'Crisp people id; joins conversations.people_id'; COMMENT ON COLUMN "people"."email" IS 'Email address'; COMMENT ON COLUMN "people"."nickname" IS 'Name the contact goes by (person.nickname)'; COMMENT ON COLUMN "people"."company_name" IS 'Company name'; COMMENT ON COLUMN "people"."segments" IS 'Segments (tags), a JSON list of strings'; COMMENT ON COLUMN "people"."person" IS 'The whole person object Crisp gave (phone, address, employment, geolocation…)'; COMMENT ON COLUMN "people"."company" IS 'The whole company object Crisp gave'; COMMENT ON COLUMN "people"."created_at_crisp" IS 'When Crisp created the profile'; COMMENT ON COLUMN "people"."updated_at_crisp" IS 'When Crisp last updated the profile'; COMMENT ON COLUMN "people"."refreshed_at" IS 'When the profile was last read from Crisp (null: known from an event only)'; COMMENT ON COLUMN "people"."removed_at" IS 'When Crisp removed the profile (it is kept, like removed conversations)'`,
    );
    await queryRunner.query(`CREATE INDEX "people_by_email" ON "people"  ("website_id", "email") `);
    await queryRunner.query(
      `COMMENT ON TABLE "people" IS 'Contact profiles (Crisp people): email, name, company, segments; refreshed when Crisp tells a profile changed'`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`COMMENT ON TABLE "people" IS NULL`);
    await queryRunner.query(`DROP INDEX "public"."people_by_email"`);
    await queryRunner.query(`DROP TABLE "people"`);
  }
}
