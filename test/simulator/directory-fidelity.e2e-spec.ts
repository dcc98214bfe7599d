/**
 * The directory routes (operators, their availability, inboxes, people profiles) answer the
 * official crisp-api client's methods with the shapes its types and Crisp's Go client give,
 * paged like the other list routes and counted like every route; their events (availability,
 * profiles, binding) reach it over RTM.
 */
import type { Crisp } from 'crisp-api';
import {
  CrispSimulator,
  FAKE_SECRET_PREFIX,
  INBOXES_PER_PAGE,
  PEOPLE_PER_PAGE,
  type SimEvent,
} from '../../tools/crisp-simulator';
import { closeClient, createClient, waitFor } from './crisp-client-helpers';

const DIRECTORY_EVENTS = [
  'website:update_operators_availability',
  'people:profile:created',
  'people:profile:updated',
  'people:profile:removed',
  'people:bind:session',
] as const;

describe('simulator directory routes through crisp-api', () => {
  let sim: CrispSimulator;
  let client: Crisp;
  let websiteId: string;
  const received: { event: string; data: unknown }[] = [];

  beforeAll(async () => {
    sim = new CrispSimulator({ seed: 14, generate: { websites: 2, conversationsPerWebsite: 50 } });
    const { restUrl } = await sim.start();
    websiteId = sim.truth.websiteIds()[0];
    client = createClient(restUrl);
    for (const event of DIRECTORY_EVENTS) {
      void client.on(event, (data) => received.push({ event, data }));
    }
    await sim.rtm.waitForAuthenticated(1);
  });

  afterAll(async () => {
    closeClient(client);
    await sim.stop();
  });

  const receive = async (events: readonly SimEvent[]): Promise<unknown[]> => {
    received.length = 0;
    sim.emit(events);
    await waitFor(() => received.length === events.length, 3000, 'RTM events');
    expect(received.map((r) => r.event)).toEqual(events.map((e) => e.event));
    return received.map((r) => r.data);
  };

  it('lists operators with their details and fake token secrets, counted like every route', async () => {
    const route = 'GET /website/:id/operators/list';
    const before = sim.faults.count(route);
    const operators = await client.website.listWebsiteOperators(websiteId);
    expect(sim.faults.count(route)).toBe(before + 1);
    expect(operators).toEqual(sim.truth.directory.operators(websiteId));
    const website = sim.truth.getWebsite(websiteId)!;
    expect(operators.map((o) => (o.details as { user_id: string }).user_id)).toEqual(
      website.operators.map((o) => o.user_id),
    );
    for (const entry of operators) {
      expect(entry.type).toBe('operator');
      expect(Object.keys(entry.details!)).toEqual(
        expect.arrayContaining([
          'user_id',
          'email',
          'avatar',
          'first_name',
          'last_name',
          'role',
          'title',
          'availability',
          'has_token',
        ]),
      );
    }
    const withToken = operators.filter((o) => o.details?.identifier !== undefined);
    expect(withToken.length).toBeGreaterThanOrEqual(1);
    for (const { details } of withToken) {
      expect(details!.identifier!.startsWith(FAKE_SECRET_PREFIX)).toBe(true);
      expect(details!.key!.startsWith(FAKE_SECRET_PREFIX)).toBe(true);
    }
    expect(operators.filter((o) => o.details?.key === undefined).length).toBe(
      operators.length - withToken.length,
    );
  });

  it('lists operator availabilities and delivers website:update_operators_availability', async () => {
    const availabilities = await client.website.listWebsiteOperatorAvailabilities(websiteId);
    expect(availabilities).toEqual(sim.truth.directory.availabilities(websiteId));
    for (const availability of availabilities) {
      expect(['online', 'away', 'offline']).toContain(availability.type);
      expect(Object.keys(availability.time ?? {})).toEqual(['for', 'since']);
    }
    const userId = availabilities[0].user_id!;
    const next = availabilities[0].type === 'online' ? 'offline' : 'online';
    const change = sim.truth.directory.setAvailability(websiteId, userId, next);
    const [data] = await receive(change.events);
    expect(data).toEqual({ website_id: websiteId, user_id: userId, availability: { type: next } });
    const after = await client.website.listWebsiteOperatorAvailabilities(websiteId);
    expect(after.find((a) => a.user_id === userId)).toEqual({
      user_id: userId,
      type: next,
      time: { for: change.availability.time.for, since: change.events[0].at },
    });
    const listed = await client.website.listWebsiteOperators(websiteId);
    expect(listed.find((o) => o.details?.availability === next)).toBeDefined();
  });

  it('pages inboxes with their fields, then an empty page', async () => {
    for (let i = sim.truth.directory.inboxes(websiteId).length; i < INBOXES_PER_PAGE + 3; i++) {
      sim.truth.directory.addInbox(websiteId, { inbox_id: `inbox-${i}`, name: `Inbox ${i}` });
    }
    const pages = [];
    for (let page = 1; page <= 3; page++) {
      pages.push(await client.website.listInboxes(websiteId, page));
    }
    expect(pages.map((p) => p.length)).toEqual([INBOXES_PER_PAGE, 3, 0]);
    expect(pages.flat()).toEqual(sim.truth.directory.inboxes(websiteId));
    for (const inbox of pages.flat()) {
      expect(Object.keys(inbox).sort()).toEqual(
        [
          'conditions',
          'created_at',
          'emoji',
          'inbox_id',
          'name',
          'operators',
          'order',
          'updated_at',
        ].sort(),
      );
    }
    expect(sim.faults.count('GET /website/:id/inboxes/list/:page')).toBe(3);
  });

  it('pages people profiles, sorts them, and gets one by id', async () => {
    const all = sim.truth.people.list(websiteId);
    expect(all.length).toBeGreaterThan(PEOPLE_PER_PAGE);
    const pages = [];
    for (let page = 1; pages.at(-1)?.length !== 0; page++) {
      pages.push(await client.website.listPeopleProfiles(websiteId, page));
    }
    expect(pages.flat()).toEqual(all);
    expect(pages[0]).toHaveLength(PEOPLE_PER_PAGE);
    expect(pages.at(-1)).toEqual([]);
    const oldestUpdated = await client.website.listPeopleProfiles(
      websiteId,
      1,
      'updated_at',
      'ascending',
    );
    expect(oldestUpdated).toEqual(
      sim.truth.people.list(websiteId, 'updated_at', true).slice(0, 20),
    );

    const [profile] = all;
    expect(await client.website.getPeopleProfile(websiteId, profile.people_id)).toEqual(profile);
    expect(typeof profile.email).toBe('string');
    expect(typeof profile.person.nickname).toBe('string');
    expect(Array.isArray(profile.segments)).toBe(true);
    expect(profile.active.now).toBe(false);
    expect(profile.updated_at).toBeGreaterThanOrEqual(profile.created_at);
    await expect(
      client.website.getPeopleProfile(websiteId, 'no-such-people'),
    ).rejects.toMatchObject({ code: 404, message: 'people_not_found' });
    await expect(
      client.website.listPeopleProfiles(websiteId, 1, undefined, undefined, 'and', undefined, 'x'),
    ).rejects.toMatchObject({ code: 400 });
  });

  it('delivers people:profile:created, updated, removed and people:bind:session', async () => {
    const sessionId = sim.truth.queryConversations(websiteId)[0].session_id;
    const created = sim.truth.people.createProfile(websiteId, {
      email: 'new.contact@example.test',
    });
    const peopleId = created.profile.people_id;
    const bound = sim.truth.bindPeople(websiteId, sessionId, peopleId);
    const updated = sim.truth.people.updateProfile(websiteId, peopleId, { nickname: 'Renamed' });
    const removed = sim.truth.people.removeProfile(websiteId, peopleId);
    const [c, b, u, r] = await receive([
      ...created.events,
      ...bound.events,
      ...updated.events,
      ...removed.events,
    ]);
    expect(c).toEqual({
      website_id: websiteId,
      people_id: peopleId,
      email: 'new.contact@example.test',
    });
    expect(b).toEqual({
      website_id: websiteId,
      session_id: sessionId,
      inbox_id: sim.truth.getRecord(websiteId, sessionId)!.inbox_id,
      people_id: peopleId,
    });
    expect(u).toEqual({
      website_id: websiteId,
      people_id: peopleId,
      email: 'new.contact@example.test',
      update: { updated_at: updated.events[0].at, person: updated.profile.person },
    });
    expect(updated.profile.person.nickname).toBe('Renamed');
    expect(r).toEqual({ website_id: websiteId, people_id: peopleId });
    expect(sim.truth.getConversation(websiteId, sessionId)!.people_id).toBe(peopleId);
    expect(sim.truth.people.get(websiteId, peopleId)).toBeUndefined();
    expect(sim.truth.people.removed.at(-1)?.profile.people_id).toBe(peopleId);
  });

  it('refuses a token that does not cover the website, as on every website route', async () => {
    const limited = {
      identifier: 'directory-limited',
      key: 'directory-limited-key',
      tier: 'plugin' as const,
      websiteIds: [sim.truth.websiteIds()[1]],
    };
    sim.credentials.add(limited);
    const other = createClient(sim.restUrl, { credential: limited });
    await expect(other.website.listWebsiteOperators(websiteId)).rejects.toMatchObject({
      code: 404,
      message: 'not_subscribed',
    });
  });
});
