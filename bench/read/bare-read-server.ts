import { createServer, type ServerResponse } from 'node:http';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { ConversationMessage } from '../../src/conversations/conversation-message.entity';
import { Conversation } from '../../src/conversations/conversation.entity';
import {
  conversationCountSql,
  conversationPageSql,
  messageCountSql,
  messagePageSql,
  type SqlQuery,
} from '../../src/conversations/read-queries';
import { selectListFor } from '../../src/conversations/select-list';
import { toPgClientConfig, type DatabaseConnection } from '../../src/database/database-connection';
import { typeOrmOptions } from '../../src/schema/typeorm-options';

/**
 * The benchmark's baseline: bare node:http and pg running the read API's very queries, with the
 * least code that answers the same envelope. What the service costs beyond this is framework,
 * validation and mapping.
 */
async function main(connection: DatabaseConnection, port: number, poolSize: number) {
  const metadataSource = new DataSource(typeOrmOptions(connection));
  await metadataSource.initialize();
  const conversationColumns = selectListFor(metadataSource.getMetadata(Conversation), ['raw']);
  const messageColumns = selectListFor(metadataSource.getMetadata(ConversationMessage), ['raw']);
  await metadataSource.destroy();
  const pool = new Pool({ ...toPgClientConfig(connection), max: poolSize });

  const page = async (
    response: ServerResponse,
    message: string,
    pageSql: SqlQuery,
    countSql: SqlQuery,
    limit: number,
    pageNumber: number | null,
  ) => {
    const [rows, count] = await Promise.all([
      pool.query(pageSql.text, pageSql.values),
      pool.query<{ total: string }>(countSql.text, countSql.values),
    ]);
    const body = {
      code: 200,
      message,
      data: rows.rows,
      pagination: {
        total: Number(count.rows[0].total),
        page: pageNumber,
        pageParRecord: limit,
        nextCursor: null,
      },
    };
    response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
  };

  createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const limit = Number(url.searchParams.get('limit') ?? 10);
    const cursor = url.searchParams.get('cursor');
    const pageNumber = cursor ? null : Number(url.searchParams.get('page') ?? 1);
    const offset = pageNumber ? (pageNumber - 1) * limit : 0;
    let work: Promise<void>;
    if (url.pathname === '/crisp-db/conversations') {
      const beforeId = cursor
        ? (JSON.parse(Buffer.from(cursor, 'base64url').toString()) as { id: string }).id
        : undefined;
      const websiteId = url.searchParams.get('websiteId') ?? undefined;
      work = page(
        response,
        'Conversations retrieved from database successfully',
        conversationPageSql(conversationColumns, { websiteId, limit, offset, beforeId }),
        conversationCountSql(websiteId),
        limit,
        pageNumber,
      );
    } else if (url.pathname.startsWith('/crisp-db/messages/')) {
      const sessionId = url.pathname.slice('/crisp-db/messages/'.length);
      work = page(
        response,
        'Messages retrieved from database successfully',
        messagePageSql(messageColumns, { sessionId, limit, offset }),
        messageCountSql(sessionId),
        limit,
        pageNumber,
      );
    } else {
      response.writeHead(404).end();
      return;
    }
    work.catch(() => response.writeHead(500).end());
  }).listen(port, '127.0.0.1', () => process.send?.('ready'));
}

const [connectionJson, port, poolSize] = process.argv.slice(2);
void main(JSON.parse(connectionJson) as DatabaseConnection, Number(port), Number(poolSize));
