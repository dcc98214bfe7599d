/**
 * The operator-side events (rating, opened, closed, routing, inbox) reach the official crisp-api
 * client over RTM with the shapes its `Events.ts` types give, and carry no time (RTM has none).
 */
import type { Crisp } from 'crisp-api';
import { CrispSimulator, type SimEvent } from '../../tools/crisp-simulator';
import { closeClient, createClient, waitFor } from './crisp-client-helpers';

const EVENTS = [
  'session:sync:rating',
  'session:set_opened',
  'session:set_closed',
  'session:set_routing',
  'session:set_inbox',
] as const;

describe('simulator RTM: operator-side events through crisp-api', () => {
  let sim: CrispSimulator;
  let client: Crisp;
  let websiteId: string;
  let sessionId: string;
  const received: { event: string; data: unknown }[] = [];

  beforeAll(async () => {
    sim = new CrispSimulator({ seed: 12, generate: { websites: 1, conversationsPerWebsite: 5 } });
    const { restUrl } = await sim.start();
    websiteId = sim.truth.websiteIds()[0];
    sessionId = sim.truth.queryConversations(websiteId)[0].session_id;
    client = createClient(restUrl);
    for (const event of EVENTS) {
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

  it('delivers session:sync:rating with rating {stars, comment?}', async () => {
    const inboxId = sim.truth.getRecord(websiteId, sessionId)!.inbox_id;
    const plain = sim.truth.setRating(websiteId, sessionId, 4);
    const commented = sim.truth.setRating(websiteId, sessionId, 1, 'Never answered');
    const [first, second] = await receive([...plain.events, ...commented.events]);
    const base = { website_id: websiteId, session_id: sessionId, inbox_id: inboxId };
    expect(first).toEqual({ ...base, rating: { stars: 4 } });
    expect(second).toEqual({ ...base, rating: { stars: 1, comment: 'Never answered' } });
    // RTM carries no time: `at` stays in the truth.
    expect(first).not.toHaveProperty('at');
    expect(sim.truth.ratingOf(websiteId, sessionId)).toMatchObject({ stars: 1 });
  });

  it('delivers session:set_opened and set_closed with the operator', async () => {
    const [operator] = sim.truth.getWebsite(websiteId)!.operators;
    const opened = sim.truth.setOpened(websiteId, sessionId, {
      user_id: operator.user_id,
      nickname: operator.nickname,
      avatar: 'https://avatars.example.test/operator.png',
    });
    const closed = sim.truth.setClosed(websiteId, sessionId, { user_id: operator.user_id });
    const [openedData, closedData] = await receive([...opened.events, ...closed.events]);
    const base = {
      website_id: websiteId,
      session_id: sessionId,
      inbox_id: sim.truth.getRecord(websiteId, sessionId)!.inbox_id,
    };
    expect(openedData).toEqual({
      ...base,
      operator: {
        user_id: operator.user_id,
        nickname: operator.nickname,
        avatar: 'https://avatars.example.test/operator.png',
      },
    });
    expect(closedData).toEqual({ ...base, operator: { user_id: operator.user_id } });
  });

  it('delivers session:set_routing with the previous routing id', async () => {
    const [first, second] = sim.truth.getWebsite(websiteId)!.operators;
    const before = sim.truth.getRecord(websiteId, sessionId)!.routing_id;
    const one = sim.truth.setRouting(websiteId, sessionId, first.user_id);
    const two = sim.truth.setRouting(websiteId, sessionId, second.user_id);
    const [a, b] = await receive([...one.events, ...two.events]);
    const inboxId = sim.truth.getRecord(websiteId, sessionId)!.inbox_id;
    const base = { website_id: websiteId, session_id: sessionId, inbox_id: inboxId };
    expect(a).toEqual({ ...base, routing_id: first.user_id, previous_routing_id: before });
    expect(b).toEqual({ ...base, routing_id: second.user_id, previous_routing_id: first.user_id });
    expect(sim.truth.assignmentHistory(websiteId, sessionId).at(-1)).toMatchObject({
      from: first.user_id,
      to: second.user_id,
    });
  });

  it('delivers session:set_inbox with the new id in inbox_id and the old in previous_inbox_id', async () => {
    const before = sim.truth.getRecord(websiteId, sessionId)!.inbox_id;
    const into = sim.truth.setInbox(websiteId, sessionId, 'inbox-support');
    const out = sim.truth.setInbox(websiteId, sessionId, null);
    const [a, b] = await receive([...into.events, ...out.events]);
    const ids = { website_id: websiteId, session_id: sessionId };
    expect(a).toEqual({ ...ids, inbox_id: 'inbox-support', previous_inbox_id: before });
    expect(b).toEqual({ ...ids, inbox_id: null, previous_inbox_id: 'inbox-support' });
  });
});
