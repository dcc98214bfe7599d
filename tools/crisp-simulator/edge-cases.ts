/**
 * Hand-built data sets for the boundaries where pagination bugs live: empty and single-message
 * conversations, exactly one and one-plus-one message batches (40 / 41), a conversation spanning
 * many batches, two conversations sharing a fingerprint, and a website whose conversation count is
 * an exact multiple of the maximum list page size.
 */
import { DEFAULT_START_TIME, GroundTruth } from './ground-truth';
import { SeededRandom } from './seeded-random';

export interface EdgeCaseConversations {
  websiteId: string;
  empty: string;
  single: string;
  exactly40: string;
  exactly41: string;
  /** More than 500 messages (13 batches of 40 + change). */
  large: string;
  /** Two conversations whose first messages share one fingerprint. */
  sharedFingerprint: { fingerprint: number; sessionIds: [string, string] };
}

export const LARGE_CONVERSATION_MESSAGES = 523;

/** Adds a website holding each edge-case conversation; returns their ids. */
export function addEdgeCaseConversations(
  truth: GroundTruth,
  options: { websiteId?: string; seed?: number; startTime?: number } = {},
): EdgeCaseConversations {
  const rng = new SeededRandom(options.seed ?? truth.rng.seed).fork('edge-cases');
  const website = truth.addWebsite({ websiteId: options.websiteId, rng });
  const websiteId = website.website_id;
  let createdAt = options.startTime ?? DEFAULT_START_TIME;
  const add = (messageCount: number): string => {
    createdAt += 3_600_000;
    return truth.addSyntheticConversation(websiteId, { messageCount, createdAt, rng }).session_id;
  };
  const ids = {
    empty: add(0),
    single: add(1),
    exactly40: add(40),
    exactly41: add(41),
    large: add(LARGE_CONVERSATION_MESSAGES),
  };
  const twinA = add(3);
  const twinB = add(3);
  if (!truth.shareFingerprint(websiteId, twinA, twinB)) {
    throw new Error('addEdgeCaseConversations: could not share a fingerprint');
  }
  const shared = truth.sharedFingerprintCases[truth.sharedFingerprintCases.length - 1];
  return {
    websiteId,
    ...ids,
    sharedFingerprint: { fingerprint: shared.fingerprint, sessionIds: [twinA, twinB] },
  };
}

/**
 * Adds a website with exactly `count` non-empty conversations (default 100 = 2 full pages of 50),
 * so a pager must handle a full last page followed by an empty one.
 */
export function addWebsiteWithExactConversations(
  truth: GroundTruth,
  options: { count?: number; messagesEach?: number; websiteId?: string; seed?: number } = {},
): string {
  const rng = new SeededRandom(options.seed ?? truth.rng.seed).fork('exact-count');
  const website = truth.addWebsite({ websiteId: options.websiteId, rng });
  const count = options.count ?? 100;
  for (let i = 0; i < count; i++) {
    truth.addSyntheticConversation(website.website_id, {
      messageCount: Math.max(1, options.messagesEach ?? rng.int(1, 6)),
      createdAt: DEFAULT_START_TIME + i * 60_000,
      rng,
    });
  }
  return website.website_id;
}

export interface EdgeCaseTruth {
  truth: GroundTruth;
  edge: EdgeCaseConversations;
  /** Website with exactly 100 non-empty conversations. */
  exactWebsiteId: string;
}

/** A small truth containing both edge-case websites, for fidelity tests. */
export function buildEdgeCaseTruth(seed = 1): EdgeCaseTruth {
  const truth = new GroundTruth({ seed });
  const edge = addEdgeCaseConversations(truth, { seed });
  const exactWebsiteId = addWebsiteWithExactConversations(truth, { seed });
  return { truth, edge, exactWebsiteId };
}
