import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The change log keeps a state a Web Hook told again (its old value equals its new one): Web
 * Hooks arrive out of order, and a retried one can bring the change before it late. The comments
 * say so; the BI views already read changes in time order and skip such repeats.
 */
export class ChangeLogRepeats1795632000000 implements MigrationInterface {
  name = 'ChangeLogRepeats1795632000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `COMMENT ON TABLE "conversation_events" IS 'Every change of a conversation (state, assignment, inbox, segments, participants, block, verification, removal, opened or closed by an operator), one row each, oldest first; a row whose old_value equals its new_value is a value Crisp told again, which the BI views skip'`,
    );
    await queryRunner.query(
      `COMMENT ON COLUMN "conversation_events"."old_value" IS 'The value before, as JSON (a state is "resolved"; an assignment the operator user id); null when there was none; equal to new_value when Crisp told the same value again'`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `COMMENT ON COLUMN "conversation_events"."old_value" IS 'The value before, as JSON (a state is "resolved"; an assignment the operator user id); null when there was none'`,
    );
    await queryRunner.query(
      `COMMENT ON TABLE "conversation_events" IS 'Every change of a conversation (state, assignment, inbox, segments, participants, block, verification, removal, opened or closed by an operator), one row each, oldest first'`,
    );
  }
}
