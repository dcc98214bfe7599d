/**
 * The read API's SQL, as text and values, so that the repositories and the benchmark's bare
 * baseline server run exactly the same queries.
 */
export interface SqlQuery {
  text: string;
  values: unknown[];
}

export interface ConversationPageQuery {
  websiteId?: string;
  limit: number;
  offset?: number;
  /** Keyset: only conversations with a smaller id (the list runs newest first). */
  beforeId?: string;
}

export interface MessagePageQuery {
  sessionId: string;
  limit: number;
  offset?: number;
  /** Keyset: only messages after this (timestamp, fingerprint); the list runs oldest first. */
  after?: { timestamp: string; fingerprint: string };
}

function liveConversations(websiteId: string | undefined) {
  const where = ['deleted_at IS NULL'];
  const values: unknown[] = [];
  if (websiteId !== undefined) {
    values.push(websiteId);
    where.push(`website_id = $${values.length}`);
  }
  return { where, values };
}

export function conversationPageSql(selectList: string, query: ConversationPageQuery): SqlQuery {
  const { where, values } = liveConversations(query.websiteId);
  if (query.beforeId !== undefined) {
    values.push(query.beforeId);
    where.push(`id < $${values.length}`);
  }
  values.push(query.limit, query.offset ?? 0);
  return {
    text: `SELECT ${selectList} FROM conversations WHERE ${where.join(' AND ')}
      ORDER BY id DESC LIMIT $${values.length - 1} OFFSET $${values.length}`,
    values,
  };
}

export function conversationCountSql(websiteId: string | undefined): SqlQuery {
  const { where, values } = liveConversations(websiteId);
  return {
    text: `SELECT count(*) AS total FROM conversations WHERE ${where.join(' AND ')}`,
    values,
  };
}

export function messagePageSql(selectList: string, query: MessagePageQuery): SqlQuery {
  const values: unknown[] = [query.sessionId];
  const where = ['session_id = $1', 'deleted_at IS NULL'];
  if (query.after) {
    values.push(query.after.timestamp, query.after.fingerprint);
    where.push('("timestamp", fingerprint) > ($2::timestamptz, $3::bigint)');
  }
  values.push(query.limit, query.offset ?? 0);
  return {
    text: `SELECT ${selectList} FROM conversation_messages WHERE ${where.join(' AND ')}
      ORDER BY "timestamp", fingerprint LIMIT $${values.length - 1} OFFSET $${values.length}`,
    values,
  };
}

export function messageCountSql(sessionId: string): SqlQuery {
  return {
    text: `SELECT count(*) AS total FROM conversation_messages
      WHERE session_id = $1 AND deleted_at IS NULL`,
    values: [sessionId],
  };
}
