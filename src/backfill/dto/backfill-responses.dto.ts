import { ApiProperty } from '@nestjs/swagger';
import { EnvelopeDto } from '../../common/dto/envelope.dto';
import { PaginationDto } from '../../common/dto/pagination.dto';
import { ConversationMessageDto } from '../../conversations/dto/conversation-message.dto';
import { ConversationDto } from '../../conversations/dto/conversation.dto';
import { BackfillStatusDto } from './backfill-status.dto';

/** A backfill job in the seed's envelope, for the OpenAPI document. */
export class BackfillJobResponseDto extends EnvelopeDto {
  @ApiProperty({
    description:
      '`Backfill started`, `Backfill already under way; joined it`, `Backfill status`, or `Backfill started; follow it at /crisp/backfill/<jobId>`',
    example: 'Backfill status',
  })
  message: string;

  @ApiProperty({ type: BackfillStatusDto })
  data: BackfillStatusDto;
}

/** `GET /crisp/conversations/:websiteId` once the backfill completed. */
export class SyncedWebsiteResponseDto extends EnvelopeDto {
  @ApiProperty({ example: 'All conversations retrieved, saved, and messages synced successfully' })
  message: string;

  @ApiProperty({
    type: [ConversationDto],
    description: "The website's newest 1,000 conversations from the database",
  })
  data: ConversationDto[];

  @ApiProperty({
    type: PaginationDto,
    description:
      "`total`: the website's conversations; `page`: Crisp list pages read; `pageParRecord`: rows in `data`; `nextCursor`: always null",
  })
  pagination: PaginationDto;
}

/** `GET /crisp/messages/:websiteId/:sessionId`. */
export class SyncedMessagesResponseDto extends EnvelopeDto {
  @ApiProperty({ example: 'Messages retrieved and saved successfully' })
  message: string;

  @ApiProperty({
    type: [ConversationMessageDto],
    description: 'Every stored message of the conversation, oldest first',
  })
  data: ConversationMessageDto[];
}
