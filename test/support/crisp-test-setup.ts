import type { INestApplication } from '@nestjs/common';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { DatabaseConnection } from '../../src/database/database-connection';
import { DEFAULT_CREDENTIAL, type GroundTruth } from '../../tools/crisp-simulator';
import { createTestApp, testConfig } from './test-app';

/** Variables that point the service at a simulator, with retries fast enough for tests. */
export function simulatorVariables(restUrl: string, overrides: Record<string, string> = {}) {
  return {
    CRISP_IDENTIFIER: DEFAULT_CREDENTIAL.identifier,
    CRISP_KEY: DEFAULT_CREDENTIAL.key,
    CRISP_TIER: 'plugin',
    CRISP_REST_URL: restUrl,
    CRISP_REQUESTS_PER_SECOND: '1000',
    CRISP_CONCURRENCY: '4',
    CRISP_RETRY_BASE_MS: '5',
    CRISP_RETRY_MAX_MS: '50',
    BACKFILL_POLL_INTERVAL_MS: '0',
    CRISP_RTM_ENABLED: 'false',
    // Off unless a test is about them: their requests would change every request count.
    DIRECTORY_SYNC_ENABLED: 'false',
    CRISP_PEOPLE_BUDGET_SHARE: '0',
    ...overrides,
  };
}

/**
 * The real application on a test database, reaching Crisp at the simulator's `restUrl`; its
 * request logs go to `logger` when given.
 */
export function createAppOnSimulator(
  connection: DatabaseConnection,
  restUrl: string,
  overrides: Record<string, string> = {},
  logger?: Logger,
): Promise<INestApplication> {
  return createTestApp(connection, testConfig(simulatorVariables(restUrl, overrides)), logger);
}

/** A comparison with nothing missing, extra, doubled or different. */
export const PERFECT = {
  conversationsMissing: 0,
  messagesMissing: 0,
  messagesUnexpected: 0,
  duplicates: 0,
  contentMismatches: 0,
};

export interface MirrorComparison {
  conversationsExpected: number;
  conversationsMissing: number;
  messagesExpected: number;
  messagesMissing: number;
  messagesUnexpected: number;
  duplicates: number;
  contentMismatches: number;
}

/** How the mirror of one website differs from the simulator's ground truth (all zeros: equal). */
export async function compareMirrorWithTruth(
  dataSource: DataSource,
  truth: GroundTruth,
  websiteId: string,
): Promise<MirrorComparison> {
  const website = truth.getWebsite(websiteId);
  if (!website) throw new Error(`no website ${websiteId} in the truth`);
  const expected = new Map<string, string>();
  for (const sessionId of website.conversations.keys()) {
    for (const message of truth.getMessages(websiteId, sessionId)) {
      const content =
        typeof message.content === 'string' ? message.content : JSON.stringify(message.content);
      expected.set(`${sessionId}/${message.fingerprint}`, content);
    }
  }
  const storedConversations: { session_id: string }[] = await dataSource.query(
    `SELECT session_id FROM conversations WHERE website_id = $1 AND deleted_at IS NULL`,
    [websiteId],
  );
  const stored: { key: string; content: string | null; copies: string }[] = await dataSource.query(
    `SELECT session_id || '/' || fingerprint AS key, min(content) AS content, count(*) AS copies
     FROM conversation_messages WHERE website_id = $1 AND deleted_at IS NULL GROUP BY 1`,
    [websiteId],
  );
  const storedSessions = new Set(storedConversations.map((row) => row.session_id));
  const storedKeys = new Map(stored.map((row) => [row.key, row]));
  return {
    conversationsExpected: website.conversations.size,
    conversationsMissing: [...website.conversations.keys()].filter((id) => !storedSessions.has(id))
      .length,
    messagesExpected: expected.size,
    messagesMissing: [...expected.keys()].filter((key) => !storedKeys.has(key)).length,
    messagesUnexpected: stored.filter((row) => !expected.has(row.key)).length,
    duplicates: stored.filter((row) => Number(row.copies) > 1).length,
    contentMismatches: stored.filter(
      (row) => expected.has(row.key) && expected.get(row.key) !== row.content,
    ).length,
  };
}

/**
 * The fewest REST calls a complete backfill can make: ⌈N/50⌉ list pages + Σ⌈mᵢ/b⌉ message
 * batches (b = the simulator's batch size; an empty conversation still costs the one call that
 * says so).
 */
export function minimumBackfillCalls(
  truth: GroundTruth,
  websiteId: string,
  batchSize = 40,
): number {
  const website = truth.getWebsite(websiteId);
  if (!website) throw new Error(`no website ${websiteId} in the truth`);
  let calls = Math.ceil(website.conversations.size / 50);
  for (const sessionId of website.conversations.keys()) {
    calls += Math.max(1, Math.ceil(truth.getMessages(websiteId, sessionId).length / batchSize));
  }
  return calls;
}

/** Polls `check` until it stops throwing (or the time is up, then throws its last error). */
export async function eventually<T>(
  check: () => Promise<T> | T,
  timeoutMs = 20_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  }
}

/** Conversation fields events change, as the mirror holds them and as the truth says, per session. */
export async function conversationFieldsDiffer(
  dataSource: DataSource,
  truth: GroundTruth,
  websiteId: string,
): Promise<string[]> {
  const rows: Record<string, unknown>[] = await dataSource.query(
    `SELECT session_id, state, is_blocked, meta_email, meta_nickname, meta_phone, meta_subject,
       meta_segments, meta_data, meta_device, meta_ip, meta_connection, inbox_id, availability,
       deleted_at IS NOT NULL AS deleted
     FROM conversations WHERE website_id = $1`,
    [websiteId],
  );
  const stored = new Map(rows.map((row) => [row.session_id as string, row]));
  const differences: string[] = [];
  for (const record of truth.getWebsite(websiteId)!.conversations.values()) {
    const expected = truth.getConversation(websiteId, record.session_id)!;
    const row = stored.get(record.session_id);
    const actual = row && {
      state: row.state,
      is_blocked: row.is_blocked,
      email: row.meta_email,
      nickname: row.meta_nickname,
      phone: row.meta_phone,
      subject: row.meta_subject,
      segments: row.meta_segments,
      data: row.meta_data,
      device: row.meta_device,
      ip: row.meta_ip,
      connection: row.meta_connection,
      inbox: row.inbox_id ?? undefined,
      availability: row.availability,
      deleted: row.deleted,
    };
    const wanted = {
      state: expected.state,
      is_blocked: expected.is_blocked,
      email: expected.meta.email,
      nickname: expected.meta.nickname,
      phone: expected.meta.phone,
      subject: expected.meta.subject,
      segments: expected.meta.segments,
      data: expected.meta.data,
      device: expected.meta.device,
      ip: expected.meta.ip,
      connection: expected.meta.connection,
      inbox: expected.inbox_id,
      availability: expected.availability,
      deleted: false,
    };
    if (canonical(actual) !== canonical(wanted)) {
      differences.push(`${record.session_id}: ${canonical(actual)} ≠ ${canonical(wanted)}`);
    }
  }
  for (const removed of truth.deletedConversations) {
    if (removed.website_id === websiteId && stored.get(removed.session_id)?.deleted !== true) {
      differences.push(`${removed.session_id}: removed in Crisp, not in the mirror`);
    }
  }
  return differences;
}

/** JSON with object keys sorted (PostgreSQL's jsonb does not keep key order). */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(
          Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : inner,
  );
}
