import { Controller, Get, Param, Query, UseInterceptors } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ApiResponse } from '../common/api-response';
import { ApiErrors } from '../openapi/api-error-responses';
import { ListConversationsQueryDto } from './dto/list-conversations-query.dto';
import { PageQueryDto } from './dto/page-query.dto';
import { ConversationPageDto, MessagePageDto } from './dto/page-responses.dto';
import { SessionIdParamDto } from './dto/session-id-param.dto';
import { ReadAdmissionInterceptor } from './read-admission.interceptor';
import { ReadApiService } from './read-api.service';

/** The seed's database query endpoints. */
@ApiTags('Mirror (read)')
@Controller('crisp-db')
@UseInterceptors(ReadAdmissionInterceptor)
export class CrispDbController {
  constructor(private readonly readApi: ReadApiService) {}

  @Get('conversations')
  @ApiOperation({
    summary: 'List mirrored conversations',
    description:
      'Conversations from PostgreSQL, newest first (by `id`), removed ones hidden. Page with `page` and `limit`, or follow `pagination.nextCursor` with `cursor` (then `pagination.page` is null).',
  })
  @ApiOkResponse({ type: ConversationPageDto, description: 'One page of conversations' })
  @ApiErrors({
    400: 'A bad `page`, `limit`, `websiteId` or `cursor`, `page` with `cursor`, or an unknown parameter',
  })
  listConversations(@Query() query: ListConversationsQueryDto): Promise<ApiResponse<unknown[]>> {
    return this.readApi.listConversations(query);
  }

  @Get('messages/:sessionId')
  @ApiOperation({
    summary: 'List the mirrored messages of a conversation',
    description:
      'Messages of one conversation from PostgreSQL, oldest first (`timestamp`, then `fingerprint`), removed ones hidden; same paging as the conversations. An unknown conversation answers an empty page, not a 404.',
  })
  @ApiOkResponse({ type: MessagePageDto, description: 'One page of messages' })
  @ApiErrors({
    400: 'A `sessionId` that is not `session_<uuid>`, a bad `page`, `limit` or `cursor`, `page` with `cursor`, or an unknown parameter',
  })
  listMessages(
    @Param() { sessionId }: SessionIdParamDto,
    @Query() query: PageQueryDto,
  ): Promise<ApiResponse<unknown[]>> {
    return this.readApi.listMessages(sessionId, query);
  }
}
