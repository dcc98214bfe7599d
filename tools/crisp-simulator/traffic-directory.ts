/**
 * The directory side of live traffic: operators going online, away and offline, and contacts
 * being created (bound to the conversation of the visitor who became one), updated and removed.
 */
import type { GroundTruth } from './ground-truth';
import type { OperatorAvailabilityType } from './directory-truth';
import type { SeededRandom } from './seeded-random';
import type { SimEvent } from './simulator-types';
import { emailFor, randomNickname } from './synthetic-content';
import type { TrafficTarget } from './traffic-workflow';

const AVAILABILITIES: readonly OperatorAvailabilityType[] = ['online', 'away', 'offline'];

/** One operator of the website switches to another availability. */
export function changeOperatorAvailability(
  truth: GroundTruth,
  rng: SeededRandom,
  websiteId: string,
): SimEvent[] {
  const availabilities = truth.directory.availabilities(websiteId);
  if (availabilities.length === 0) return [];
  const current = rng.pick(availabilities);
  const next = rng.pick(AVAILABILITIES.filter((type) => type !== current.type));
  return truth.directory.setAvailability(websiteId, current.user_id, next).events;
}

/**
 * Mostly a visitor becoming a contact (`people:profile:created` then `people:bind:session`),
 * else a contact's details changing, rarely a contact removed.
 */
export function changePeople(
  truth: GroundTruth,
  rng: SeededRandom,
  target: TrafficTarget,
): SimEvent[] {
  const { websiteId, sessionId } = target;
  const roll = rng.next();
  const profiles = truth.people.list(websiteId);
  if (roll < 0.5 || profiles.length === 0) {
    const record = truth.getRecord(websiteId, sessionId);
    if (!record) return [];
    const nickname = record.meta.nickname || randomNickname(rng);
    const created = truth.people.createProfile(websiteId, {
      email: record.meta.email || emailFor(nickname, rng),
      person: { nickname },
      segments: [...record.meta.segments],
    });
    const bound = truth.bindPeople(websiteId, sessionId, created.profile.people_id);
    return [...created.events, ...bound.events];
  }
  const profile = rng.pick(profiles);
  if (roll < 0.9) {
    return truth.people.updateProfile(websiteId, profile.people_id, {
      nickname: randomNickname(rng),
      phone: `+1 555 ${rng.int(100, 999)} ${rng.int(1000, 9999)}`,
    }).events;
  }
  return truth.people.removeProfile(websiteId, profile.people_id).events;
}
