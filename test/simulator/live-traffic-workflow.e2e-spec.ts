/**
 * Live traffic's operator side: resolutions, ratings, reopens, assignments, inbox moves and
 * operators opening and closing conversations (and, through the simulator, the directory side), at the demo's settings (tools/demo: one website,
 * 30 conversations all in the pool, 2 actions/s for two minutes = 240 actions).
 */
import {
  CrispSimulator,
  generateGroundTruth,
  LiveTraffic,
  type GroundTruth,
  type SimEvent,
} from '../../tools/crisp-simulator';

const DEMO_ACTIONS = 2 * 120;

function demoTraffic(seed: number): { truth: GroundTruth; events: SimEvent[] } {
  const truth = generateGroundTruth({ seed, websites: 1, conversationsPerWebsite: 30 });
  const events: SimEvent[] = [];
  const traffic = new LiveTraffic(truth, (batch) => events.push(...batch), {
    seed,
    rate: 2,
    conversations: 30,
  });
  traffic.step(DEMO_ACTIONS);
  return { truth, events };
}

const count = (events: SimEvent[], name: string): number =>
  events.filter((e) => e.event === name).length;

describe('live traffic, operator side', () => {
  it.each([1, 2, 3])(
    'gives the demo (seed %i) several resolutions, ratings, reopens and assignments',
    (seed) => {
      const { truth, events } = demoTraffic(seed);
      const websiteId = truth.websiteIds()[0];
      const sessions = new Set(
        events.flatMap((e) => ('session_id' in e.data ? [e.data.session_id] : [])),
      );
      let resolutions = 0;
      let reopens = 0;
      let assignments = 0;
      for (const sessionId of sessions) {
        const summary = truth.resolutionOf(websiteId, sessionId);
        const changes = truth.stateHistory(websiteId, sessionId);
        resolutions += changes.filter((c) => c.to === 'resolved').length;
        reopens += summary.reopen_count;
        assignments += truth.assignmentHistory(websiteId, sessionId).length;
      }
      const ratings = count(events, 'session:sync:rating');
      console.log(
        `seed ${seed}: ${resolutions} resolutions, ${ratings} ratings, ${reopens} reopens, ` +
          `${assignments} assignments, ${count(events, 'session:set_opened')} opened, ` +
          `${count(events, 'session:set_closed')} closed, ${count(events, 'session:set_inbox')} inbox moves`,
      );
      expect(resolutions).toBeGreaterThanOrEqual(3);
      expect(ratings).toBeGreaterThanOrEqual(3);
      expect(reopens).toBeGreaterThanOrEqual(3);
      expect(assignments).toBeGreaterThanOrEqual(3);
      const openStates = count(events, 'session:set_opened') + count(events, 'session:set_closed');
      expect(openStates).toBeGreaterThanOrEqual(2);
      expect(truth.ratings.all).toHaveLength(ratings);
      for (const rating of truth.ratings.all) {
        expect(rating.stars).toBeGreaterThanOrEqual(1);
        expect(rating.stars).toBeLessThanOrEqual(5);
      }
    },
  );

  it('rates only conversations it resolved, right after resolving them', () => {
    const { truth, events } = demoTraffic(4);
    events.forEach((event, i) => {
      if (event.event !== 'session:sync:rating') return;
      const previous = events[i - 1];
      expect(previous).toMatchObject({
        event: 'session:set_state',
        data: { session_id: event.data.session_id, state: 'resolved' },
      });
      expect(event.at).toBeGreaterThan(previous.at!);
    });
    expect(truth.ratings.all.some((r) => r.comment !== undefined)).toBe(true);
  });

  it('assigns to operators of the website and moves inboxes among its own', () => {
    const truth = generateGroundTruth({ seed: 8, websites: 3, conversationsPerWebsite: 10 });
    const events: SimEvent[] = [];
    new LiveTraffic(truth, (batch) => events.push(...batch), {
      seed: 8,
      weights: { assign: 50, moveInbox: 50 },
    }).step(400);
    const routings = events.flatMap((e) => (e.event === 'session:set_routing' ? [e] : []));
    expect(routings.length).toBeGreaterThan(50);
    for (const { data } of routings) {
      const operators = truth.getWebsite(data.website_id)!.operators.map((o) => o.user_id);
      if (data.routing_id !== null) expect(operators).toContain(data.routing_id);
      expect(data.routing_id).not.toBe(data.previous_routing_id);
    }
    const moves = events.flatMap((e) => (e.event === 'session:set_inbox' ? [e] : []));
    for (const { data } of moves) {
      const inboxes = truth.getWebsite(data.website_id)!.inboxes;
      expect(inboxes.length).toBeGreaterThan(0);
      if (data.inbox_id !== null) expect(inboxes).toContain(data.inbox_id);
      expect(data.inbox_id).not.toBe(data.previous_inbox_id);
    }
  });

  it('delivers the operator side through the simulator like any other event', () => {
    const sim = new CrispSimulator({
      seed: 2,
      generate: { websites: 1, conversationsPerWebsite: 10 },
      // The directory actions are rare by default; raised so 300 actions surely hold each kind.
      traffic: { weights: { peopleChange: 10, operatorAvailability: 10 } },
    });
    sim.traffic.step(300);
    const names = new Set(sim.emitted.map((e) => e.event));
    for (const name of [
      'session:sync:rating',
      'session:set_routing',
      'session:set_opened',
      'website:update_operators_availability',
      'people:profile:created',
      'people:bind:session',
    ]) {
      expect(names).toContain(name);
    }
    expect(sim.emitted.every((e) => typeof e.at === 'number')).toBe(true);
  });
});
