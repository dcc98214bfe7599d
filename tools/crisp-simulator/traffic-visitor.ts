/**
 * The visitor side of live traffic besides new messages: edits and removals of recent messages,
 * and changes of the visitor's details. Kept out of live-traffic.ts (the scheduler) so each file
 * stays short; every function draws from the traffic's seeded generator.
 */
import type { GroundTruth } from './ground-truth';
import type { SeededRandom } from './seeded-random';
import type { MetaStringField, SimEvent } from './simulator-types';
import { SEGMENT_POOL, emailFor, randomNickname } from './synthetic-content';
import type { TrafficTarget } from './traffic-workflow';

const META_FIELDS: readonly MetaStringField[] = ['email', 'phone', 'nickname', 'subject'];

/** Edits one of the five latest text messages (people fix typos in what they just wrote). */
export function editRecentMessage(
  truth: GroundTruth,
  rng: SeededRandom,
  { websiteId, sessionId }: TrafficTarget,
): SimEvent[] {
  const editable = truth
    .getMessages(websiteId, sessionId)
    .filter((m) => typeof m.content === 'string');
  if (editable.length === 0) {
    return [];
  }
  const message = editable[editable.length - 1 - rng.int(0, Math.min(4, editable.length - 1))];
  const previous = typeof message.content === 'string' ? message.content : '';
  return truth.updateMessage(websiteId, sessionId, message.fingerprint, `${previous} (edited)`)
    .events;
}

/** Removes one of the five latest messages. */
export function removeRecentMessage(
  truth: GroundTruth,
  rng: SeededRandom,
  { websiteId, sessionId }: TrafficTarget,
): SimEvent[] {
  const messages = truth.getMessages(websiteId, sessionId);
  if (messages.length === 0) {
    return [];
  }
  const message = messages[messages.length - 1 - rng.int(0, Math.min(4, messages.length - 1))];
  return truth.removeMessage(websiteId, sessionId, message.fingerprint).events;
}

/** The visitor gives an email, a phone, a nickname, or the conversation gets a subject. */
export function changeMeta(
  truth: GroundTruth,
  rng: SeededRandom,
  { websiteId, sessionId }: TrafficTarget,
): SimEvent[] {
  const field = rng.pick(META_FIELDS);
  const nickname = randomNickname(rng);
  const value =
    field === 'email'
      ? emailFor(nickname, rng)
      : field === 'phone'
        ? `+1 555 ${rng.int(100, 999)} ${rng.int(1000, 9999)}`
        : field === 'nickname'
          ? nickname
          : rng.pick(['Billing question', 'Login issue', 'Bug report', '']);
  return truth.setMeta(websiteId, sessionId, field, value).events;
}

/** Custom data or segments change. */
export function changeData(
  truth: GroundTruth,
  rng: SeededRandom,
  { websiteId, sessionId }: TrafficTarget,
): SimEvent[] {
  return rng.chance(0.5)
    ? truth.setData(websiteId, sessionId, {
        plan: rng.pick(['free', 'pro', 'team']),
        seats: rng.int(1, 99),
      }).events
    : truth.setSegments(websiteId, sessionId, [rng.pick(SEGMENT_POOL)]).events;
}
