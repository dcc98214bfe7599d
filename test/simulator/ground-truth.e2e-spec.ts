/**
 * Ground truth: generation at scale, determinism, invariants the REST layer relies on, and the
 * event payloads mutations produce (crisp-protocol.md §3).
 */
import {
  GroundTruth,
  LiveTraffic,
  STATUS_BY_STATE,
  generateGroundTruth,
  messageCountPresets,
  type SimEvent,
  type SimMessage,
} from '../../tools/crisp-simulator';

function checkMessageInvariants(messages: readonly SimMessage[]): void {
  const fingerprints = new Set<number>();
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i];
    if (i > 0 && message.timestamp <= messages[i - 1].timestamp) {
      throw new Error(`timestamps not strictly increasing at ${i} in ${message.session_id}`);
    }
    if (fingerprints.has(message.fingerprint)) {
      throw new Error(`duplicate fingerprint ${message.fingerprint} in ${message.session_id}`);
    }
    fingerprints.add(message.fingerprint);
    if (!Number.isSafeInteger(message.fingerprint) || String(message.fingerprint).length !== 15) {
      throw new Error(`fingerprint ${message.fingerprint} is not a 15-digit integer`);
    }
  }
}

describe('ground truth generation', () => {
  it('generates 20,000 conversations × ~50 messages in under 10 s', () => {
    const started = Date.now();
    const truth = generateGroundTruth({
      seed: 42,
      websites: 1,
      conversationsPerWebsite: 20_000,
      messagesPerConversation: messageCountPresets.skewed(),
    });
    const elapsed = Date.now() - started;
    const conversations = truth.conversationCount();
    const messages = truth.messageCount();
    console.log(
      `generated ${conversations} conversations / ${messages} messages in ${elapsed} ms ` +
        `(heap ${Math.round(process.memoryUsage().heapUsed / 1e6)} MB)`,
    );
    expect(elapsed).toBeLessThan(10_000);
    expect(conversations).toBe(20_000);
    expect(messages / conversations).toBeGreaterThan(40);
    expect(messages / conversations).toBeLessThan(65);
    const website = truth.getWebsite(truth.websiteIds()[0])!;
    let longest = 0;
    for (const record of website.conversations.values()) {
      checkMessageInvariants(record.messages);
      longest = Math.max(longest, record.messages.length);
    }
    expect(longest).toBeGreaterThanOrEqual(300);
    const [shared] = truth.sharedFingerprintCases;
    const [a, b] = shared.session_ids.map((sid) =>
      truth.findMessage(shared.website_id, sid, shared.fingerprint),
    );
    expect(a?.session_id).toBe(shared.session_ids[0]);
    expect(b?.session_id).toBe(shared.session_ids[1]);
  }, 30_000);

  it('is deterministic for a seed and differs across seeds', () => {
    const options = { websites: 2, conversationsPerWebsite: 150 };
    const one = generateGroundTruth({ seed: 7, ...options });
    const two = generateGroundTruth({ seed: 7, ...options });
    const other = generateGroundTruth({ seed: 8, ...options });
    const dump = (t: GroundTruth): string =>
      JSON.stringify(t.websiteIds().map((id) => t.queryConversations(id, { includeEmpty: true })));
    expect(dump(one)).toBe(dump(two));
    expect(dump(one)).not.toBe(dump(other));
  });

  it('fills the Crisp conversation shape', () => {
    const truth = generateGroundTruth({ seed: 3, conversationsPerWebsite: 30 });
    const websiteId = truth.websiteIds()[0];
    for (const record of truth.queryConversations(websiteId)) {
      const view = truth.getConversation(websiteId, record.session_id)!;
      expect(view.status).toBe(STATUS_BY_STATE[view.state]);
      expect(view.updated_at).toBeGreaterThanOrEqual(view.created_at);
      expect(view.preview_message?.fingerprint).toBe(record.messages.at(-1)?.fingerprint);
      expect(typeof view.meta.nickname).toBe('string');
      expect(typeof view.meta.email).toBe('string');
      expect(Array.isArray(view.meta.segments)).toBe(true);
      expect(typeof view.meta.data).toBe('object');
      expect(typeof view.meta.device.geolocation.country).toBe('string');
    }
  });
});

describe('ground truth mutations', () => {
  let truth: GroundTruth;
  let websiteId: string;
  let sessionId: string;
  let clock: number;

  beforeEach(() => {
    clock = Date.UTC(2026, 0, 1);
    truth = generateGroundTruth({ seed: 21, conversationsPerWebsite: 10, now: () => clock });
    websiteId = truth.websiteIds()[0];
    sessionId = truth.queryConversations(websiteId)[0].session_id;
  });

  const base = (): Record<string, unknown> => ({
    website_id: websiteId,
    session_id: sessionId,
    inbox_id: truth.getRecord(websiteId, sessionId)!.inbox_id,
  });

  it('emits §3 payloads and bumps updated_at strictly on every mutation', () => {
    // A generated conversation's routing is its assignment, so set_routing names it as previous.
    const assignedAtStart = truth.getRecord(websiteId, sessionId)!.assigned_user_id;
    const cases: [string, () => { events: SimEvent[] }, Record<string, unknown>][] = [
      [
        'session:set_state',
        () => truth.setState(websiteId, sessionId, 'resolved'),
        { state: 'resolved' },
      ],
      [
        'session:set_email',
        () => truth.setMeta(websiteId, sessionId, 'email', 'a@b.test'),
        { email: 'a@b.test' },
      ],
      [
        'session:set_phone',
        () => truth.setMeta(websiteId, sessionId, 'phone', '+1'),
        { phone: '+1' },
      ],
      [
        'session:set_nickname',
        () => truth.setMeta(websiteId, sessionId, 'nickname', 'N'),
        { nickname: 'N' },
      ],
      [
        'session:set_avatar',
        () => truth.setMeta(websiteId, sessionId, 'avatar', 'https://a'),
        { avatar: 'https://a' },
      ],
      [
        'session:set_subject',
        () => truth.setMeta(websiteId, sessionId, 'subject', 'S'),
        { subject: 'S' },
      ],
      [
        'session:set_origin',
        () => truth.setMeta(websiteId, sessionId, 'origin', 'email'),
        { origin: 'email' },
      ],
      [
        'session:set_address',
        () => truth.setMeta(websiteId, sessionId, 'address', 'Paris'),
        { address: 'Paris' },
      ],
      [
        'session:set_data',
        () => truth.setData(websiteId, sessionId, { plan: 'pro' }),
        { data: { plan: 'pro' } },
      ],
      [
        'session:set_segments',
        () => truth.setSegments(websiteId, sessionId, ['vip']),
        { segments: ['vip'] },
      ],
      ['session:set_block', () => truth.setBlock(websiteId, sessionId, true), { is_blocked: true }],
      [
        'session:set_participants',
        () => truth.setParticipants(websiteId, sessionId, [{ type: 'email', target: 'x@y.test' }]),
        { participants: [{ type: 'email', target: 'x@y.test' }] },
      ],
      [
        'session:set_mentions',
        () => truth.setMentions(websiteId, sessionId, ['op-1']),
        { mentions: ['op-1'] },
      ],
      [
        'session:set_routing',
        () => truth.setRouting(websiteId, sessionId, 'op-2'),
        { routing_id: 'op-2', previous_routing_id: assignedAtStart },
      ],
      [
        'session:update_availability',
        () => truth.updateAvailability(websiteId, sessionId, 'online'),
        { availability: 'online' },
      ],
      [
        'session:update_verify',
        () =>
          truth.updateVerify(websiteId, sessionId, true, [
            { identity: 'email', method: 'link', annotation: '' },
          ]),
        {
          is_verified: true,
          verifications: [{ identity: 'email', method: 'link', annotation: '' }],
        },
      ],
    ];
    for (const [name, mutate, fields] of cases) {
      const before = truth.getRecord(websiteId, sessionId)!.updated_at;
      const { events } = mutate();
      // `at` is when the change happened: the conversation's updated_at after it.
      const at = truth.getRecord(websiteId, sessionId)!.updated_at;
      expect(events).toEqual([{ event: name, data: { ...base(), ...fields }, at }]);
      expect(truth.getRecord(websiteId, sessionId)!.updated_at).toBeGreaterThan(before);
    }
    const view = truth.getConversation(websiteId, sessionId)!;
    expect(view).toMatchObject({
      state: 'resolved',
      status: 2,
      is_blocked: true,
      is_verified: true,
      availability: 'online',
      assigned: { user_id: 'op-2' },
      mentions: ['op-1'],
      meta: { email: 'a@b.test', nickname: 'N', segments: ['vip'], data: { plan: 'pro' } },
    });
  });

  it('moves inboxes with the new id in the base and the old one in previous_inbox_id', () => {
    const previous = truth.getRecord(websiteId, sessionId)!.inbox_id;
    const { events } = truth.setInbox(websiteId, sessionId, 'inbox-2');
    expect(events).toEqual([
      {
        event: 'session:set_inbox',
        data: {
          website_id: websiteId,
          session_id: sessionId,
          inbox_id: 'inbox-2',
          previous_inbox_id: previous,
        },
        at: truth.getRecord(websiteId, sessionId)!.updated_at,
      },
    ]);
    expect(truth.getConversation(websiteId, sessionId)!.inbox_id).toBe('inbox-2');
  });

  it('handles the message lifecycle: send, received, updated, read, removed', () => {
    const sent = truth.addMessage(websiteId, sessionId, { from: 'user', content: 'hi' });
    expect(sent.events[0].event).toBe('message:send');
    expect(sent.events[0].at).toBe(sent.message.timestamp);
    clock += 5;
    const reply = truth.addMessage(websiteId, sessionId, {
      from: 'operator',
      type: 'note',
      content: 'n',
    });
    expect(reply.events[0]).toMatchObject({
      event: 'message:received',
      data: { type: 'note', from: 'operator' },
    });
    expect(reply.message.timestamp).toBeGreaterThan(sent.message.timestamp);

    const read = truth.ackRead(websiteId, sessionId, { reader: 'operator' });
    expect(read.events).toEqual([
      {
        event: 'message:acknowledge:read:received',
        data: { ...base(), origin: 'chat', fingerprints: read.fingerprints },
        at: truth.getRecord(websiteId, sessionId)!.updated_at,
      },
    ]);
    expect(read.fingerprints).toContain(sent.message.fingerprint);
    expect(truth.findMessage(websiteId, sessionId, sent.message.fingerprint)!.read).toBe('chat');
    expect(truth.ackRead(websiteId, sessionId, { reader: 'operator' }).events).toEqual([]);

    const updated = truth.updateMessage(websiteId, sessionId, sent.message.fingerprint, 'hello');
    expect(updated.events).toEqual([
      {
        event: 'message:updated',
        data: { ...base(), fingerprint: sent.message.fingerprint, content: 'hello' },
        at: truth.getRecord(websiteId, sessionId)!.updated_at,
      },
    ]);
    const removed = truth.removeMessage(websiteId, sessionId, sent.message.fingerprint);
    expect(removed.events).toEqual([
      {
        event: 'message:removed',
        data: { ...base(), fingerprint: sent.message.fingerprint },
        at: truth.deletedMessages.at(-1)!.removed_at,
      },
    ]);
    expect(truth.findMessage(websiteId, sessionId, sent.message.fingerprint)).toBeUndefined();
    expect(truth.deletedMessages.at(-1)).toMatchObject({
      fingerprint: sent.message.fingerprint,
      message: { content: 'hello', edited: true },
    });
    checkMessageInvariants(truth.getMessages(websiteId, sessionId));
  });

  it('keeps timestamps strictly increasing even when the clock stalls, and rejects duplicates', () => {
    const stamps = [1, 2, 3].map(
      () => truth.addMessage(websiteId, sessionId, { from: 'user' }).message.timestamp,
    );
    expect(stamps[1]).toBe(stamps[0] + 1);
    expect(stamps[2]).toBe(stamps[1] + 1);
    const fingerprint = truth.getMessages(websiteId, sessionId)[0].fingerprint;
    expect(() => truth.addMessage(websiteId, sessionId, { from: 'user', fingerprint })).toThrow(
      /already/,
    );
  });

  it('creates and removes conversations, recording the deletion', () => {
    const created = truth.newConversation(websiteId, { nickname: 'New' });
    expect(created.events).toEqual([
      {
        event: 'session:request:initiated',
        data: { website_id: websiteId, session_id: created.session_id, inbox_id: null },
        at: created.conversation.created_at,
      },
    ]);
    expect(created.conversation).toMatchObject({
      state: 'pending',
      status: 0,
      meta: { nickname: 'New' },
    });
    // Empty conversations are only listed with include_empty.
    expect(truth.queryConversations(websiteId).map((r) => r.session_id)).not.toContain(
      created.session_id,
    );
    expect(truth.queryConversations(websiteId, { includeEmpty: true })[0].session_id).toBe(
      created.session_id,
    );
    const removed = truth.removeConversation(websiteId, created.session_id);
    expect(removed.events).toEqual([
      {
        event: 'session:removed',
        data: { website_id: websiteId, session_id: created.session_id, inbox_id: null },
        at: truth.deletedConversations.at(-1)!.removed_at,
      },
    ]);
    expect(truth.getConversation(websiteId, created.session_id)).toBeUndefined();
    expect(truth.deletedConversations.at(-1)?.session_id).toBe(created.session_id);
  });
});

describe('live traffic', () => {
  it('produces the same action sequence for the same seed', () => {
    const run = (): string[] => {
      const truth = generateGroundTruth({ seed: 4, conversationsPerWebsite: 20, now: () => 1e12 });
      const names: string[] = [];
      const traffic = new LiveTraffic(
        truth,
        (events) => names.push(...events.map((e) => e.event)),
        {
          seed: 4,
          conversations: 10,
        },
      );
      traffic.step(300);
      expect(traffic.stats().actions).toBe(300);
      return names;
    };
    const first = run();
    expect(first.length).toBeGreaterThan(250);
    expect(first).toContain('message:send');
    expect(first).toContain('message:received');
    expect(first).toContain('session:set_state');
    expect(run()).toEqual(first);
  });

  it('runs at the configured rate until stopped', async () => {
    const truth = generateGroundTruth({ seed: 6, conversationsPerWebsite: 10 });
    const events: SimEvent[] = [];
    const traffic = new LiveTraffic(truth, (batch) => events.push(...batch), {
      rate: 100,
      seed: 6,
    });
    traffic.start();
    await new Promise((resolve) => setTimeout(resolve, 500));
    traffic.stop();
    const actions = traffic.stats().actions;
    expect(actions).toBeGreaterThanOrEqual(30);
    expect(actions).toBeLessThanOrEqual(80);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(traffic.stats().actions).toBe(actions);
    for (const event of events) {
      if (event.event === 'message:send' || event.event === 'message:received') {
        const { website_id: w, session_id: s, fingerprint } = event.data;
        const removed = truth.deletedMessages.some((d) => d.fingerprint === fingerprint);
        const gone = truth.deletedConversations.some((d) => d.session_id === s);
        expect(removed || gone || truth.findMessage(w, s, fingerprint) !== undefined).toBe(true);
      }
    }
  });
});
