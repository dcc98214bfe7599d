import { ApiProperty } from '@nestjs/swagger';
import { EnvelopeDto } from '../../common/dto/envelope.dto';
import { PaginationDto } from '../../common/dto/pagination.dto';
import { ConversationMessageDto } from '../../conversations/dto/conversation-message.dto';
import { ConversationDto } from '../../conversations/dto/conversation.dto';

/** `GET /crisp-db/conversations`, for the OpenAPI document. */
export class ConversationPageDto extends EnvelopeDto {
  @ApiProperty({ example: 'Conversations retrieved from database successfully' })
  message: string;

  @ApiProperty({ type: [ConversationDto], description: 'Newest first' })
  data: ConversationDto[];

  @ApiProperty({ type: PaginationDto })
  pagination: PaginationDto;
}

/** `GET /crisp-db/messages/:sessionId`, for the OpenAPI document. */
export class MessagePageDto extends EnvelopeDto {
  @ApiProperty({ example: 'Messages retrieved from database successfully' })
  message: string;

  @ApiProperty({
    type: [ConversationMessageDto],
    description: 'Oldest first (by `timestamp`, then `fingerprint`)',
  })
  data: ConversationMessageDto[];

  @ApiProperty({ type: PaginationDto })
  pagination: PaginationDto;
}
