import { Controller, Get, HttpException, HttpStatus, Param, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { ApiResponse } from '../common/api-response';
import { ConversationMessagesRepository } from '../conversations/conversation-messages.repository';
import { ConversationsRepository } from '../conversations/conversations.repository';
import { ApiErrors } from '../openapi/api-error-responses';
import { BackfillService } from './backfill.service';
import { ConversationSyncService } from './conversation-sync.service';
import {
  SyncWebsiteQueryDto,
  WebsiteIdParamDto,
  WebsiteSessionParamsDto,
} from './dto/backfill-params.dto';
import {
  BackfillJobResponseDto,
  SyncedMessagesResponseDto,
  SyncedWebsiteResponseDto,
} from './dto/backfill-responses.dto';
import { AdminOnly } from '../auth/access.decorator';
import { crispFailureAsHttp, httpStatusOfCrispFailure } from '../crisp/crisp-failure-http';

/** The most conversations `GET /crisp/conversations/:websiteId` puts in `data`; page the rest. */
const SYNC_RESPONSE_ROWS = 1_000;

/** The seed's Crisp endpoints: sync from Crisp, then answer from the database. */
@ApiTags('Sync from Crisp')
@Controller('crisp')
export class CrispController {
  constructor(
    private readonly backfill: BackfillService,
    private readonly conversationSync: ConversationSyncService,
    private readonly conversations: ConversationsRepository,
    private readonly messages: ConversationMessagesRepository,
  ) {}

  /** Syncs the whole website (a backfill), waiting for it unless `async=true` (then 202 at once). */
  @AdminOnly()
  @Get('conversations/:websiteId')
  @ApiOperation({
    summary: 'Sync a whole website from Crisp',
    description:
      "The seed's sync endpoint: runs a complete backfill of the website (every conversation, every message of each; or joins the one under way) and answers once it is done, with the website's newest 1,000 conversations from the database. With `async=true` it answers 202 with the job at once (follow it at `GET /crisp/backfill/{jobId}`). Spends Crisp quota; a big website takes a long time: prefer `async=true`.",
  })
  @ApiOkResponse({
    type: SyncedWebsiteResponseDto,
    description: 'The backfill completed',
  })
  @ApiAcceptedResponse({
    type: BackfillJobResponseDto,
    description: 'With `async=true`: the job, started or joined',
  })
  @ApiErrors({
    400: 'A `websiteId` that is not a Crisp website id, an `async` other than `true` or `false`, or an unknown parameter',
    404: 'The plugin is not installed on the website, or Crisp has no such website (the job failed)',
    502: 'The backfill failed: Crisp refused the credentials or a request, or another fault (the message gives the reason)',
    503: "The day's Crisp request budget is spent (the message says when the job resumes), or Crisp stayed rate-limiting or unavailable through every retry",
  })
  async syncWebsite(
    @Param() { websiteId }: WebsiteIdParamDto,
    @Query() query: SyncWebsiteQueryDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ApiResponse<unknown>> {
    const { status: started } = await this.backfill.startOrJoin(websiteId);
    if (query.async === 'true') {
      response.status(HttpStatus.ACCEPTED);
      return {
        code: HttpStatus.ACCEPTED,
        message: 'Backfill started; follow it at /crisp/backfill/' + started.id,
        data: started,
      };
    }
    const job = await this.backfill.waitUntilSettled(started.id);
    if (job.status === 'failed') {
      throw new HttpException(
        `Backfill failed: ${job.error ?? 'unknown error'}`,
        job.errorKind ? httpStatusOfCrispFailure(job.errorKind) : HttpStatus.BAD_GATEWAY,
      );
    }
    if (job.status === 'paused') {
      throw new HttpException(
        `Crisp request budget spent; the backfill resumes at ${job.resumeAt?.toISOString()} (job ${job.id})`,
        HttpStatus.SERVICE_UNAVAILABLE,
      );
    }
    const [rows, total] = await Promise.all([
      this.conversations.findPage({ websiteId, limit: SYNC_RESPONSE_ROWS }),
      this.conversations.count(websiteId),
    ]);
    return {
      code: HttpStatus.OK,
      message: 'All conversations retrieved, saved, and messages synced successfully',
      data: rows,
      pagination: {
        total,
        page: job.progress.listPagesRead,
        pageParRecord: rows.length,
        nextCursor: null,
      },
    };
  }

  /** Reads every message of one conversation from Crisp, stores them, and answers them. */
  @AdminOnly()
  @Get('messages/:websiteId/:sessionId')
  @ApiOperation({
    summary: "Sync one conversation's messages from Crisp",
    description:
      'Reads every message of the conversation from Crisp (paging back batch by batch until Crisp says the history is complete), stores them, and answers every stored message of it, oldest first. Spends Crisp quota: one request per batch (40 messages in the batches seen so far).',
  })
  @ApiOkResponse({ type: SyncedMessagesResponseDto, description: 'The messages, stored' })
  @ApiErrors({
    400: 'A `websiteId` that is not a Crisp website id or a `sessionId` that is not `session_<uuid>`',
    404: 'The plugin is not installed on the website, or Crisp has no such conversation',
    502: 'Crisp refused the credentials or the request',
    503: 'Crisp is rate-limiting or unavailable, or the day’s request budget is spent; retry later',
  })
  async syncConversation(
    @Param() { websiteId, sessionId }: WebsiteSessionParamsDto,
  ): Promise<ApiResponse<unknown>> {
    await this.conversationSync.syncAllMessages(websiteId, sessionId).catch((error: unknown) => {
      throw crispFailureAsHttp(error) ?? error;
    });
    const total = await this.messages.count(sessionId);
    return {
      code: HttpStatus.OK,
      message: 'Messages retrieved and saved successfully',
      data: await this.messages.findPage({ sessionId, limit: Math.max(total, 1) }),
    };
  }
}
