/**
 * The REST behaviours a test can switch on (tools/crisp-simulator/rest-behaviour.ts), driven by
 * the official crisp-api client. crisp-api resolves the body and hides the status and headers,
 * so `fetch` is watched while it calls: what the wire carried is what Crisp's staff and docs say.
 */
import type { Crisp } from 'crisp-api';
import {
  CrispSimulator,
  GroundTruth,
  type RestBehaviourOptions,
} from '../../tools/crisp-simulator';
import { createClient, pageMessagesBackward } from './crisp-client-helpers';

interface Seen {
  status: number;
  bloomStatus: string | null;
}

/** Runs `call` with fetch watched; answers what it resolved and every response it received. */
async function watched<T>(call: () => Promise<T>): Promise<{ result: T; seen: Seen[] }> {
  const original = globalThis.fetch;
  const seen: Seen[] = [];
  globalThis.fetch = async (...args: Parameters<typeof fetch>) => {
    const response = await original(...args);
    seen.push({ status: response.status, bloomStatus: response.headers.get('bloom-status') });
    return response;
  };
  try {
    return { result: await call(), seen };
  } finally {
    globalThis.fetch = original;
  }
}

describe('simulator REST behaviours through crisp-api', () => {
  const truth = new GroundTruth({ seed: 31 });
  const { website_id: websiteId } = truth.addWebsite();
  const sessionOf = (messageCount: number, i: number) =>
    truth.addSyntheticConversation(websiteId, {
      messageCount,
      createdAt: Date.UTC(2025, 1, 1) + i * 60_000,
      rng: truth.rng,
    }).session_id;
  const fifty = sessionOf(50, 0);
  const forty = sessionOf(40, 1);
  const none = sessionOf(0, 2);
  const sims: CrispSimulator[] = [];

  async function clientOn(
    rest: RestBehaviourOptions,
  ): Promise<{ sim: CrispSimulator; client: Crisp }> {
    const sim = new CrispSimulator({ seed: 31, truth, rest });
    sims.push(sim);
    await sim.start();
    return { sim, client: createClient(sim.restUrl) };
  }

  afterAll(async () => {
    await Promise.all(sims.map((sim) => sim.stop()));
  });

  it('answers 206 while older messages remain and 200 at the end, by default in batches of 40', async () => {
    const { client } = await clientOn({});
    const { result, seen } = await watched(() => pageMessagesBackward(client, websiteId, fifty));
    expect(result.messages).toEqual(truth.getMessages(websiteId, fifty));
    expect(seen.map((answer) => answer.status)).toEqual([206, 200]);
    const exact = await watched(() => client.website.getMessagesInConversation(websiteId, forty));
    expect(exact.result).toHaveLength(40);
    expect(exact.seen.map((answer) => answer.status)).toEqual([200]);
    const empty = await watched(() => client.website.getMessagesInConversation(websiteId, none));
    expect(empty.result).toEqual([]);
    expect(empty.seen.map((answer) => answer.status)).toEqual([200]);
  });

  it('serves batches of any size (20 here), still ending with 200', async () => {
    const { client } = await clientOn({ messageBatchSize: 20 });
    const all = truth.getMessages(websiteId, fifty);
    const { result, seen } = await watched(async () => {
      const latest = await client.website.getMessagesInConversation(websiteId, fifty);
      const older = await client.website.getMessagesInConversation(
        websiteId,
        fifty,
        latest[0].timestamp,
      );
      const oldest = await client.website.getMessagesInConversation(
        websiteId,
        fifty,
        older[0].timestamp,
      );
      return [latest, older, oldest];
    });
    expect(result).toEqual([all.slice(30), all.slice(10, 30), all.slice(0, 10)]);
    expect(seen.map((answer) => answer.status)).toEqual([206, 206, 200]);
  });

  it('can answer another status, as a proxy rewriting it would; crisp-api resolves it alike', async () => {
    const { client } = await clientOn({ historyStatus: 203 });
    const { result, seen } = await watched(() =>
      client.website.getMessagesInConversation(websiteId, fifty),
    );
    expect(result).toHaveLength(40);
    expect(seen.map((answer) => answer.status)).toEqual([203]);
  });

  it('serves a stale conversation from its GET cache for the TTL after a change (Bloom-Status)', async () => {
    const { sim, client } = await clientOn({
      getCache: { ttlMs: 1_500 },
    });
    const first = await watched(() => client.website.getConversation(websiteId, fifty));
    expect(first.seen.map((answer) => answer.bloomStatus)).toEqual(['MISS']);
    sim.mutate((t) => t.setState(websiteId, fifty, 'resolved'));
    const stale = await watched(() => client.website.getConversation(websiteId, fifty));
    expect(stale.seen.map((answer) => answer.bloomStatus)).toEqual(['HIT']);
    expect(stale.result.state).toBe(first.result.state);
    expect(stale.result.state).not.toBe('resolved');
    const listed = await watched(() => client.website.listConversations(websiteId, 1));
    expect(listed.seen.map((answer) => answer.bloomStatus)).toEqual(['HIT']);
    expect(listed.result.find((item) => item.session_id === fifty)?.state).toBe(first.result.state);
    // Message batches are always computed.
    const messages = await watched(() => client.website.getMessagesInConversation(websiteId, none));
    expect(messages.seen.map((answer) => answer.bloomStatus)).toEqual(['MISS']);
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    const fresh = await watched(() => client.website.getConversation(websiteId, fifty));
    expect(fresh.seen.map((answer) => answer.bloomStatus)).toEqual(['MISS']);
    expect(fresh.result.state).toBe('resolved');
  });

  it('can leave out the message flags that are not set, as a live capture does', async () => {
    const { client } = await clientOn({ omitFalseMessageFlags: true });
    const sent = await client.website.getMessagesInConversation(websiteId, forty);
    const truthful = truth.getMessages(websiteId, forty);
    expect(sent).toHaveLength(truthful.length);
    for (const [i, message] of sent.entries()) {
      const expected: Record<string, unknown> = { ...truthful[i] };
      for (const flag of ['edited', 'translated', 'automated']) {
        if (expected[flag] !== true) delete expected[flag];
      }
      expect(message).toEqual(expected);
    }
    expect(sent.some((message) => 'edited' in message)).toBe(
      truthful.some((message) => message.edited),
    );
  });
});
