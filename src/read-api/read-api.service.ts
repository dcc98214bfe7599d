import { BadRequestException, Injectable } from '@nestjs/common';
import type { ApiResponse } from '../common/api-response';
import { AppConfig } from '../config/app-config';
import { ConversationMessagesRepository } from '../conversations/conversation-messages.repository';
import { ConversationsRepository } from '../conversations/conversations.repository';
import type { ListConversationsQueryDto } from './dto/list-conversations-query.dto';
import type { PageQueryDto } from './dto/page-query.dto';
import { CountCache } from './count-cache';
import { decodeConversationCursor, decodeMessageCursor, encodeCursor } from './page-cursor';

/** How stale `pagination.total` may be (README.md → Endpoints). */
export const TOTAL_CACHE_MS = 5_000;

type Row = Record<string, unknown>;

/** Pages of mirrored rows in the seed's envelope; soft-deleted rows are never served. */
@Injectable()
export class ReadApiService {
  private readonly totals = new CountCache(TOTAL_CACHE_MS);
  private readonly maxOffset: number;

  constructor(
    private readonly conversations: ConversationsRepository,
    private readonly messages: ConversationMessagesRepository,
    config: AppConfig,
  ) {
    this.maxOffset = config.reads.maxOffset;
  }

  async listConversations(query: ListConversationsQueryDto): Promise<ApiResponse<Row[]>> {
    const { limit, websiteId } = query;
    const beforeId = query.cursor ? decodeConversationCursor(query.cursor).id : undefined;
    const offset = this.offsetOf(query);
    const [rows, total] = await Promise.all([
      this.conversations.findPage({ websiteId, limit, beforeId, offset }),
      this.totals.get(`conversations:${websiteId ?? '*'}`, () =>
        this.conversations.count(websiteId),
      ),
    ]);
    const last = rows.length === limit ? rows[rows.length - 1] : undefined;
    return page('Conversations retrieved from database successfully', rows, total, query, () =>
      last ? encodeCursor({ id: String(last.id) }) : null,
    );
  }

  async listMessages(sessionId: string, query: PageQueryDto): Promise<ApiResponse<Row[]>> {
    const { limit } = query;
    const after = query.cursor ? decodeMessageCursor(query.cursor) : undefined;
    const offset = this.offsetOf(query);
    const [rows, total] = await Promise.all([
      this.messages.findPage({ sessionId, limit, after, offset }),
      this.totals.get(`messages:${sessionId}`, () => this.messages.count(sessionId)),
    ]);
    const last = rows.length === limit ? rows[rows.length - 1] : undefined;
    return page('Messages retrieved from database successfully', rows, total, query, () =>
      last
        ? encodeCursor({
            timestamp: (last.timestamp as Date).toISOString(),
            fingerprint: String(last.fingerprint),
          })
        : null,
    );
  }

  /** PostgreSQL walks every skipped row: past `READ_MAX_OFFSET` a page must come by cursor. */
  private offsetOf(query: PageQueryDto): number {
    if (query.cursor && query.page !== undefined) {
      throw new BadRequestException('page and cursor cannot be combined: pass one of them');
    }
    const offset = query.cursor ? 0 : ((query.page ?? 1) - 1) * query.limit;
    if (offset > this.maxOffset) {
      throw new BadRequestException(
        `page: pages deeper than ${this.maxOffset} rows are not served by number; follow pagination.nextCursor with cursor instead`,
      );
    }
    return offset;
  }
}

function page(
  message: string,
  data: Row[],
  total: number,
  query: PageQueryDto,
  nextCursor: () => string | null,
): ApiResponse<Row[]> {
  return {
    code: 200,
    message,
    data,
    pagination: {
      total,
      page: query.cursor ? null : (query.page ?? 1),
      pageParRecord: query.limit,
      nextCursor: nextCursor(),
    },
  };
}
