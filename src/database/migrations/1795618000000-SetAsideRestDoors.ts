import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 11 item 4 for the REST doors: a conversation or message from the backfill or the
 * catch-up that PostgreSQL refuses for its data (a NUL byte a visitor typed, say) is set aside
 * like a refused event, so `set_aside_events.door` also takes 'backfill' and 'reconcile'.
 */
const DOOR_COMMENT =
  'Where it came in: rtm or webhook (events), backfill or reconcile (REST reads of the backfill and the catch-up)';
const TABLE_COMMENT =
  'Crisp events, and conversations or messages read over REST, that a door could not store without losing part of them, kept whole';
const EVENT_COMMENT =
  'Crisp event name, as sent (null when the body named none); rest:conversation or rest:message for what a REST read returned';

export class SetAsideRestDoors1795618000000 implements MigrationInterface {
  name = 'SetAsideRestDoors1795618000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "set_aside_events" DROP CONSTRAINT "set_aside_events_door_check"`,
    );
    await queryRunner.query(
      `ALTER TABLE "set_aside_events" ADD CONSTRAINT "set_aside_events_door_check" CHECK (door IN ('rtm', 'webhook', 'backfill', 'reconcile'))`,
    );
    await this.comment(queryRunner, TABLE_COMMENT, DOOR_COMMENT, EVENT_COMMENT);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `DELETE FROM "set_aside_events" WHERE door IN ('backfill', 'reconcile')`,
    );
    await queryRunner.query(
      `ALTER TABLE "set_aside_events" DROP CONSTRAINT "set_aside_events_door_check"`,
    );
    await queryRunner.query(
      `ALTER TABLE "set_aside_events" ADD CONSTRAINT "set_aside_events_door_check" CHECK (door IN ('rtm', 'webhook'))`,
    );
    await this.comment(
      queryRunner,
      'Crisp events a door could not store without losing part of them, kept whole',
      'Where the event came in: rtm or webhook',
      'Crisp event name, as sent (null when the body named none)',
    );
  }

  private async comment(queryRunner: QueryRunner, table: string, door: string, event: string) {
    await queryRunner.query(`COMMENT ON TABLE "set_aside_events" IS '${table}'`);
    await queryRunner.query(`COMMENT ON COLUMN "set_aside_events"."door" IS '${door}'`);
    await queryRunner.query(`COMMENT ON COLUMN "set_aside_events"."event" IS '${event}'`);
  }
}
