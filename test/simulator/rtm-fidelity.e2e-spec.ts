/**
 * The simulator's RTM server, driven by the official crisp-api client (websockets mode) and by a raw
 * socket.io client where the official one cannot observe something, must behave as
 * crisp-protocol.md §1.3 and §6 items 8–10 describe.
 */
import type { Crisp } from 'crisp-api';
import { io as connectSocket, type Socket } from 'socket.io-client';
import {
  CrispSimulator,
  DEFAULT_CREDENTIAL,
  UNAUTHORIZED_MESSAGE,
  type SimCredential,
  type SimEvent,
} from '../../tools/crisp-simulator';
import {
  captureUnauthorizedThrow,
  closeClient,
  createClient,
  sleep,
  socketOf,
  waitFor,
} from './crisp-client-helpers';

const ENDPOINTS_ROUTE = 'GET /plugin/connect/endpoints';

describe('simulator RTM through crisp-api', () => {
  let sim: CrispSimulator;
  let restUrl: string;
  let rtmUrl: string;
  let websiteA: string;
  let websiteB: string;
  let limited: SimCredential;
  const clients: Crisp[] = [];
  const rawSockets: Socket[] = [];

  /** A conversation of `websiteId` that has messages. */
  const someSession = (websiteId: string): string =>
    sim.truth.queryConversations(websiteId)[0].session_id;

  const track = (client: Crisp): Crisp => {
    clients.push(client);
    return client;
  };

  const rawClient = (): Socket => {
    const socket = connectSocket(new URL(rtmUrl).origin, {
      path: '/socket.io/',
      transports: ['websocket'],
      reconnection: false,
    });
    rawSockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    sim = new CrispSimulator({ seed: 5, generate: { websites: 2, conversationsPerWebsite: 20 } });
    [websiteA, websiteB] = sim.truth.websiteIds();
    limited = {
      identifier: 'limited-plugin',
      key: 'limited-key',
      tier: 'plugin',
      websiteIds: [websiteA],
    };
    sim.credentials.add(limited);
    ({ restUrl, rtmUrl } = await sim.start());
  });

  afterEach(async () => {
    clients.splice(0).forEach(closeClient);
    rawSockets.splice(0).forEach((s) => s.disconnect());
    sim.rtm.resumeDelivery();
    await sim.rtm.waitFor((s) => s.connected === 0, 5000);
  });

  afterAll(async () => {
    await sim.stop();
  });

  it('discovers the endpoint via /v1/plugin/connect/endpoints and delivers subscribed events with exact payloads', async () => {
    const before = sim.faults.count(ENDPOINTS_ROUTE);
    const client = track(createClient(restUrl));
    const sent: unknown[] = [];
    const states: unknown[] = [];
    void client.on('message:send', (data) => sent.push(data));
    void client.on('session:set_state', (data) => states.push(data));
    await sim.rtm.waitForAuthenticated(1);
    expect(sim.faults.count(ENDPOINTS_ROUTE)).toBe(before + 1);
    expect(sim.rtm.clients()[0]).toMatchObject({
      identifier: DEFAULT_CREDENTIAL.identifier,
      authenticated: true,
      events: ['message:send', 'session:set_state'],
    });

    const sessionId = someSession(websiteA);
    const message = sim.mutate((t) =>
      t.addMessage(websiteA, sessionId, { from: 'user', content: 'Hello from RTM' }),
    );
    const state = sim.mutate((t) => t.setState(websiteA, sessionId, 'resolved'));
    // Not subscribed: must not reach the client.
    sim.mutate((t) => t.addMessage(websiteA, sessionId, { from: 'operator', content: 'hidden' }));

    await waitFor(() => sent.length === 1 && states.length === 1, 3000, 'events');
    expect(sent[0]).toEqual(message.events[0].data);
    expect(sent[0]).toEqual({
      website_id: websiteA,
      session_id: sessionId,
      inbox_id: sim.truth.getRecord(websiteA, sessionId)!.inbox_id,
      type: 'text',
      from: 'user',
      origin: message.message.origin,
      content: 'Hello from RTM',
      fingerprint: message.message.fingerprint,
      timestamp: message.message.timestamp,
      user: {
        user_id: sessionId,
        nickname: sim.truth.getRecord(websiteA, sessionId)!.meta.nickname,
      },
      mentions: [],
      stamped: true,
    });
    expect(states[0]).toEqual(state.events[0].data);
    expect(states[0]).toEqual({
      website_id: websiteA,
      session_id: sessionId,
      inbox_id: sim.truth.getRecord(websiteA, sessionId)!.inbox_id,
      state: 'resolved',
    });
    await sleep(100);
    expect(sent).toHaveLength(1);
    expect(sim.rtm.stats().emittedTotal).toBeGreaterThanOrEqual(2);
  });

  it('connects to the setRtmHost URL without endpoint discovery', async () => {
    const before = sim.faults.count(ENDPOINTS_ROUTE);
    const client = track(createClient(restUrl, { rtmUrl }));
    const events: unknown[] = [];
    void client.on('session:set_email', (data) => events.push(data));
    await sim.rtm.waitForAuthenticated(1);
    const sessionId = someSession(websiteB);
    const mutation = sim.mutate((t) => t.setMeta(websiteB, sessionId, 'email', 'new@mail.test'));
    await waitFor(() => events.length === 1, 3000, 'set_email');
    expect(events[0]).toEqual({ ...mutation.events[0].data, email: 'new@mail.test' });
    expect(sim.faults.count(ENDPOINTS_ROUTE)).toBe(before);
  });

  it('only routes events of websites the token is subscribed to, and honours rooms', async () => {
    const client = track(createClient(restUrl, { rtmUrl, credential: limited }));
    const seen: string[] = [];
    void client.on('message:send', (data) => seen.push(data.website_id));
    const raw = rawClient();
    const roomEvents: string[] = [];
    raw.on('message:send', (data: { website_id: string }) => roomEvents.push(data.website_id));
    raw.emit('authentication', {
      username: DEFAULT_CREDENTIAL.identifier,
      password: DEFAULT_CREDENTIAL.key,
      tier: 'plugin',
      events: ['message:send'],
      rooms: [websiteB],
    });
    await sim.rtm.waitForAuthenticated(2);
    sim.mutate((t) => t.addMessage(websiteA, someSession(websiteA), { from: 'user' }));
    sim.mutate((t) => t.addMessage(websiteB, someSession(websiteB), { from: 'user' }));
    await waitFor(() => seen.length === 1 && roomEvents.length === 1, 3000, 'scoped events');
    await sleep(100);
    expect(seen).toEqual([websiteA]);
    expect(roomEvents).toEqual([websiteB]);
  });

  it('supports socket:bind:push / socket:bind:pop to change subscriptions', async () => {
    const raw = rawClient();
    const got: string[] = [];
    raw.onAny((event: string) => got.push(event));
    raw.emit('authentication', {
      username: DEFAULT_CREDENTIAL.identifier,
      password: DEFAULT_CREDENTIAL.key,
      tier: 'plugin',
      events: ['session:set_block'],
    });
    await sim.rtm.waitForAuthenticated(1);
    raw.emit('socket:bind:push', { events: ['session:set_segments'] });
    raw.emit('socket:bind:pop', { events: ['session:set_block'] });
    await waitFor(
      () => sim.rtm.clients()[0]?.events.includes('session:set_segments'),
      2000,
      'push',
    );
    const sessionId = someSession(websiteA);
    sim.mutate((t) => t.setBlock(websiteA, sessionId, true));
    sim.mutate((t) => t.setSegments(websiteA, sessionId, ['vip']));
    await waitFor(() => got.includes('session:set_segments'), 2000, 'segments');
    expect(got).toEqual(['authenticated', 'session:set_segments']);
  });

  it('answers a bad key with `unauthorized` then disconnects (raw socket)', async () => {
    const raw = rawClient();
    const unauthorized: unknown[] = [];
    let authenticated = false;
    raw.on('unauthorized', (data: unknown) => unauthorized.push(data));
    raw.on('authenticated', () => (authenticated = true));
    const disconnected = new Promise<string>((resolve) => raw.on('disconnect', resolve));
    raw.emit('authentication', {
      username: DEFAULT_CREDENTIAL.identifier,
      password: 'wrong-key',
      tier: 'plugin',
      events: ['message:send'],
    });
    await expect(disconnected).resolves.toBe('io server disconnect');
    expect(unauthorized).toEqual([{ message: UNAUTHORIZED_MESSAGE }]);
    expect(authenticated).toBe(false);
    expect(sim.rtm.stats().authFailures).toBeGreaterThanOrEqual(1);
  });

  it('makes the official client throw its uncaught `authentication is invalid` error on a bad key', async () => {
    const client = track(
      createClient(restUrl, { rtmUrl, credential: { ...DEFAULT_CREDENTIAL, key: 'wrong' } }),
    );
    void client.on('message:send', () => undefined);
    const thrown = await captureUnauthorizedThrow(client);
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).message).toBe(
      '[Crisp] connectSocket: cannot listen for events as authentication is invalid',
    );
    // The server then disconnects it, and crisp-api does not retry.
    const socket = await waitFor(
      () => {
        const s = socketOf(client);
        return s && !s.active ? s : null;
      },
      3000,
      'client deactivated',
    );
    expect(socket.connected).toBe(false);
  });

  it('refuses the next N valid authentications', async () => {
    sim.rtm.refuseNextAuthentications(1);
    const first = rawClient();
    const firstResult = new Promise<string>((resolve) => {
      first.on('unauthorized', () => resolve('unauthorized'));
      first.on('authenticated', () => resolve('authenticated'));
    });
    const auth = {
      username: DEFAULT_CREDENTIAL.identifier,
      password: DEFAULT_CREDENTIAL.key,
      tier: 'plugin',
      events: ['message:send'],
    };
    first.emit('authentication', auth);
    await expect(firstResult).resolves.toBe('unauthorized');
    const second = rawClient();
    const secondResult = new Promise<boolean>((resolve) =>
      second.on('authenticated', (ok: boolean) => resolve(ok)),
    );
    second.emit('authentication', auth);
    await expect(secondResult).resolves.toBe(true);
  });

  it('drops events while delivery is paused (no replay) but still changes truth', async () => {
    const client = track(createClient(restUrl, { rtmUrl }));
    const got: string[] = [];
    void client.on('session:set_subject', (data) => got.push(data.subject));
    await sim.rtm.waitForAuthenticated(1);
    const sessionId = someSession(websiteA);
    sim.rtm.pauseDelivery();
    sim.mutate((t) => t.setMeta(websiteA, sessionId, 'subject', 'while paused'));
    sim.rtm.resumeDelivery();
    sim.mutate((t) => t.setMeta(websiteA, sessionId, 'subject', 'after resume'));
    await waitFor(() => got.length === 1, 3000, 'resumed event');
    await sleep(100);
    expect(got).toEqual(['after resume']);
    expect(sim.rtm.clients()[0].dropped).toBe(1);
    expect(sim.truth.getConversation(websiteA, sessionId)!.meta.subject).toBe('after resume');
  });

  it('delivers live traffic to subscribed clients as it happens', async () => {
    const client = track(createClient(restUrl, { rtmUrl }));
    const got: { event: string; data: unknown }[] = [];
    void client.on('message:send', (data) => got.push({ event: 'message:send', data }));
    void client.on('message:received', (data) => got.push({ event: 'message:received', data }));
    await sim.rtm.waitForAuthenticated(1);
    const emittedBefore = sim.emitted.length;
    sim.traffic.setRate(100);
    sim.traffic.start();
    await sleep(400);
    sim.traffic.stop();
    const expected = sim.emitted
      .slice(emittedBefore)
      .filter((e) => e.event === 'message:send' || e.event === 'message:received');
    expect(expected.length).toBeGreaterThan(5);
    await waitFor(() => got.length === expected.length, 3000, 'traffic events');
    // RTM sends the payload alone: the truth's `at` is not on the wire.
    expect(got).toEqual(expected.map(({ event, data }) => ({ event, data })));
  });

  it('after a transport drop the client reconnects, re-authenticates and keeps receiving', async () => {
    const client = track(createClient(restUrl, { rtmUrl }));
    const got: SimEvent['data'][] = [];
    void client.on('session:set_nickname', (data) => got.push(data));
    await sim.rtm.waitForAuthenticated(1);
    const successes = sim.rtm.stats().authSuccesses;
    expect(sim.rtm.dropTransports()).toBe(1);
    await sim.rtm.waitFor(
      (s) => s.authSuccesses === successes + 1 && s.authenticated === 1,
      15_000,
    );
    const sessionId = someSession(websiteB);
    sim.mutate((t) => t.setMeta(websiteB, sessionId, 'nickname', 'Reconnected'));
    await waitFor(() => got.length === 1, 3000, 'event after reconnect');
    expect(got[0]).toMatchObject({ session_id: sessionId, nickname: 'Reconnected' });
  }, 20_000);

  it('after a server-side disconnect the official client never reconnects', async () => {
    const client = track(createClient(restUrl, { rtmUrl }));
    const got: unknown[] = [];
    void client.on('session:set_phone', (data) => got.push(data));
    await sim.rtm.waitForAuthenticated(1);
    expect(sim.rtm.disconnectClients()).toBe(1);
    const socket = await waitFor(
      () => {
        const s = socketOf(client);
        return s && !s.connected ? s : null;
      },
      3000,
      'client disconnected',
    );
    // socket.io-client only reconnects while `active`; a server disconnect deactivates it for good.
    expect(socket.active).toBe(false);
    sim.mutate((t) => t.setMeta(websiteA, someSession(websiteA), 'phone', '+33 1 23 45 67 89'));
    await sleep(300);
    expect(got).toEqual([]);
    expect(sim.rtm.stats().connected).toBe(0);
  });
});
