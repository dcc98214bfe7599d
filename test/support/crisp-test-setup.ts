import type { DataSource } from 'typeorm';
import { DEFAULT_CREDENTIAL, type GroundTruth } from '../../tools/crisp-simulator';

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
    ...overrides,
  };
}

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

/** The fewest REST calls a complete backfill can make: ⌈N/50⌉ list pages + Σ⌈mᵢ/40⌉ batches. */
export function minimumBackfillCalls(truth: GroundTruth, websiteId: string): number {
  const website = truth.getWebsite(websiteId);
  if (!website) throw new Error(`no website ${websiteId} in the truth`);
  let calls = Math.ceil(website.conversations.size / 50);
  for (const sessionId of website.conversations.keys()) {
    calls += Math.ceil(truth.getMessages(websiteId, sessionId).length / 40);
  }
  return calls;
}
