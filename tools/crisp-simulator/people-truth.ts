/**
 * People (contact) profiles per website: what `GET …/people/profiles/{page}` and
 * `…/people/profile/{people_id}` serve, and what `people:profile:created|updated|removed` change.
 * Shapes follow crisp-api `WebsitePeople.ts` (`PeopleProfile`) and `Events.ts`.
 *
 * A website gets one profile per conversation whose visitor left an email (the profile id is the
 * conversation's `people_id`) when its people are first asked for or changed: lazily, so a
 * benchmark truth of 300,000 conversations that never reads people pays nothing for them. The
 * profiles are drawn from a generator forked from the seed and the website id, so they are the
 * same for a seed whenever they are made, provided the visitors have not changed before.
 */
import type { SeededRandom } from './seeded-random';
import type { Mutation, SimConversationMeta } from './simulator-types';

export interface SimPeoplePerson {
  nickname: string;
  avatar: string;
  phone: string;
  address: string;
  timezone: number;
  locales: string[];
  geolocation: SimConversationMeta['device']['geolocation'];
  employment?: { name: string; title: string; role: string };
}

export interface SimPeopleProfile {
  people_id: string;
  email: string;
  person: SimPeoplePerson;
  company?: { name: string; domain: string };
  segments: string[];
  notepad: string;
  active: { now: boolean; last: number };
  score: number;
  created_at: number;
  updated_at: number;
}

export interface NewPeopleProfileInput {
  peopleId?: string;
  email: string;
  person?: Partial<SimPeoplePerson>;
  segments?: string[];
}

export interface RemovedPeopleProfile {
  website_id: string;
  removed_at: number;
  profile: SimPeopleProfile;
}

export type ProfileOrder = 'created_at' | 'updated_at';

interface Visitor {
  people_id: string;
  meta: SimConversationMeta;
  created_at: number;
}

/** The visitors a website's profiles are made from, and the generator to draw them with. */
export type PeopleSeeder = (websiteId: string) => { visitors: Visitor[]; rng: SeededRandom } | null;

const COMPANIES = [
  { name: 'Acme', domain: 'acme.example.test' },
  { name: 'Globex', domain: 'globex.example.test' },
  { name: 'Initech', domain: 'initech.example.test' },
] as const;
const ROLES = ['Founder', 'Developer', 'Marketing', 'Operations'] as const;

export class PeopleTruth {
  readonly removed: RemovedPeopleProfile[] = [];
  private readonly websites = new Map<string, Map<string, SimPeopleProfile>>();
  private lastAt = 0;

  constructor(
    private readonly now: () => number,
    private readonly rng: SeededRandom,
    private readonly seeder: PeopleSeeder = () => null,
  ) {}

  /** Profiles of a website, newest first by `order` (`created_at` by default). */
  list(
    websiteId: string,
    order: ProfileOrder = 'created_at',
    ascending = false,
  ): SimPeopleProfile[] {
    const sign = ascending ? 1 : -1;
    return [...this.profilesOf(websiteId).values()]
      .sort((a, b) => sign * (a[order] - b[order]) || (a.people_id < b.people_id ? -1 : 1))
      .map((p) => structuredClone(p));
  }

  get(websiteId: string, peopleId: string): SimPeopleProfile | undefined {
    const profile = this.profilesOf(websiteId).get(peopleId);
    return profile ? structuredClone(profile) : undefined;
  }

  count(websiteId: string): number {
    return this.profilesOf(websiteId).size;
  }

  /** `people:profile:created` `{website_id, people_id, email}` (crisp-api `EventsPeopleProfileCreated`). */
  createProfile(
    websiteId: string,
    input: NewPeopleProfileInput,
  ): Mutation<{ profile: SimPeopleProfile }> {
    const profiles = this.profilesOf(websiteId);
    const peopleId = input.peopleId ?? this.rng.uuid();
    if (profiles.has(peopleId)) {
      throw new Error(`PeopleTruth: profile ${peopleId} already exists`);
    }
    const at = this.tick();
    const profile: SimPeopleProfile = {
      people_id: peopleId,
      email: input.email,
      person: {
        nickname: input.email.split('@')[0],
        avatar: '',
        phone: '',
        address: '',
        timezone: 0,
        locales: ['en'],
        geolocation: {
          country: '',
          region: '',
          city: '',
          coordinates: { latitude: 0, longitude: 0 },
        },
        ...structuredClone(input.person),
      },
      segments: [...(input.segments ?? [])],
      notepad: '',
      active: { now: false, last: at },
      score: 0,
      created_at: at,
      updated_at: at,
    };
    profiles.set(peopleId, profile);
    return {
      profile: structuredClone(profile),
      events: [
        {
          event: 'people:profile:created',
          data: { website_id: websiteId, people_id: peopleId, email: profile.email },
          at,
        },
      ],
    };
  }

  /**
   * Changes the person part of a profile; `people:profile:updated` carries
   * `{people_id, email, update: {updated_at, person}}` (crisp-api `EventsPeopleProfileUpdated`),
   * the whole person after the change (whole or changed keys only: UNVERIFIED).
   */
  updateProfile(
    websiteId: string,
    peopleId: string,
    person: Partial<SimPeoplePerson>,
  ): Mutation<{ profile: SimPeopleProfile }> {
    const profile = this.require(websiteId, peopleId);
    const at = this.tick();
    profile.person = { ...profile.person, ...structuredClone(person) };
    profile.updated_at = at;
    return {
      profile: structuredClone(profile),
      events: [
        {
          event: 'people:profile:updated',
          data: {
            website_id: websiteId,
            people_id: peopleId,
            email: profile.email,
            update: { updated_at: at, person: structuredClone(profile.person) },
          },
          at,
        },
      ],
    };
  }

  /** `people:profile:removed` `{website_id, people_id}` (crisp-api `EventsPeopleProfileRemoved`). */
  removeProfile(websiteId: string, peopleId: string): Mutation {
    const profile = this.require(websiteId, peopleId);
    const at = this.tick();
    this.profilesOf(websiteId).delete(peopleId);
    this.removed.push({ website_id: websiteId, removed_at: at, profile: structuredClone(profile) });
    return {
      events: [
        {
          event: 'people:profile:removed',
          data: { website_id: websiteId, people_id: peopleId },
          at,
        },
      ],
    };
  }

  private require(websiteId: string, peopleId: string): SimPeopleProfile {
    const profile = this.profilesOf(websiteId).get(peopleId);
    if (!profile) {
      throw new Error(`PeopleTruth: no profile ${peopleId} on website ${websiteId}`);
    }
    return profile;
  }

  private profilesOf(websiteId: string): Map<string, SimPeopleProfile> {
    let profiles = this.websites.get(websiteId);
    if (!profiles) {
      profiles = new Map();
      this.websites.set(websiteId, profiles);
      // No events: these contacts existed before the simulation began.
      const seed = this.seeder(websiteId);
      for (const visitor of seed ? seed.visitors : []) {
        if (!seed || visitor.meta.email === '' || profiles.has(visitor.people_id)) continue;
        profiles.set(visitor.people_id, profileFrom(visitor.people_id, visitor, seed.rng));
      }
    }
    return profiles;
  }

  private tick(): number {
    this.lastAt = Math.max(this.now(), this.lastAt + 1);
    return this.lastAt;
  }
}

function profileFrom(peopleId: string, visitor: Visitor, rng: SeededRandom): SimPeopleProfile {
  const { meta } = visitor;
  const company = rng.chance(0.4) ? { ...rng.pick(COMPANIES) } : undefined;
  const person: SimPeoplePerson = {
    nickname: meta.nickname,
    avatar: meta.avatar,
    phone: meta.phone,
    address: meta.address,
    timezone: meta.device.timezone,
    locales: [...meta.device.locales],
    geolocation: structuredClone(meta.device.geolocation),
  };
  if (company) {
    person.employment = { name: company.name, title: rng.pick(ROLES), role: rng.pick(ROLES) };
  }
  const created = visitor.created_at - rng.int(0, 86_400_000);
  return {
    people_id: peopleId,
    email: meta.email,
    person,
    ...(company ? { company } : {}),
    segments: [...meta.segments],
    notepad: '',
    active: { now: false, last: visitor.created_at },
    score: rng.int(0, 100),
    created_at: created,
    updated_at: visitor.created_at,
  };
}
