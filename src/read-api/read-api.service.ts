import { BadRequestException, Injectable } from '@nestjs/common';
import type { ApiResponse } from '../common/api-response';
import { ConversationMessagesRepository } from '../conversations/conversation-messages.repository';
import { ConversationsRepository } from '../conversations/conversations.repository';
import type { ListConversationsQueryDto } from './dto/list-conversations-query.dto';
import type { PageQueryDto } from './dto/page-query.dto';
import { decodeConversationCursor, decodeMessageCursor, encodeCursor } from './page-cursor';

type Row = Record<string, unknown>;

/** Pages of mirrored rows in the seed's envelope; soft-deleted rows are never served. */
@Injectable()
export class ReadApiService {
  constructor(
    private readonly conversations: ConversationsRepository,
    private readonly messages: ConversationMessagesRepository,
  ) {}

  async listConversations(query: ListConversationsQueryDto): Promise<ApiResponse<Row[]>> {
    const { limit, websiteId } = query;
    const beforeId = query.cursor ? decodeConversationCursor(query.cursor).id : undefined;
    const [rows, total] = await Promise.all([
      this.conversations.findPage({ websiteId, limit, beforeId, offset: offsetOf(query) }),
      this.conversations.count(websiteId),
    ]);
    const last = rows.length === limit ? rows[rows.length - 1] : undefined;
    return page('Conversations retrieved from database successfully', rows, total, query, () =>
      last ? encodeCursor({ id: String(last.id) }) : null,
    );
  }

  async listMessages(sessionId: string, query: PageQueryDto): Promise<ApiResponse<Row[]>> {
    const { limit } = query;
    const after = query.cursor ? decodeMessageCursor(query.cursor) : undefined;
    const [rows, total] = await Promise.all([
      this.messages.findPage({ sessionId, limit, after, offset: offsetOf(query) }),
      this.messages.count(sessionId),
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
}

function offsetOf(query: PageQueryDto): number {
  if (query.cursor && query.page !== undefined) {
    throw new BadRequestException('page and cursor cannot be combined: pass one of them');
  }
  return query.cursor ? 0 : ((query.page ?? 1) - 1) * query.limit;
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
