/**
 * The simulator's REST API, driven by the official crisp-api client, must answer the way the
 * protocol notes (crisp-protocol.md §1.2, §2, §6) say Crisp does, and agree with its ground truth.
 */
import type { Crisp } from 'crisp-api';
import {
  CrispSimulator,
  DEFAULT_CREDENTIAL,
  LARGE_CONVERSATION_MESSAGES,
  QUOTA_REASON,
  buildEdgeCaseTruth,
  messageCountPresets,
  type EdgeCaseConversations,
  type GroundTruth,
  type SimCredential,
} from '../../tools/crisp-simulator';
import {
  createClient,
  listAllConversations,
  pageMessagesBackward,
  pageMessagesForward,
} from './crisp-client-helpers';

const LIMITED: SimCredential = {
  identifier: 'limited-plugin',
  key: 'limited-key',
  tier: 'plugin',
  websiteIds: [],
};

interface ClientError {
  reason: string;
  message: string;
  code: number;
  data: { namespace: string; message: string };
}

async function failure(promise: Promise<unknown>): Promise<ClientError> {
  try {
    await promise;
  } catch (cause) {
    return cause as ClientError;
  }
  throw new Error('expected the call to fail');
}

describe('simulator REST API through crisp-api', () => {
  let sim: CrispSimulator;
  let truth: GroundTruth;
  let edge: EdgeCaseConversations;
  let exactWebsiteId: string;
  let mixedWebsiteId: string;
  let client: Crisp;
  let restUrl: string;

  beforeAll(async () => {
    const built = buildEdgeCaseTruth(11);
    truth = built.truth;
    edge = built.edge;
    exactWebsiteId = built.exactWebsiteId;
    // A third website with a realistic mix (including empty conversations) and 137 conversations.
    mixedWebsiteId = truth.addWebsite().website_id;
    const counts = messageCountPresets.skewed();
    for (let i = 0; i < 137; i++) {
      truth.addSyntheticConversation(mixedWebsiteId, {
        messageCount: i % 10 === 0 ? 0 : counts(i, truth.rng),
        createdAt: Date.UTC(2025, 1, 1) + i * 3_600_000,
      });
    }
    sim = new CrispSimulator({
      seed: 11,
      truth,
      credentials: [DEFAULT_CREDENTIAL, { ...LIMITED, websiteIds: [edge.websiteId] }],
    });
    ({ restUrl } = await sim.start());
    client = createClient(restUrl);
  });

  afterAll(async () => {
    await sim.stop();
  });

  beforeEach(() => {
    sim.faults.clear();
  });

  describe('List Conversations', () => {
    it('pages a website with an exact multiple of 50: two full pages, then []', async () => {
      const { pages, all } = await listAllConversations(client, exactWebsiteId, { per_page: 50 });
      expect(pages.map((p) => p.length)).toEqual([50, 50, 0]);
      const ids = all.map((c) => c.session_id);
      expect(new Set(ids).size).toBe(100);
      expect(new Set(ids)).toEqual(new Set(truth.getWebsite(exactWebsiteId)!.conversations.keys()));
    });

    it('returns every non-empty conversation exactly once, equal to truth', async () => {
      const { pages, all } = await listAllConversations(client, mixedWebsiteId, { per_page: 50 });
      const expected = [...truth.getWebsite(mixedWebsiteId)!.conversations.values()].filter(
        (r) => r.messages.length > 0,
      );
      expect(pages.at(-1)).toEqual([]);
      expect(all).toHaveLength(expected.length);
      expect(new Set(all.map((c) => c.session_id)).size).toBe(expected.length);
      for (const conversation of all) {
        expect(conversation).toEqual(
          truth.getConversation(mixedWebsiteId, conversation.session_id),
        );
      }
    });

    it('includes empty conversations only with include_empty=1', async () => {
      const without = await listAllConversations(client, edge.websiteId, { per_page: 50 });
      const withEmpty = await listAllConversations(client, edge.websiteId, {
        per_page: 50,
        include_empty: 1,
      });
      expect(without.all.map((c) => c.session_id)).not.toContain(edge.empty);
      expect(withEmpty.all.map((c) => c.session_id)).toContain(edge.empty);
      expect(withEmpty.all).toHaveLength(truth.getWebsite(edge.websiteId)!.conversations.size);
    });

    it('clamps per_page to 20..50 and defaults to 20', async () => {
      const sizes = await Promise.all([
        client.website.listConversations(mixedWebsiteId, 1),
        client.website.listConversations(mixedWebsiteId, 1, { per_page: 5 }),
        client.website.listConversations(mixedWebsiteId, 1, { per_page: 35 }),
        client.website.listConversations(mixedWebsiteId, 1, { per_page: 500 }),
      ]);
      expect(sizes.map((s) => s.length)).toEqual([20, 20, 35, 50]);
    });

    it('orders newest-updated first by default and with order_date_updated=1, by created with order_date_created=1', async () => {
      const byDefault = (await listAllConversations(client, mixedWebsiteId, { per_page: 50 })).all;
      const byUpdated = (
        await listAllConversations(client, mixedWebsiteId, { per_page: 50, order_date_updated: 1 })
      ).all;
      const byCreated = (
        await listAllConversations(client, mixedWebsiteId, { per_page: 50, order_date_created: 1 })
      ).all;
      const updated = byDefault.map((c) => c.updated_at ?? 0);
      expect(updated).toEqual([...updated].sort((a, b) => b - a));
      expect(byUpdated).toEqual(byDefault);
      const created = byCreated.map((c) => c.created_at ?? 0);
      expect(created).toEqual([...created].sort((a, b) => b - a));
    });

    it('filters on updated_at with ISO 8601 filter_date_start / filter_date_end (inclusive)', async () => {
      const records = [...truth.getWebsite(mixedWebsiteId)!.conversations.values()]
        .filter((r) => r.messages.length > 0)
        .map((r) => r.updated_at)
        .sort((a, b) => a - b);
      const start = records[Math.floor(records.length / 4)];
      const end = records[Math.floor((records.length * 3) / 4)];
      const { all } = await listAllConversations(client, mixedWebsiteId, {
        per_page: 50,
        filter_date_start: new Date(start).toISOString(),
        filter_date_end: new Date(end).toISOString(),
      });
      expect(all).toHaveLength(records.filter((t) => t >= start && t <= end).length);
      for (const conversation of all) {
        expect(conversation.updated_at).toBeGreaterThanOrEqual(start);
        expect(conversation.updated_at).toBeLessThanOrEqual(end);
      }
    });

    it('rejects a Date object, which crisp-api serialises as a JSON-quoted string', async () => {
      const error = await failure(
        client.website.listConversations(mixedWebsiteId, 1, {
          filter_date_start: new Date(0) as unknown as string,
        }),
      );
      expect(error.code).toBe(400);
    });

    it('filters resolved / not resolved conversations', async () => {
      const resolved = (
        await listAllConversations(client, mixedWebsiteId, { per_page: 50, filter_resolved: 1 })
      ).all;
      const open = (
        await listAllConversations(client, mixedWebsiteId, { per_page: 50, filter_not_resolved: 1 })
      ).all;
      expect(resolved.every((c) => c.state === 'resolved' && c.status === 2)).toBe(true);
      expect(open.every((c) => c.state !== 'resolved')).toBe(true);
      const total = (await listAllConversations(client, mixedWebsiteId, { per_page: 50 })).all;
      expect(resolved.length + open.length).toBe(total.length);
    });
  });

  describe('conversation routes', () => {
    it('getConversation / getConversationMetas / getConversationState equal truth', async () => {
      const sessionId = edge.exactly41;
      const expected = truth.getConversation(edge.websiteId, sessionId)!;
      await expect(client.website.getConversation(edge.websiteId, sessionId)).resolves.toEqual(
        expected,
      );
      await expect(client.website.getConversationMetas(edge.websiteId, sessionId)).resolves.toEqual(
        expected.meta,
      );
      await expect(client.website.getConversationState(edge.websiteId, sessionId)).resolves.toEqual(
        { state: expected.state },
      );
      expect(expected.session_id).toMatch(/^session_[0-9a-f-]{36}$/);
      expect(expected.meta.device.system.browser.name).toEqual(expect.any(String));
    });

    it('answers 404 session_not_found for an unknown conversation', async () => {
      const error = await failure(client.website.getConversation(edge.websiteId, 'session_nope'));
      expect(error).toMatchObject({ code: 404, message: 'session_not_found' });
    });
  });

  describe('messages', () => {
    const cases = [
      ['empty', 0, 1],
      ['single', 1, 1],
      ['exactly40', 40, 2],
      ['exactly41', 41, 2],
      ['large', LARGE_CONVERSATION_MESSAGES, Math.ceil(LARGE_CONVERSATION_MESSAGES / 40)],
    ] as const;

    it.each(cases)(
      'pages back with timestamp_before: %s conversation (%i messages) equals truth',
      async (name, count, expectedCalls) => {
        const sessionId = edge[name];
        const { messages, calls } = await pageMessagesBackward(client, edge.websiteId, sessionId);
        expect(messages).toHaveLength(count);
        expect(messages).toEqual(truth.getMessages(edge.websiteId, sessionId));
        expect(calls).toBe(expectedCalls);
        const timestamps = messages.map((m) => m.timestamp ?? 0);
        expect(timestamps).toEqual([...timestamps].sort((a, b) => a - b));
        expect(new Set(timestamps).size).toBe(count);
        expect(new Set(messages.map((m) => m.fingerprint)).size).toBe(count);
        for (const message of messages) {
          expect(String(message.fingerprint)).toMatch(/^\d{15}$/);
          expect(['chat', 'email', '']).toContain(message.read);
        }
      },
    );

    it('returns the latest 40 oldest-first without a cursor; timestamp_before is exclusive', async () => {
      const all = truth.getMessages(edge.websiteId, edge.large);
      const latest = await client.website.getMessagesInConversation(edge.websiteId, edge.large);
      expect(latest).toEqual(all.slice(-40));
      const pivot = all[100].timestamp;
      const before = await client.website.getMessagesInConversation(
        edge.websiteId,
        edge.large,
        pivot,
      );
      expect(before).toEqual(all.slice(60, 100));
    });

    it('pages forward with timestamp_after (exclusive, oldest 40 first) equal to truth', async () => {
      for (const sessionId of [edge.large, edge.exactly41, edge.exactly40, edge.single]) {
        const { messages } = await pageMessagesForward(client, edge.websiteId, sessionId);
        expect(messages).toEqual(truth.getMessages(edge.websiteId, sessionId));
      }
      const all = truth.getMessages(edge.websiteId, edge.large);
      const after = await client.website.getMessagesInConversation(
        edge.websiteId,
        edge.large,
        undefined,
        all[10].timestamp,
      );
      expect(after).toEqual(all.slice(11, 51));
    });

    it('keeps fingerprints unique per conversation only: the same fingerprint in two conversations', async () => {
      const { fingerprint, sessionIds } = edge.sharedFingerprint;
      const [a, b] = await Promise.all(
        sessionIds.map((sid) =>
          client.website.getMessageInConversation(edge.websiteId, sid, fingerprint),
        ),
      );
      expect(a.fingerprint).toBe(fingerprint);
      expect(b.fingerprint).toBe(fingerprint);
      expect(a.session_id).toBe(sessionIds[0]);
      expect(b.session_id).toBe(sessionIds[1]);
      const error = await failure(
        client.website.getMessageInConversation(edge.websiteId, edge.single, 123456789012345),
      );
      expect(error.code).toBe(404);
    });
  });

  describe('authentication and errors', () => {
    it('rejects bad credentials with 401', async () => {
      const bad = createClient(restUrl, { credential: { ...DEFAULT_CREDENTIAL, key: 'wrong' } });
      const error = await failure(bad.website.listConversations(edge.websiteId, 1));
      expect(error.code).toBe(401);
      const wrongTier = createClient(restUrl, {
        credential: { ...DEFAULT_CREDENTIAL, tier: 'website' },
      });
      expect(
        (await failure(wrongTier.website.getConversation(edge.websiteId, edge.single))).code,
      ).toBe(401);
    });

    it('rejects requests without Authorization or X-Crisp-Tier', async () => {
      const url = `${restUrl}/v1/website/${edge.websiteId}/conversations/1`;
      const auth = `Basic ${Buffer.from(`${DEFAULT_CREDENTIAL.identifier}:${DEFAULT_CREDENTIAL.key}`).toString('base64')}`;
      const noAuth = await fetch(url, { headers: { 'X-Crisp-Tier': 'plugin' } });
      const noTier = await fetch(url, { headers: { Authorization: auth } });
      const ok = await fetch(url, { headers: { Authorization: auth, 'X-Crisp-Tier': 'plugin' } });
      expect([noAuth.status, noTier.status, ok.status]).toEqual([401, 401, 200]);
      expect(await noAuth.json()).toMatchObject({ error: true, reason: 'invalid_session' });
      expect(await ok.json()).toMatchObject({ error: false, reason: 'resolved' });
    });

    it('answers 404 not_subscribed for a website the plugin is not subscribed to', async () => {
      const limited = createClient(restUrl, { credential: LIMITED });
      await expect(limited.website.listConversations(edge.websiteId, 1)).resolves.toEqual(
        expect.any(Array),
      );
      const error = await failure(limited.website.listConversations(exactWebsiteId, 1));
      expect(error).toMatchObject({ code: 404, message: 'not_subscribed' });
      const unknown = await failure(client.website.listConversations('no-such-website', 1));
      expect(unknown).toMatchObject({ code: 404, message: 'not_subscribed' });
    });

    it('answers 404 not_found for an unknown route, like Crisp', async () => {
      const error = await failure(
        client.get(client.prepareRestUrl(['website', edge.websiteId, 'no-such-route'])),
      );
      expect(error).toEqual({
        reason: 'error',
        message: 'not_found',
        code: 404,
        data: { namespace: 'response', message: 'Got response error: the route does not exist' },
      });
    });

    it('serves connect routes: endpoints, websites/all pages, session check', async () => {
      await expect(client.plugin.getConnectEndpoints()).resolves.toEqual({
        socket: { app: sim.rtmUrl },
      });
      const page1 = await client.plugin.listAllConnectWebsites(1, false, false);
      const page2 = await client.plugin.listAllConnectWebsites(2, false, false);
      expect(page1.map((w) => w.website_id)).toEqual(truth.websiteIds());
      expect(page1[0]).toEqual({
        website_id: truth.websiteIds()[0],
        token: truth.getWebsite(truth.websiteIds()[0])!.token,
        settings: {},
      });
      expect(page1[0].token).toMatch(/^[0-9a-f]{32}$/);
      expect(page2).toEqual([]);
      const limited = createClient(restUrl, { credential: LIMITED });
      await expect(limited.plugin.listAllConnectWebsites(1, false, false)).resolves.toEqual([
        expect.objectContaining({ website_id: edge.websiteId }),
      ]);
      await expect(client.plugin.checkConnectSessionValidity()).resolves.toEqual({});
    });
  });

  describe('faults', () => {
    const listRoute = 'GET /website/:id/conversations/:page';

    it('surfaces injected 429 / 420 / 5xx as the client error codes, JSON or not', async () => {
      sim.faults.resetCounters();
      sim.faults.script(
        [429, { kind: 'status', status: 429, body: 'text' }, 420, 500, 502, 503, 'pass'],
        listRoute,
      );
      const errors: ClientError[] = [];
      for (let i = 0; i < 6; i++) {
        errors.push(await failure(client.website.listConversations(edge.websiteId, 1)));
      }
      expect(errors.map((e) => e.code)).toEqual([429, 429, 420, 500, 502, 503]);
      expect(errors[0].message).toBe('rate_limited');
      expect(errors[1].message).toBe('http_error');
      await expect(client.website.listConversations(edge.websiteId, 1)).resolves.toEqual(
        expect.any(Array),
      );
      // Scripts only apply to their route.
      await expect(client.website.getConversation(edge.websiteId, edge.single)).resolves.toEqual(
        expect.objectContaining({ session_id: edge.single }),
      );
      expect(sim.faults.count(listRoute)).toBe(7);
      expect(sim.faults.count(listRoute, 429)).toBe(2);
      expect(sim.faults.count(listRoute, 200)).toBe(1);
      expect(sim.faults.count(undefined, 503)).toBe(1);
      expect(sim.faults.snapshot().byRoute['GET /website/:id/conversation/:sid']).toBe(1);
    });

    it('adds measurable latency', async () => {
      sim.faults.setLatency(300);
      const started = Date.now();
      await client.website.getConversation(edge.websiteId, edge.single);
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      sim.faults.setLatency({ min: 100, max: 150 });
      const t0 = Date.now();
      await client.website.getConversation(edge.websiteId, edge.single);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(95);
    });

    it('fails a random share of requests when asked to', async () => {
      sim.faults.failRandomly({ probability: 1, statuses: [503] });
      expect(
        (await failure(client.website.getConversation(edge.websiteId, edge.single))).code,
      ).toBe(503);
      sim.faults.failRandomly(null);
      await expect(client.website.getConversation(edge.websiteId, edge.single)).resolves.toEqual(
        expect.objectContaining({ session_id: edge.single }),
      );
    });

    it('enforces a daily per-token quota until reset', async () => {
      sim.faults.setQuota({ limit: 3, identifier: DEFAULT_CREDENTIAL.identifier });
      for (let i = 0; i < 3; i++) {
        await client.website.getConversationState(edge.websiteId, edge.single);
      }
      const error = await failure(client.website.getConversationState(edge.websiteId, edge.single));
      expect(error).toMatchObject({ code: 429, message: QUOTA_REASON });
      // Other tokens have their own quota.
      const limited = createClient(restUrl, { credential: LIMITED });
      await expect(
        limited.website.getConversationState(edge.websiteId, edge.single),
      ).resolves.toHaveProperty('state');
      sim.faults.resetQuota(DEFAULT_CREDENTIAL.identifier);
      await expect(
        client.website.getConversationState(edge.websiteId, edge.single),
      ).resolves.toHaveProperty('state');
      expect(sim.faults.quotaUsed(DEFAULT_CREDENTIAL.identifier)).toBe(1);
    });

    it('hangs past the client 10 s timeout, which then rejects with a request error', async () => {
      sim.faults.script(['timeout'], 'GET /website/:id/conversation/:sid/messages');
      const started = Date.now();
      const error = await failure(
        client.website.getMessagesInConversation(edge.websiteId, edge.single),
      );
      const elapsed = Date.now() - started;
      expect(error).toMatchObject({ code: 500, message: 'internal_error' });
      expect(error.data.namespace).toBe('request');
      expect(elapsed).toBeGreaterThanOrEqual(9_900);
      expect(elapsed).toBeLessThan(11_000);
    }, 20_000);
  });

  describe('REST reflects mutations', () => {
    it('shows edits, removals and bumped updated_at; truth records deletions', async () => {
      const websiteId = edge.websiteId;
      const sessionId = edge.exactly40;
      const before = (await client.website.getConversation(websiteId, sessionId)).updated_at ?? 0;
      const [first, second] = truth.getMessages(websiteId, sessionId);
      sim.mutate((t) => t.updateMessage(websiteId, sessionId, first.fingerprint, 'edited text'));
      sim.mutate((t) => t.removeMessage(websiteId, sessionId, second.fingerprint));
      const after = await client.website.getConversation(websiteId, sessionId);
      expect(after.updated_at).toBeGreaterThan(before);
      const { messages } = await pageMessagesBackward(client, websiteId, sessionId);
      expect(messages).toHaveLength(39);
      expect(messages[0]).toMatchObject({ content: 'edited text', edited: true });
      expect(messages.map((m) => m.fingerprint)).not.toContain(second.fingerprint);
      expect(truth.deletedMessages).toContainEqual(
        expect.objectContaining({ session_id: sessionId, fingerprint: second.fingerprint }),
      );

      sim.mutate((t) => t.removeConversation(websiteId, edge.exactly41));
      expect((await failure(client.website.getConversation(websiteId, edge.exactly41))).code).toBe(
        404,
      );
      expect(truth.deletedConversations.map((d) => d.session_id)).toContain(edge.exactly41);
    });
  });
});
