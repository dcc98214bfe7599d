import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `conversation_messages.raw` keeps only what the typed columns do not hold exactly (see
 * `messageRawResidual` in crisp-record.mapper.ts); this function gives the whole Crisp payload
 * back from a row: the columns' fields, then `raw` over them (for a row stored before, whose
 * `raw` is the whole payload, that is `raw` itself). A column that is NULL adds nothing, so a
 * field Crisp did not send stays absent; a field Crisp sent as null is in `raw`. Hand-written:
 * TypeORM entities describe tables only, so the entities-vs-schema test is unmoved.
 */
const CRISP_MESSAGE_PAYLOAD = `
CREATE FUNCTION "crisp_message_payload"(m "conversation_messages") RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT jsonb_build_object(
      'session_id', m."session_id",
      'website_id', m."website_id",
      'fingerprint', m."fingerprint",
      'timestamp', (extract(epoch FROM m."timestamp") * 1000)::bigint
    )
    || jsonb_strip_nulls(jsonb_build_object(
      'origin', m."origin",
      'content', m."content",
      'read', m."read",
      'delivered', m."delivered",
      'preview', m."preview",
      'mentions', m."mentions",
      'stamped', m."stamped",
      'edited', m."edited"
    ))
    || coalesce(m."raw", '{}'::jsonb)
    || CASE
      WHEN m."raw" ? 'user' AND jsonb_typeof(m."raw" -> 'user') <> 'object' THEN '{}'::jsonb
      WHEN m."user_id" IS NULL AND m."user_nickname" IS NULL AND NOT coalesce(m."raw" ? 'user', false)
        THEN '{}'::jsonb
      ELSE jsonb_build_object('user',
        jsonb_strip_nulls(jsonb_build_object('user_id', m."user_id", 'nickname', m."user_nickname"))
        || coalesce(m."raw" -> 'user', '{}'::jsonb))
    END
$$`;

export class MessagePayloadFunction1795612000000 implements MigrationInterface {
  name = 'MessagePayloadFunction1795612000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(CRISP_MESSAGE_PAYLOAD);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION "crisp_message_payload"("conversation_messages")`);
  }
}
