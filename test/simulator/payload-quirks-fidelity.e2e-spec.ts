/**
 * The simulator's payload quirks (crisp-protocol.md §9), each switched on alone, as the official
 * client receives them: over RTM (`crisp-api` websockets) and as Plugin Hooks it verifies.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Crisp } from 'crisp-api';
import { Crisp as CrispClient } from 'crisp-api';
import {
  CrispSimulator,
  UNKNOWN_EVENT_NAME,
  type PayloadQuirks,
} from '../../tools/crisp-simulator';
import { closeClient, createClient, loopbackBound, waitFor } from './crisp-client-helpers';

const SECRET = 'quirks-hook-secret';

interface Hook {
  timestamp: string;
  signature: string;
  body: string;
}

describe('simulator payload quirks through crisp-api', () => {
  let sim: CrispSimulator;
  let client: Crisp;
  let verifier: Crisp;
  let receiver: Server;
  let hooks: Hook[] = [];
  let websiteId: string;
  let sessionId: string;
  const received = new Map<string, Record<string, unknown>[]>();
  const EVENTS = [
    'message:send',
    'message:acknowledge:read:received',
    'session:set_inbox',
    'session:set_nickname',
    'session:set_block',
    'session:set_data',
  ] as const;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        hooks.push({
          timestamp: String(req.headers['x-crisp-request-timestamp']),
          signature: String(req.headers['x-crisp-signature']),
          body: Buffer.concat(chunks).toString('utf8'),
        });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const { port } = receiver.address() as AddressInfo;
    sim = new CrispSimulator({
      seed: 21,
      generate: { websites: 1, conversationsPerWebsite: 3 },
      webhook: { url: `http://127.0.0.1:${port}/hooks`, secret: SECRET, attempts: 1 },
    });
    const { restUrl, rtmUrl } = await sim.start();
    websiteId = sim.truth.websiteIds()[0];
    sessionId = sim.truth.queryConversations(websiteId)[0].session_id;
    client = createClient(restUrl, { rtmUrl });
    for (const name of EVENTS) {
      received.set(name, []);
      void client.on(name, (data) =>
        received.get(name)!.push(data as unknown as Record<string, unknown>),
      );
    }
    await sim.rtm.waitForAuthenticated(1);
    verifier = new CrispClient();
    verifier.setRtmMode('webhooks');
    void verifier.on('message:send', () => undefined);
    await waitFor(() => loopbackBound(verifier), 2000, 'loopback bound');
  });

  afterAll(async () => {
    closeClient(client);
    await sim.stop();
    receiver.closeAllConnections();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  beforeEach(() => {
    hooks = [];
    received.forEach((list) => (list.length = 0));
    for (const key of Object.keys(sim.quirks) as (keyof PayloadQuirks)[]) delete sim.quirks[key];
  });

  /** Switches one quirk on, applies the mutations, waits for their RTM events and hooks. */
  async function withQuirk(quirk: keyof PayloadQuirks, mutate: () => number) {
    sim.quirks[quirk] = true;
    const expected = mutate();
    await waitFor(
      () => [...received.values()].reduce((n, list) => n + list.length, 0) >= expected,
      5000,
      'RTM events',
    );
    await sim.webhooks!.idle();
  }

  const verified = (hook: Hook) =>
    verifier.verifyHook(
      SECRET,
      JSON.parse(hook.body) as object,
      Number(hook.timestamp),
      hook.signature,
    );

  it('leaves out empty keys (omitempty) but keeps the key an event is about', async () => {
    await withQuirk('omitOptionalKeys', () => {
      sim.mutate((t) => t.addMessage(websiteId, sessionId, { from: 'user', content: 'hi' }));
      sim.mutate((t) => t.setBlock(websiteId, sessionId, false));
      return 2;
    });
    const [message] = received.get('message:send')!;
    expect(message).toMatchObject({ website_id: websiteId, session_id: sessionId, content: 'hi' });
    expect(Object.values(message).some((value) => value === null || value === false)).toBe(false);
    expect(message).not.toHaveProperty('inbox_id');
    expect(received.get('session:set_block')![0]).toMatchObject({ is_blocked: false });
    expect(received.get('session:set_block')![0]).not.toHaveProperty('inbox_id');
    expect(hooks.every(verified)).toBe(true);
  });

  it('sends receipts without fingerprints', async () => {
    sim.mutate((t) => t.addMessage(websiteId, sessionId, { from: 'user', content: 'read me' }));
    await waitFor(() => received.get('message:send')!.length === 1, 5000, 'message');
    await withQuirk('receiptsWithoutFingerprints', () => {
      sim.mutate((t) => t.ackRead(websiteId, sessionId, { reader: 'operator' }));
      return 2;
    });
    const [receipt] = received.get('message:acknowledge:read:received')!;
    expect(receipt).toMatchObject({ session_id: sessionId, origin: 'chat' });
    expect(receipt).not.toHaveProperty('fingerprints');
  });

  it('sends session:set_inbox with an empty inbox_id', async () => {
    await withQuirk('emptyInboxIds', () => {
      sim.mutate((t) => t.setInbox(websiteId, sessionId, 'inbox-sales'));
      return 1;
    });
    expect(received.get('session:set_inbox')![0]).toMatchObject({ inbox_id: '' });
    expect(sim.truth.getConversation(websiteId, sessionId)!.inbox_id).toBe('inbox-sales');
  });

  it('puts NUL bytes into visitor-set text, in signed hooks that verify', async () => {
    await withQuirk('nulBytes', () => {
      sim.mutate((t) => t.addMessage(websiteId, sessionId, { from: 'user', content: 'abcd' }));
      sim.mutate((t) => t.setMeta(websiteId, sessionId, 'nickname', 'Zoé'));
      sim.mutate((t) => t.setData(websiteId, sessionId, { plan: 'pro' }));
      return 3;
    });
    expect(received.get('message:send')![0]).toMatchObject({ content: 'ab\u0000cd' });
    expect(received.get('session:set_nickname')![0].nickname).toContain('\u0000');
    expect(received.get('session:set_data')![0]).toMatchObject({ data: { plan: 'pr\u0000o' } });
    expect(hooks).toHaveLength(3);
    expect(hooks.every(verified)).toBe(true);
    expect(hooks[0].body).toContain('\\u0000');
  });

  it('follows events with one of an unknown name: hooked, never sent over RTM', async () => {
    await withQuirk('unknownEvents', () => {
      sim.mutate((t) => t.setBlock(websiteId, sessionId, true));
      return 1;
    });
    const names = hooks.map((hook) => (JSON.parse(hook.body) as { event: string }).event);
    expect(names).toEqual(['session:set_block', UNKNOWN_EVENT_NAME]);
    expect(hooks.every(verified)).toBe(true);
    // crisp-api cannot even subscribe to it.
    expect(() => void client.on(UNKNOWN_EVENT_NAME as 'message:send', () => undefined)).toThrow(
      /not recognized/,
    );
  });
});
