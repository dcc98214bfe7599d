import { Controller, Get, Param, Query } from '@nestjs/common';
import type { ApiResponse } from '../common/api-response';
import { ListConversationsQueryDto } from './dto/list-conversations-query.dto';
import { PageQueryDto } from './dto/page-query.dto';
import { SessionIdParamDto } from './dto/session-id-param.dto';
import { ReadApiService } from './read-api.service';

/** The seed's database query endpoints. */
@Controller('crisp-db')
export class CrispDbController {
  constructor(private readonly readApi: ReadApiService) {}

  @Get('conversations')
  listConversations(@Query() query: ListConversationsQueryDto): Promise<ApiResponse<unknown[]>> {
    return this.readApi.listConversations(query);
  }

  @Get('messages/:sessionId')
  listMessages(
    @Param() { sessionId }: SessionIdParamDto,
    @Query() query: PageQueryDto,
  ): Promise<ApiResponse<unknown[]>> {
    return this.readApi.listMessages(sessionId, query);
  }
}
