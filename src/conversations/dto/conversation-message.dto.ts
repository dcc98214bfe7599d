import { ApiProperty, IntersectionType } from '@nestjs/swagger';
import {
  BigintColumn,
  JsonArray,
  NullableBoolean,
  NullableText,
  TextColumn,
  TimeColumn,
} from '../../common/dto/column-properties';
import { SyncMetadataDto } from './sync-metadata.dto';

class ConversationMessageColumnsDto {
  @BigintColumn('Surrogate key', '1001')
  id: string;

  @BigintColumn('Crisp message fingerprint (unique within its conversation)', '170000000000001')
  fingerprint: string;

  @TextColumn(
    'Crisp session id of the conversation',
    'session_8a3c1f52-5d0e-4b8e-9f7a-2d1c3b4a5e6f',
  )
  sessionId: string;

  @TextColumn('Crisp website id', '11111111-1111-4111-8111-111111111111')
  websiteId: string;

  @TextColumn(
    '`text`, `file`, `animation`, `audio`, `carousel`, `note`, `picker`, `field` or `event`',
    'text',
  )
  type: string;

  @ApiProperty({
    type: 'string',
    description: '`user` (the visitor) or `operator`',
    example: 'user',
  })
  from: string;

  @NullableText('`chat`, `email`, `urn:…`', 'chat')
  origin: string | null;

  @NullableText('The text; structured content (file, picker, event…) as its JSON', 'Hello!')
  content: string | null;

  @NullableText('Author id (for a visitor message, the session id)')
  userId: string | null;

  @NullableText('Author nickname')
  userNickname: string | null;

  @JsonArray('Link previews, as Crisp sends them')
  preview: unknown;

  @JsonArray('Mentioned operator ids', 'string')
  mentions: unknown;

  @NullableText('Channel it was read on (`chat`, `email`, or empty)')
  read: string | null;

  @NullableText('Channel it was delivered on (`chat`, `email`, or empty)')
  delivered: string | null;

  @NullableBoolean("Crisp's stamped flag")
  stamped: boolean | null;

  @NullableBoolean('Edited after it was sent')
  edited: boolean | null;

  @TimeColumn('When the message was sent', false)
  timestamp: string;
}

/** A row of `conversation_messages` as the API serves it: every column but `raw`, camelCase. */
export class ConversationMessageDto extends IntersectionType(
  ConversationMessageColumnsDto,
  SyncMetadataDto,
) {}
