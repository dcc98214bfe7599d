import { Controller, Get, HttpException, HttpStatus, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { ApiResponse } from '../common/api-response';
import { ConversationMessagesRepository } from '../conversations/conversation-messages.repository';
import { ConversationsRepository } from '../conversations/conversations.repository';
import { BackfillService } from './backfill.service';
import { ConversationSyncService } from './conversation-sync.service';
import {
  SyncWebsiteQueryDto,
  WebsiteIdParamDto,
  WebsiteSessionParamsDto,
} from './dto/backfill-params.dto';

/** The most conversations `GET /crisp/conversations/:websiteId` puts in `data`; page the rest. */
const SYNC_RESPONSE_ROWS = 1_000;

/** The seed's Crisp endpoints: sync from Crisp, then answer from the database. */
@Controller('crisp')
export class CrispController {
  constructor(
    private readonly backfill: BackfillService,
    private readonly conversationSync: ConversationSyncService,
    private readonly conversations: ConversationsRepository,
    private readonly messages: ConversationMessagesRepository,
  ) {}

  /** Syncs the whole website (a backfill), waiting for it unless `async=true` (then 202 at once). */
  @Get('conversations/:websiteId')
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
        HttpStatus.BAD_GATEWAY,
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
  @Get('messages/:websiteId/:sessionId')
  async syncConversation(
    @Param() { websiteId, sessionId }: WebsiteSessionParamsDto,
  ): Promise<ApiResponse<unknown>> {
    await this.conversationSync.syncAllMessages(websiteId, sessionId);
    const total = await this.messages.count(sessionId);
    return {
      code: HttpStatus.OK,
      message: 'Messages retrieved and saved successfully',
      data: await this.messages.findPage({ sessionId, limit: Math.max(total, 1) }),
    };
  }
}
