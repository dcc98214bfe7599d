/**
 * The operator side of live traffic: resolving, reopening, rating, assigning, moving inboxes and
 * opening/closing conversations. Separate from live-traffic.ts so each action stays short; every
 * function takes the seeded generator of the traffic, so the sequence remains a function of the seed.
 */
import type { ConversationRecord, GroundTruth, WebsiteRecord } from './ground-truth';
import type { SeededRandom } from './seeded-random';
import type { SimEvent } from './simulator-types';

export interface TrafficTarget {
  websiteId: string;
  sessionId: string;
}

/** How often a conversation the traffic resolves gets rated, and how often with a comment. */
const RATING_CHANCE = 0.7;
const COMMENT_CHANCE = 0.4;
/** Skewed towards good ratings, as support ratings usually are. */
const STAR_WEIGHTS = { '1': 1, '2': 1, '3': 2, '4': 4, '5': 6 } as const;
const RATING_COMMENTS: readonly string[] = [
  'Thanks, that solved it',
  'Quick and kind',
  'Took a while to get an answer',
  'Still not working',
  'Great support!',
];

/** Resolves the conversation and, sometimes, has the visitor rate it. */
export function resolveConversation(
  truth: GroundTruth,
  rng: SeededRandom,
  target: TrafficTarget,
): SimEvent[] {
  const { websiteId, sessionId } = target;
  const wasResolved = truth.getRecord(websiteId, sessionId)?.state === 'resolved';
  const events = truth.setState(websiteId, sessionId, 'resolved').events;
  return wasResolved ? events : [...events, ...maybeRate(truth, rng, target)];
}

/** A visitor rating (1–5 stars, a comment sometimes), given `RATING_CHANCE` of the time. */
export function maybeRate(
  truth: GroundTruth,
  rng: SeededRandom,
  target: TrafficTarget,
): SimEvent[] {
  if (!rng.chance(RATING_CHANCE)) return [];
  const stars = Number(rng.weighted(STAR_WEIGHTS));
  const comment = rng.chance(COMMENT_CHANCE) ? rng.pick(RATING_COMMENTS) : undefined;
  return truth.setRating(target.websiteId, target.sessionId, stars, comment).events;
}

/** Reopens a resolved conversation, mostly to unresolved (a visitor came back), else pending. */
export function reopenConversation(
  truth: GroundTruth,
  rng: SeededRandom,
  target: TrafficTarget,
): SimEvent[] {
  const state = rng.chance(0.8) ? 'unresolved' : 'pending';
  return truth.setState(target.websiteId, target.sessionId, state).events;
}

/** Assigns the conversation to another operator of its website, or (rarely) unassigns it. */
export function assignConversation(
  truth: GroundTruth,
  rng: SeededRandom,
  target: TrafficTarget,
): SimEvent[] {
  const { website, record } = lookup(truth, target);
  const others = website.operators.filter((o) => o.user_id !== record.routing_id);
  const to =
    others.length === 0 || (record.routing_id !== null && rng.chance(0.1))
      ? null
      : rng.pick(others).user_id;
  return truth.setRouting(target.websiteId, target.sessionId, to).events;
}

/** Moves the conversation to another inbox of its website (or out of inboxes); none if it has none. */
export function moveConversationInbox(
  truth: GroundTruth,
  rng: SeededRandom,
  target: TrafficTarget,
): SimEvent[] {
  const { website, record } = lookup(truth, target);
  if (website.inboxes.length === 0) return [];
  const choices = [...website.inboxes, null].filter((inbox) => inbox !== record.inbox_id);
  return truth.setInbox(target.websiteId, target.sessionId, rng.pick(choices)).events;
}

/** An operator opens the conversation, or one who has it open closes it. */
export function openOrCloseConversation(
  truth: GroundTruth,
  rng: SeededRandom,
  target: TrafficTarget,
): SimEvent[] {
  const { website } = lookup(truth, target);
  const { websiteId, sessionId } = target;
  const open = new Set(truth.history.openedBy(websiteId, sessionId));
  const closing = website.operators.filter((o) => open.has(o.user_id));
  if (closing.length > 0 && rng.chance(0.6)) {
    return truth.setClosed(websiteId, sessionId, rng.pick(closing)).events;
  }
  const opening = website.operators.filter((o) => !open.has(o.user_id));
  if (opening.length === 0) return truth.setClosed(websiteId, sessionId, rng.pick(closing)).events;
  return truth.setOpened(websiteId, sessionId, rng.pick(opening)).events;
}

/** Whether a pooled conversation is one the action can apply to. */
export const isResolved = (record: ConversationRecord): boolean => record.state === 'resolved';
export const isOpen = (record: ConversationRecord): boolean => record.state !== 'resolved';

function lookup(
  truth: GroundTruth,
  target: TrafficTarget,
): { website: WebsiteRecord; record: ConversationRecord } {
  const website = truth.getWebsite(target.websiteId);
  const record = truth.getRecord(target.websiteId, target.sessionId);
  if (!website || !record) {
    throw new Error(`traffic: unknown conversation ${target.websiteId}/${target.sessionId}`);
  }
  return { website, record };
}
