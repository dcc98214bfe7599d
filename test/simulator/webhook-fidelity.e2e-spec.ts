/**
 * Plugin Hooks sent by the simulator must verify with the official client's `verifyHook()` and be
 * dispatchable with `receiveHook()` (crisp-protocol.md §1.4, §6 item 11); Website Hooks, unsigned,
 * must be dispatchable too (§9).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Crisp } from 'crisp-api';
import { CrispSimulator, signHook, type WebhookDelivery } from '../../tools/crisp-simulator';
import { loopbackBound, waitFor } from './crisp-client-helpers';

interface ReceivedHook {
  headers: IncomingHttpHeaders;
  body: string;
}

const SECRET = 'plugin-hook-secret';

describe('simulator Plugin Hooks through crisp-api verifyHook', () => {
  let receiver: Server;
  let hookUrl: string;
  let received: ReceivedHook[] = [];
  /** Statuses the receiver answers with, in order; 200 once exhausted. */
  let answers: number[] = [];
  let sim: CrispSimulator;
  let client: Crisp;
  const dispatched: unknown[] = [];
  let websiteId: string;
  let sessionId: string;

  const header = (hook: ReceivedHook, name: string): string => {
    const value = hook.headers[name.toLowerCase()];
    return Array.isArray(value) ? value[0] : (value ?? '');
  };

  const verify = (hook: ReceivedHook, secret = SECRET): boolean =>
    client.verifyHook(
      secret,
      JSON.parse(hook.body) as object,
      Number(header(hook, 'X-Crisp-Request-Timestamp')),
      header(hook, 'X-Crisp-Signature'),
    );

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(answers.shift() ?? 200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/crisp/hooks`;

    sim = new CrispSimulator({
      seed: 9,
      generate: { websites: 1, conversationsPerWebsite: 5 },
      webhook: { url: hookUrl, secret: SECRET, backoffMs: [20, 40] },
    });
    await sim.start();
    websiteId = sim.truth.websiteIds()[0];
    sessionId = sim.truth.queryConversations(websiteId)[0].session_id;

    client = new Crisp();
    client.setRtmMode('webhooks');
    void client.on('message:send', (data) => dispatched.push(data));
    // verifyHook() returns false until the loopback binds, ~500 ms after the first on().
    await waitFor(() => loopbackBound(client), 2000, 'loopback bound');
  });

  beforeEach(() => {
    received = [];
    answers = [];
    sim.configureWebhook({ url: hookUrl, secret: SECRET, backoffMs: [20, 40] });
  });

  afterAll(async () => {
    await sim.stop();
    receiver.closeAllConnections();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  it('signs compact JSON that verifyHook accepts and receiveHook dispatches', async () => {
    const mutation = sim.mutate((t) =>
      t.addMessage(websiteId, sessionId, { from: 'user', content: 'hook me' }),
    );
    await sim.webhooks!.idle();
    expect(received).toHaveLength(1);
    const [hook] = received;
    const timestamp = header(hook, 'X-Crisp-Request-Timestamp');
    expect(header(hook, 'Content-Type')).toBe('application/json');
    expect(header(hook, 'X-Crisp-Hook-Origin')).not.toBe('');
    expect(header(hook, 'X-Delivery-Attempt-Limit')).toBe('3');
    expect(header(hook, 'X-Delivery-Attempt-Count')).toBe('1');
    expect(hook.body).toBe(JSON.stringify(JSON.parse(hook.body)));
    expect(JSON.parse(hook.body)).toEqual({
      website_id: websiteId,
      event: 'message:send',
      data: mutation.events[0].data,
      timestamp: Number(timestamp),
    });
    expect(header(hook, 'X-Crisp-Signature')).toBe(signHook(SECRET, timestamp, hook.body));
    expect(verify(hook)).toBe(true);
    // The hook is dated when its event happened in the truth: the message's own timestamp.
    expect(Number(timestamp)).toBe(mutation.events[0].at);
    expect(mutation.events[0].at).toBe(mutation.message.timestamp);

    expect(client.receiveHook(JSON.parse(hook.body) as Record<string, unknown>)).toBeNull();
    await waitFor(() => dispatched.length === 1, 1000, 'dispatch');
    expect(dispatched[0]).toEqual(mutation.events[0].data);
  });

  it('dates every hook with its event time, signed with it, unless told otherwise', async () => {
    const created = sim.mutate((t) => t.newConversation(websiteId));
    // Back-dated: the event happened long before the hook leaves.
    const past = Date.UTC(2024, 0, 1);
    const old = sim.mutate((t) =>
      t.addMessage(websiteId, created.session_id, { from: 'user', timestamp: past }),
    );
    const resolved = sim.mutate((t) => t.setState(websiteId, created.session_id, 'resolved'));
    await sim.webhooks!.idle();
    const sent = [...created.events, ...old.events, ...resolved.events];
    expect(received).toHaveLength(sent.length);
    received.forEach((hook, i) => {
      const at = sent[i].at!;
      expect(Number(header(hook, 'X-Crisp-Request-Timestamp'))).toBe(at);
      expect((JSON.parse(hook.body) as { timestamp: number }).timestamp).toBe(at);
      expect(header(hook, 'X-Crisp-Signature')).toBe(signHook(SECRET, at, hook.body));
      expect(verify(hook)).toBe(true);
    });
    expect(sent[1].at).toBe(past);
    expect(sent[2].at).toBe(sim.truth.getRecord(websiteId, created.session_id)!.updated_at);

    // An explicit timestamp wins; an event without `at` is dated by the sender's clock.
    received = [];
    await sim.webhooks!.send(resolved.events[0], { timestamp: past + 5 });
    const before = Date.now();
    await sim.webhooks!.send({ event: 'session:set_state', data: resolved.events[0].data });
    expect(Number(header(received[0], 'X-Crisp-Request-Timestamp'))).toBe(past + 5);
    expect(Number(header(received[1], 'X-Crisp-Request-Timestamp'))).toBeGreaterThanOrEqual(before);
    expect(received.every((h) => verify(h))).toBe(true);
  });

  it('fails verification for a tampered signature, a tampered body or the wrong secret', async () => {
    const [event] = sim.truth.setState(websiteId, sessionId, 'resolved').events;
    const hooks = sim.webhooks!;
    await hooks.send(event, { tamper: 'signature' });
    await hooks.send(event, { tamper: 'body' });
    await hooks.send(event);
    expect(received).toHaveLength(3);
    expect(verify(received[0])).toBe(false);
    expect(verify(received[1])).toBe(false);
    expect(verify(received[2], 'another-secret')).toBe(false);
    expect(verify(received[2])).toBe(true);
  });

  it('can send a stale timestamp (validly signed) so receivers can test replay windows', async () => {
    const stale = Date.now() - 60 * 60 * 1000;
    const [event] = sim.truth.setBlock(websiteId, sessionId, true).events;
    await sim.webhooks!.send(event, { timestamp: stale });
    expect(Number(header(received[0], 'X-Crisp-Request-Timestamp'))).toBe(stale);
    expect(verify(received[0])).toBe(true);
  });

  it('retries non-2xx answers with attempt headers and reports the delivery', async () => {
    answers = [500, 503];
    const [event] = sim.truth.setSegments(websiteId, sessionId, ['vip']).events;
    const delivery: WebhookDelivery = await sim.webhooks!.send(event);
    expect(delivery.delivered).toBe(true);
    expect(delivery.attempts.map((a) => a.status)).toEqual([500, 503, 200]);
    expect(received.map((h) => header(h, 'X-Delivery-Attempt-Count'))).toEqual(['1', '2', '3']);
    expect(new Set(received.map((h) => h.body)).size).toBe(1);
    expect(received.every((h) => verify(h))).toBe(true);
  });

  it('gives up after the attempt limit and on network errors', async () => {
    answers = [500, 500, 500];
    const [event] = sim.truth.setBlock(websiteId, sessionId, false).events;
    const failed = await sim.webhooks!.send(event);
    expect(failed.delivered).toBe(false);
    expect(failed.attempts).toHaveLength(3);

    sim.configureWebhook({
      url: 'http://127.0.0.1:1/closed',
      secret: SECRET,
      attempts: 2,
      backoffMs: [10],
    });
    const unreachable = await sim.webhooks!.send(event);
    expect(unreachable.delivered).toBe(false);
    expect(unreachable.attempts.map((a) => a.status)).toEqual([null, null]);
    expect(unreachable.attempts[0].error).toEqual(expect.any(String));
  });

  it('only hooks the configured events', async () => {
    sim.configureWebhook({ url: hookUrl, secret: SECRET, events: ['session:set_state'] });
    sim.mutate((t) => t.setMeta(websiteId, sessionId, 'subject', 'not hooked'));
    sim.mutate((t) => t.setState(websiteId, sessionId, 'unresolved'));
    await sim.webhooks!.idle();
    expect(received.map((h) => (JSON.parse(h.body) as { event: string }).event)).toEqual([
      'session:set_state',
    ]);
  });

  it('sends Website Hooks unsigned, to the URL with its key, in the body receiveHook dispatches', async () => {
    const keyed = `${hookUrl}?key=website-hook-key`;
    sim.configureWebhook({ url: keyed, kind: 'website' });
    dispatched.length = 0;
    const mutation = sim.mutate((t) =>
      t.addMessage(websiteId, sessionId, { from: 'user', content: 'website hook' }),
    );
    await sim.webhooks!.idle();
    expect(received).toHaveLength(1);
    const [hook] = received;
    expect(hook.headers['x-crisp-signature']).toBeUndefined();
    expect(header(hook, 'X-Crisp-Hook-Origin')).toMatch(/^website\//);
    expect(JSON.parse(hook.body)).toEqual({
      website_id: websiteId,
      event: 'message:send',
      data: mutation.events[0].data,
      timestamp: Number(header(hook, 'X-Crisp-Request-Timestamp')),
    });
    expect(client.receiveHook(JSON.parse(hook.body) as Record<string, unknown>)).toBeNull();
    await waitFor(() => dispatched.length === 1, 1000, 'dispatch');
    expect(() => sim.configureWebhook({ url: keyed })).toThrow(/need a secret/);
  });
});
