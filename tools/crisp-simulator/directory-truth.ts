/**
 * Who works on each website: operators with their account details, their availability, and the
 * website's inboxes — what `GET …/operators/list`, `…/availability/operators` and
 * `…/inboxes/list/{page}` serve, and what `website:update_operators_availability` changes.
 *
 * Built from the website's operators and inbox ids with a generator forked from the truth's seed
 * and the website id, so adding a website's directory never shifts the conversations generated
 * after it. Operators with an API token carry a fake `identifier` / `key` (`sim-secret-…`), as
 * Crisp's list can: a service under test must never store or log them.
 */
import type { SeededRandom } from './seeded-random';
import type { Mutation, SimMessageUser } from './simulator-types';

export type OperatorAvailabilityType = 'online' | 'away' | 'offline';

/** One entry of `GET …/operators/list`, keys as Crisp's Go client maps them (`json:"user_id"`). */
export interface SimOperatorListEntry {
  /** UNVERIFIED value: both clients type it a plain string. */
  type: 'operator';
  details: SimOperatorDetails;
}

export interface SimOperatorDetails {
  user_id: string;
  email: string;
  avatar: string;
  first_name: string;
  last_name: string;
  role: 'owner' | 'member';
  title: string;
  availability: OperatorAvailabilityType;
  has_token: boolean;
  /** Only when `has_token`: the operator's API token. Fake, prefixed `sim-secret-`. */
  identifier?: string;
  key?: string;
}

export interface SimOperatorAvailability {
  user_id: string;
  type: OperatorAvailabilityType;
  /** `for`: seconds the availability stays valid; `since`: when it began (ms). */
  time: { for: number; since: number };
}

export interface SimInboxCondition {
  model: 'session';
  criterion: string;
  operator: 'eq' | 'neq';
  query: string[];
}

export interface SimInbox {
  inbox_id: string;
  name: string;
  emoji: string;
  order: number;
  operators: string[];
  conditions: SimInboxCondition[];
  created_at: number;
  updated_at: number;
}

/** Marks every fake secret so a leak is easy to grep for in logs and tables. */
export const FAKE_SECRET_PREFIX = 'sim-secret-';

/** UNVERIFIED: how long Crisp says an availability holds; the user route documents `for` in seconds. */
const AVAILABILITY_FOR_SECONDS: Readonly<Record<OperatorAvailabilityType, number>> = {
  online: 300,
  away: 300,
  offline: 0,
};
const TITLES = ['Support', 'Customer Success', 'Sales', 'Engineer', ''] as const;
const INBOX_NAMES = ['Sales', 'Support', 'Billing', 'Partners', 'VIP'] as const;
const INBOX_EMOJIS = ['💰', '🛟', '🧾', '🤝', '⭐'] as const;
const DAY_MS = 86_400_000;

interface WebsiteDirectory {
  operators: SimOperatorDetails[];
  availabilities: Map<string, SimOperatorAvailability>;
  inboxes: SimInbox[];
}

export class DirectoryTruth {
  private readonly websites = new Map<string, WebsiteDirectory>();
  private lastAt = 0;

  constructor(private readonly now: () => number) {}

  /** Gives a new website its directory (called by GroundTruth.addWebsite). */
  addWebsite(
    websiteId: string,
    operators: readonly SimMessageUser[],
    inboxIds: readonly string[],
    rng: SeededRandom,
    createdAt: number,
  ): void {
    const details = operators.map((operator, index) => operatorDetails(operator, index, rng));
    const availabilities = new Map<string, SimOperatorAvailability>();
    for (const operator of details) {
      const type = rng.weighted({ online: 3, away: 1, offline: 2 });
      const since = createdAt - rng.int(0, DAY_MS);
      availabilities.set(operator.user_id, availabilityOf(operator.user_id, type, since));
      operator.availability = type;
    }
    const inboxes = inboxIds.map((inboxId, order) =>
      newInbox(inboxId, order, details, rng, createdAt - rng.int(DAY_MS, 90 * DAY_MS)),
    );
    this.websites.set(websiteId, { operators: details, availabilities, inboxes });
  }

  operators(websiteId: string): SimOperatorListEntry[] {
    return (this.websites.get(websiteId)?.operators ?? []).map((details) => ({
      type: 'operator',
      details: { ...details },
    }));
  }

  availabilities(websiteId: string): SimOperatorAvailability[] {
    return [...(this.websites.get(websiteId)?.availabilities.values() ?? [])].map((a) => ({
      ...a,
      time: { ...a.time },
    }));
  }

  /** Inboxes in their `order` (the order Crisp's inbox list is arranged by). */
  inboxes(websiteId: string): SimInbox[] {
    return (this.websites.get(websiteId)?.inboxes ?? [])
      .map((inbox) => structuredClone(inbox))
      .sort((a, b) => a.order - b.order);
  }

  /** Adds an inbox (e.g. to test paging); no event, as Crisp has no public one for inboxes. */
  addInbox(websiteId: string, inbox: Partial<SimInbox> & { inbox_id: string }): SimInbox {
    const directory = this.require(websiteId);
    const at = this.tick();
    const created: SimInbox = {
      name: inbox.inbox_id,
      emoji: '📥',
      order: directory.inboxes.length,
      operators: [],
      conditions: [],
      created_at: at,
      updated_at: at,
      ...structuredClone(inbox),
    };
    directory.inboxes.push(created);
    return structuredClone(created);
  }

  /**
   * An operator's availability changes (`website:update_operators_availability`). Both clients
   * type the event `{website_id, user_id, availability: {type}}`; crisp-api limits `type` to
   * online/offline while the REST availability documents `away` too (UNVERIFIED on the event).
   */
  setAvailability(
    websiteId: string,
    userId: string,
    type: OperatorAvailabilityType,
  ): Mutation<{ availability: SimOperatorAvailability }> {
    const directory = this.require(websiteId);
    const operator = directory.operators.find((o) => o.user_id === userId);
    if (!operator) {
      throw new Error(`DirectoryTruth: no operator ${userId} on website ${websiteId}`);
    }
    const at = this.tick();
    const availability = availabilityOf(userId, type, at);
    directory.availabilities.set(userId, availability);
    operator.availability = type;
    return {
      availability: { ...availability, time: { ...availability.time } },
      events: [
        {
          event: 'website:update_operators_availability',
          data: { website_id: websiteId, user_id: userId, availability: { type } },
          at,
        },
      ],
    };
  }

  private require(websiteId: string): WebsiteDirectory {
    const directory = this.websites.get(websiteId);
    if (!directory) {
      throw new Error(`DirectoryTruth: unknown website ${websiteId}`);
    }
    return directory;
  }

  /** Strictly increasing event times, so two changes in one millisecond still order. */
  private tick(): number {
    this.lastAt = Math.max(this.now(), this.lastAt + 1);
    return this.lastAt;
  }
}

function operatorDetails(
  operator: SimMessageUser,
  index: number,
  rng: SeededRandom,
): SimOperatorDetails {
  const [first, ...rest] = operator.nickname.split(' ');
  const last = rest.join(' ');
  // The first operator always has a token, so every website's list carries secrets to guard.
  const hasToken = index === 0 || rng.chance(0.3);
  const details: SimOperatorDetails = {
    user_id: operator.user_id,
    email: `${`${first}.${last}`.toLowerCase().replace(/[^a-z.]/g, '')}@operators.example.test`,
    avatar: rng.chance(0.5) ? `https://avatars.example.test/${operator.user_id}.png` : '',
    first_name: first,
    last_name: last,
    role: index === 0 ? 'owner' : 'member',
    title: rng.pick(TITLES),
    availability: 'offline',
    has_token: hasToken,
  };
  if (hasToken) {
    details.identifier = `${FAKE_SECRET_PREFIX}identifier-${rng.hex(24)}`;
    details.key = `${FAKE_SECRET_PREFIX}key-${rng.hex(48)}`;
  }
  return details;
}

function availabilityOf(
  userId: string,
  type: OperatorAvailabilityType,
  since: number,
): SimOperatorAvailability {
  return { user_id: userId, type, time: { for: AVAILABILITY_FOR_SECONDS[type], since } };
}

function newInbox(
  inboxId: string,
  order: number,
  operators: readonly SimOperatorDetails[],
  rng: SeededRandom,
  createdAt: number,
): SimInbox {
  const name = INBOX_NAMES[order % INBOX_NAMES.length];
  const members = operators.filter(() => rng.chance(0.6)).map((o) => o.user_id);
  return {
    inbox_id: inboxId,
    name,
    emoji: INBOX_EMOJIS[order % INBOX_EMOJIS.length],
    order,
    operators: members,
    conditions: [
      { model: 'session', criterion: 'segment', operator: 'eq', query: [name.toLowerCase()] },
    ],
    created_at: createdAt,
    updated_at: createdAt + rng.int(0, DAY_MS),
  };
}
