/**
 * The simulator's in-memory truth: websites → conversations → messages.
 *
 * REST answers are read from here and every live change goes through a mutation method here, which
 * both updates the truth and returns the RTM / Web Hook events Crisp would emit for it. Tests then
 * compare whatever a sync service stored against this object (including the record of deletions,
 * which REST can no longer show).
 */
import type { ConversationState, EventsOperator, EventsSessionVerification } from 'crisp-api';
import {
  ConversationHistory,
  type AssignmentChange,
  type InboxChange,
  type ResolutionSummary,
  type StateChange,
} from './conversation-history';
import { DirectoryTruth } from './directory-truth';
import { PeopleTruth } from './people-truth';
import { RatingTruth, type SimRating } from './rating-truth';
import { SeededRandom } from './seeded-random';
import type {
  MetaStringField,
  Mutation,
  SimAck,
  SimConversation,
  SimConversationMeta,
  SimDevice,
  SimEvent,
  SimMessage,
  SimMessageContent,
  SimMessageFrom,
  SimMessageType,
  SimMessageUser,
  SimOrigin,
  SimParticipant,
} from './simulator-types';
import { emailFor, randomContent, randomMeta, randomNickname } from './synthetic-content';
import {
  baseOf,
  conversationView,
  deviceSyncEvent,
  lowerBound,
  messageEventPayload,
  metaEvent,
  unreadCounts,
  upperBound,
} from './truth-views';

export { STATUS_BY_STATE, conversationView } from './truth-views';

/**
 * Which read-acknowledgement event a read by each side produces. UNVERIFIED: inferred from Crisp's
 * naming where `message:send` is a visitor → website message and `message:received` the reverse, so
 * `…:read:send` = the visitor read operator messages, `…:read:received` = an operator read visitor ones.
 */
export const READ_ACK_EVENT = {
  visitor: 'message:acknowledge:read:send',
  operator: 'message:acknowledge:read:received',
} as const;

const EMPTY_LIST: readonly never[] = Object.freeze([]);
const DAY_MS = 86_400_000;

/** Mutable truth of one conversation; REST shapes are derived from it by `conversationView`. */
export interface ConversationRecord {
  readonly website_id: string;
  readonly session_id: string;
  inbox_id: string | null;
  people_id: string;
  state: ConversationState;
  is_verified: boolean;
  verifications: EventsSessionVerification[];
  is_blocked: boolean;
  availability: 'online' | 'offline';
  participants: SimParticipant[];
  mentions: string[];
  assigned_user_id: string | null;
  /** Last `session:set_routing` value; also mirrored into `assigned` (UNVERIFIED, see README). */
  routing_id: string | null;
  meta: SimConversationMeta;
  created_at: number;
  updated_at: number;
  /** Author object shared by this visitor's messages (replaced, never mutated, on nickname change). */
  visitor: SimMessageUser;
  /** Sorted by timestamp, strictly increasing; fingerprints unique within the array. */
  messages: SimMessage[];
}

export interface WebsiteRecord {
  readonly website_id: string;
  /** Per-website plugin token as returned by /plugin/connect/websites/all (fake). */
  readonly token: string;
  readonly operators: readonly SimMessageUser[];
  readonly inboxes: readonly string[];
  readonly conversations: Map<string, ConversationRecord>;
  /** Bumped by every mutation, so list-order caches know when to re-sort. */
  version: number;
}

export interface DeletedConversation {
  website_id: string;
  session_id: string;
  removed_at: number;
  /** Last state before removal, for tests that check a mirror dropped (or kept) it. */
  conversation: SimConversation;
  messages: SimMessage[];
}

export interface DeletedMessage {
  website_id: string;
  session_id: string;
  fingerprint: number;
  removed_at: number;
  message: SimMessage;
}

export interface SharedFingerprintCase {
  website_id: string;
  fingerprint: number;
  session_ids: [string, string];
}

export interface ConversationQuery {
  /** Sort key, newest first. Default `updated` (see README: the real default order is UNVERIFIED). */
  order?: 'updated' | 'created';
  includeEmpty?: boolean;
  /** true → resolved only; false → everything but resolved; undefined → no filter. */
  resolved?: boolean;
  /** Inclusive bounds on updated_at (ms). */
  updatedFrom?: number;
  updatedTo?: number;
  inboxId?: string;
  /** true → only conversations with messages the operator has not read. */
  unread?: boolean;
  /** Only conversations assigned to this operator user id. */
  assignedTo?: string;
  /** true → only unassigned conversations. */
  unassigned?: boolean;
  /** true → only conversations with at least one mention. */
  mentioned?: boolean;
}

export type MessageCountFn = (conversationIndex: number, rng: SeededRandom) => number;
export type MessageCountSpec = number | MessageCountFn;

export interface NewConversationInput {
  sessionId?: string;
  nickname?: string;
  email?: string;
  origin?: SimOrigin;
  inboxId?: string | null;
  state?: ConversationState;
  createdAt?: number;
}

export interface NewMessageInput {
  from: SimMessageFrom;
  type?: SimMessageType;
  content?: SimMessageContent;
  origin?: SimOrigin;
  /** Explicit fingerprint (clients may supply their own); must be unique in the conversation. */
  fingerprint?: number;
  /** Explicit timestamp (ms); defaults to max(now, last message + 1). May back-date (sorted insert). */
  timestamp?: number;
  user?: SimMessageUser;
  mentions?: string[];
}

export interface SyntheticConversationInput {
  messageCount: number;
  createdAt?: number;
  sessionId?: string;
  state?: ConversationState;
  rng?: SeededRandom;
}

export interface GroundTruthOptions {
  seed?: number;
  /** Clock for live mutations (ms). Mutations never move a timestamp backwards, whatever it says. */
  now?: () => number;
}

interface SortCache {
  version: number;
  updated: ConversationRecord[] | null;
  created: ConversationRecord[] | null;
}

export class GroundTruth {
  readonly rng: SeededRandom;
  readonly websites = new Map<string, WebsiteRecord>();
  readonly deletedConversations: DeletedConversation[] = [];
  readonly deletedMessages: DeletedMessage[] = [];
  readonly sharedFingerprintCases: SharedFingerprintCase[] = [];
  /** State, assignment, inbox and open/close changes of live mutations, with their times. */
  readonly history = new ConversationHistory();
  /** Every rating given (no REST route shows them). */
  readonly ratings = new RatingTruth();
  /** Operators' details and availability, and inboxes, per website. */
  readonly directory: DirectoryTruth;
  /** People (contact) profiles per website. */
  readonly people: PeopleTruth;
  private readonly now: () => number;
  private readonly sortCaches = new Map<string, SortCache>();

  constructor(options: GroundTruthOptions = {}) {
    this.rng = new SeededRandom(options.seed ?? 1);
    this.now = options.now ?? Date.now;
    this.directory = new DirectoryTruth(this.now);
    this.people = new PeopleTruth(this.now, this.rng.fork('people'), (websiteId) => {
      const website = this.websites.get(websiteId);
      return website
        ? {
            visitors: [...website.conversations.values()],
            rng: this.rng.fork(`people:${websiteId}`),
          }
        : null;
    });
  }

  // ── Structure ────────────────────────────────────────────────────────────

  /** `createdAt` dates the website's directory (inboxes, availabilities); fixed by default. */
  addWebsite(
    options: { websiteId?: string; rng?: SeededRandom; createdAt?: number } = {},
  ): WebsiteRecord {
    const rng = options.rng ?? this.rng;
    const websiteId = options.websiteId ?? rng.uuid();
    if (this.websites.has(websiteId)) {
      throw new Error(`GroundTruth.addWebsite: website ${websiteId} already exists`);
    }
    const operators: SimMessageUser[] = [];
    const operatorCount = rng.int(2, 5);
    for (let i = 0; i < operatorCount; i++) {
      operators.push(Object.freeze({ user_id: rng.uuid(), nickname: randomNickname(rng) }));
    }
    const inboxes = rng.chance(0.5) ? [rng.uuid(), rng.uuid()] : [];
    const website: WebsiteRecord = {
      website_id: websiteId,
      token: rng.hex(32),
      operators,
      inboxes,
      conversations: new Map(),
      version: 0,
    };
    this.websites.set(websiteId, website);
    // A forked generator: the directory's draws must not shift the conversations generated next.
    this.directory.addWebsite(
      websiteId,
      operators,
      inboxes,
      this.rng.fork(`directory:${websiteId}`),
      options.createdAt ?? DEFAULT_START_TIME,
    );
    return website;
  }

  websiteIds(): string[] {
    return [...this.websites.keys()];
  }

  getWebsite(websiteId: string): WebsiteRecord | undefined {
    return this.websites.get(websiteId);
  }

  getRecord(websiteId: string, sessionId: string): ConversationRecord | undefined {
    return this.websites.get(websiteId)?.conversations.get(sessionId);
  }

  /** REST-shaped snapshot of a conversation, or undefined if it does not exist (or was removed). */
  getConversation(websiteId: string, sessionId: string): SimConversation | undefined {
    const record = this.getRecord(websiteId, sessionId);
    return record ? conversationView(record) : undefined;
  }

  /** The live, timestamp-sorted message array (copy it if you need a stable snapshot). */
  getMessages(websiteId: string, sessionId: string): readonly SimMessage[] {
    return this.getRecord(websiteId, sessionId)?.messages ?? EMPTY_LIST;
  }

  conversationCount(): number {
    let count = 0;
    for (const website of this.websites.values()) {
      count += website.conversations.size;
    }
    return count;
  }

  messageCount(): number {
    let count = 0;
    for (const website of this.websites.values()) {
      for (const record of website.conversations.values()) {
        count += record.messages.length;
      }
    }
    return count;
  }

  // ── Queries used by the REST layer ───────────────────────────────────────

  /** Every conversation of a website matching the query, in list order (newest first). */
  queryConversations(websiteId: string, query: ConversationQuery = {}): ConversationRecord[] {
    const sorted = this.sortedConversations(websiteId, query.order ?? 'updated');
    return sorted.filter(
      (record) =>
        (query.includeEmpty === true || record.messages.length > 0) &&
        (query.resolved === undefined || (record.state === 'resolved') === query.resolved) &&
        (query.updatedFrom === undefined || record.updated_at >= query.updatedFrom) &&
        (query.updatedTo === undefined || record.updated_at <= query.updatedTo) &&
        (query.inboxId === undefined || record.inbox_id === query.inboxId) &&
        (query.unread !== true || unreadCounts(record.messages).operator > 0) &&
        (query.assignedTo === undefined || record.assigned_user_id === query.assignedTo) &&
        (query.unassigned !== true || record.assigned_user_id === null) &&
        (query.mentioned !== true || record.mentions.length > 0),
    );
  }

  /** Up to `limit` messages strictly older than `timestamp`, the newest of them, oldest-first. */
  messagesBefore(
    websiteId: string,
    sessionId: string,
    timestamp: number,
    limit = 40,
  ): SimMessage[] {
    const messages = this.getMessages(websiteId, sessionId);
    const end = lowerBound(messages, timestamp);
    return messages.slice(Math.max(0, end - limit), end);
  }

  /** Up to `limit` messages strictly newer than `timestamp`, the oldest of them, oldest-first. */
  messagesAfter(websiteId: string, sessionId: string, timestamp: number, limit = 40): SimMessage[] {
    const messages = this.getMessages(websiteId, sessionId);
    const start = upperBound(messages, timestamp);
    return messages.slice(start, start + limit);
  }

  /** Half the batch at-or-before `timestamp`, the rest after it, oldest-first (UNVERIFIED). */
  messagesAround(
    websiteId: string,
    sessionId: string,
    timestamp: number,
    limit = 40,
  ): SimMessage[] {
    const messages = this.getMessages(websiteId, sessionId);
    const pivot = upperBound(messages, timestamp);
    const start = Math.max(0, Math.min(pivot - Math.floor(limit / 2), messages.length - limit));
    return messages.slice(start, start + limit);
  }

  latestMessages(websiteId: string, sessionId: string, limit = 40): SimMessage[] {
    const messages = this.getMessages(websiteId, sessionId);
    return messages.slice(Math.max(0, messages.length - limit));
  }

  findMessage(websiteId: string, sessionId: string, fingerprint: number): SimMessage | undefined {
    return this.getMessages(websiteId, sessionId).find((m) => m.fingerprint === fingerprint);
  }

  // ── Bulk construction (generation, edge cases) ───────────────────────────

  /**
   * Adds a conversation with exactly `messageCount` synthetic messages, as if it had happened in the
   * past (no events). Used by the generator and by edge-case builders.
   */
  addSyntheticConversation(
    websiteId: string,
    input: SyntheticConversationInput,
  ): ConversationRecord {
    const website = this.requireWebsite(websiteId);
    const rng = input.rng ?? this.rng;
    const sessionId = input.sessionId ?? `session_${rng.uuid()}`;
    if (website.conversations.has(sessionId)) {
      throw new Error(`GroundTruth: conversation ${sessionId} already exists`);
    }
    const createdAt = input.createdAt ?? this.now();
    const origin: SimOrigin = rng.chance(0.1) ? 'email' : 'chat';
    const meta = randomMeta(rng, origin);
    const visitor: SimMessageUser = Object.freeze({ user_id: sessionId, nickname: meta.nickname });
    const verified = meta.email !== '' && rng.chance(0.2);
    const record: ConversationRecord = {
      website_id: websiteId,
      session_id: sessionId,
      inbox_id: website.inboxes.length > 0 && rng.chance(0.3) ? rng.pick(website.inboxes) : null,
      people_id: rng.uuid(),
      state: input.state ?? pickState(rng, input.messageCount),
      is_verified: verified,
      verifications: verified ? [{ identity: 'email', method: 'link', annotation: '' }] : [],
      is_blocked: rng.chance(0.01),
      availability: rng.chance(0.05) ? 'online' : 'offline',
      participants: rng.chance(0.05)
        ? [{ type: 'email', target: emailFor(meta.nickname, rng) }]
        : [],
      mentions: [],
      assigned_user_id: rng.chance(0.6) ? rng.pick(website.operators).user_id : null,
      routing_id: null,
      meta,
      created_at: createdAt,
      updated_at: createdAt,
      visitor,
      messages: [],
    };
    // Routing is what assigned it (README assumption 15), so a later set_routing names it as previous.
    record.routing_id = record.assigned_user_id;
    fillSyntheticMessages(record, website, rng, input.messageCount);
    const last = record.messages[record.messages.length - 1];
    if (last) {
      record.updated_at = last.timestamp;
    }
    website.conversations.set(sessionId, record);
    website.version++;
    return record;
  }

  /**
   * Makes the first message of `second` reuse the fingerprint of the first message of `first`, so a
   * mirror keyed on fingerprint alone would lose one of them. Returns false if impossible.
   */
  shareFingerprint(websiteId: string, firstSessionId: string, secondSessionId: string): boolean {
    const first = this.getRecord(websiteId, firstSessionId);
    const second = this.getRecord(websiteId, secondSessionId);
    if (!first || !second || first === second || !first.messages[0] || !second.messages[0]) {
      return false;
    }
    const fingerprint = first.messages[0].fingerprint;
    if (second.messages.some((m) => m.fingerprint === fingerprint)) {
      return false;
    }
    second.messages[0] = { ...second.messages[0], fingerprint };
    this.sharedFingerprintCases.push({
      website_id: websiteId,
      fingerprint,
      session_ids: [firstSessionId, secondSessionId],
    });
    return true;
  }

  // ── Live mutations: each updates truth and returns the events Crisp would emit ──

  newConversation(
    websiteId: string,
    input: NewConversationInput = {},
  ): Mutation<{
    session_id: string;
    conversation: SimConversation;
  }> {
    const website = this.requireWebsite(websiteId);
    const rng = this.rng;
    const sessionId = input.sessionId ?? `session_${rng.uuid()}`;
    if (website.conversations.has(sessionId)) {
      throw new Error(`GroundTruth.newConversation: ${sessionId} already exists`);
    }
    const origin = input.origin ?? 'chat';
    const meta = randomMeta(rng, origin);
    if (input.nickname !== undefined) {
      meta.nickname = input.nickname;
    }
    if (input.email !== undefined) {
      meta.email = input.email;
    }
    const createdAt = Math.max(input.createdAt ?? this.now(), 0);
    const record: ConversationRecord = {
      website_id: websiteId,
      session_id: sessionId,
      inbox_id: input.inboxId ?? null,
      people_id: rng.uuid(),
      state: input.state ?? 'pending',
      is_verified: false,
      verifications: [],
      is_blocked: false,
      availability: 'online',
      participants: [],
      mentions: [],
      assigned_user_id: null,
      routing_id: null,
      meta,
      created_at: createdAt,
      updated_at: createdAt,
      visitor: Object.freeze({ user_id: sessionId, nickname: meta.nickname }),
      messages: [],
    };
    website.conversations.set(sessionId, record);
    website.version++;
    return {
      session_id: sessionId,
      conversation: conversationView(record),
      events: stamp(record.updated_at, [
        { event: 'session:request:initiated', data: baseOf(record) },
      ]),
    };
  }

  addMessage(
    websiteId: string,
    sessionId: string,
    input: NewMessageInput,
  ): Mutation<{ message: SimMessage }> {
    const record = this.requireConversation(websiteId, sessionId);
    const website = this.requireWebsite(websiteId);
    const rng = this.rng;
    const type = input.type ?? 'text';
    const last = record.messages[record.messages.length - 1];
    const timestamp = input.timestamp ?? Math.max(this.now(), (last?.timestamp ?? 0) + 1);
    if (input.timestamp !== undefined && record.messages.some((m) => m.timestamp === timestamp)) {
      // Timestamps double as the messages paging cursor, so equal ones would make paging ambiguous.
      throw new Error(
        `GroundTruth.addMessage: timestamp ${timestamp} already used in ${sessionId}`,
      );
    }
    const fingerprint = input.fingerprint ?? uniqueFingerprint(record.messages, timestamp, rng);
    if (record.messages.some((m) => m.fingerprint === fingerprint)) {
      throw new Error(`GroundTruth.addMessage: fingerprint ${fingerprint} already in ${sessionId}`);
    }
    const origin = input.origin ?? (record.meta.origin === 'email' ? 'email' : 'chat');
    const message: SimMessage = {
      session_id: sessionId,
      website_id: websiteId,
      fingerprint,
      type,
      from: input.from,
      origin,
      content: input.content ?? randomContent(rng, type, input.from),
      user: input.user ?? (input.from === 'user' ? record.visitor : rng.pick(website.operators)),
      preview: EMPTY_LIST,
      mentions: input.mentions ? [...input.mentions] : EMPTY_LIST,
      read: '',
      delivered: '',
      stamped: true,
      edited: false,
      translated: false,
      timestamp,
    };
    record.messages.splice(upperBound(record.messages, timestamp), 0, message);
    this.touch(record, timestamp);
    const data = messageEventPayload(record, message);
    return {
      message,
      events: stamp(message.timestamp, [
        input.from === 'user'
          ? { event: 'message:send', data }
          : { event: 'message:received', data },
      ]),
    };
  }

  updateMessage(
    websiteId: string,
    sessionId: string,
    fingerprint: number,
    content: SimMessageContent,
  ): Mutation<{ message: SimMessage }> {
    const record = this.requireConversation(websiteId, sessionId);
    const index = this.requireMessageIndex(record, fingerprint);
    const message: SimMessage = { ...record.messages[index], content, edited: true };
    record.messages[index] = message;
    this.touch(record);
    return {
      message,
      events: stamp(record.updated_at, [
        { event: 'message:updated', data: { ...baseOf(record), fingerprint, content } },
      ]),
    };
  }

  removeMessage(websiteId: string, sessionId: string, fingerprint: number): Mutation {
    const record = this.requireConversation(websiteId, sessionId);
    const index = this.requireMessageIndex(record, fingerprint);
    const [message] = record.messages.splice(index, 1);
    this.touch(record);
    this.deletedMessages.push({
      website_id: websiteId,
      session_id: sessionId,
      fingerprint,
      removed_at: record.updated_at,
      message,
    });
    return {
      events: stamp(record.updated_at, [
        { event: 'message:removed', data: { ...baseOf(record), fingerprint } },
      ]),
    };
  }

  /**
   * Marks messages of the other side as read by `reader`. Without explicit fingerprints, every unread
   * message of the other side is acknowledged. No event when nothing changed.
   */
  ackRead(
    websiteId: string,
    sessionId: string,
    options: { reader: 'operator' | 'visitor'; fingerprints?: number[]; origin?: SimOrigin },
  ): Mutation<{ fingerprints: number[] }> {
    const authorSide: SimMessageFrom = options.reader === 'operator' ? 'user' : 'operator';
    const origin = options.origin ?? 'chat';
    const fingerprints = this.acknowledge(websiteId, sessionId, options.fingerprints, (m) =>
      m.from === authorSide && m.read === ''
        ? { ...m, read: origin, delivered: m.delivered || origin }
        : null,
    );
    const record = this.requireConversation(websiteId, sessionId);
    if (fingerprints.length === 0) {
      return { fingerprints, events: [] };
    }
    const data = { ...baseOf(record), origin, fingerprints };
    return {
      fingerprints,
      events: stamp(record.updated_at, [
        options.reader === 'operator'
          ? { event: READ_ACK_EVENT.operator, data }
          : { event: READ_ACK_EVENT.visitor, data },
      ]),
    };
  }

  /** Marks operator messages as delivered to the visitor (`message:acknowledge:delivered`). */
  ackDelivered(
    websiteId: string,
    sessionId: string,
    options: { fingerprints?: number[]; origin?: SimOrigin } = {},
  ): Mutation<{ fingerprints: number[] }> {
    const origin = options.origin ?? 'chat';
    const fingerprints = this.acknowledge(websiteId, sessionId, options.fingerprints, (m) =>
      m.from === 'operator' && m.delivered === '' ? { ...m, delivered: origin } : null,
    );
    const record = this.requireConversation(websiteId, sessionId);
    if (fingerprints.length === 0) {
      return { fingerprints, events: [] };
    }
    return {
      fingerprints,
      events: stamp(record.updated_at, [
        {
          event: 'message:acknowledge:delivered',
          data: { ...baseOf(record), origin, fingerprints },
        },
      ]),
    };
  }

  /** Emits `session:set_state` even when the state stays; only a real change enters the history. */
  setState(websiteId: string, sessionId: string, state: ConversationState): Mutation {
    const record = this.requireConversation(websiteId, sessionId);
    const previous = record.state;
    record.state = state;
    this.touch(record);
    this.history.recordState(websiteId, sessionId, previous, state, record.updated_at);
    return {
      events: stamp(record.updated_at, [
        { event: 'session:set_state', data: { ...baseOf(record), state } },
      ]),
    };
  }

  /** Changes one string meta field; emits the matching `session:set_<field>` event. */
  setMeta(websiteId: string, sessionId: string, field: MetaStringField, value: string): Mutation {
    const record = this.requireConversation(websiteId, sessionId);
    record.meta[field] = value;
    if (field === 'nickname') {
      record.visitor = Object.freeze({ user_id: record.session_id, nickname: value });
    }
    this.touch(record);
    const base = baseOf(record);
    return { events: stamp(record.updated_at, [metaEvent(field, value, base)]) };
  }

  /** Replaces meta.data wholesale (the event carries the full object). */
  setData(
    websiteId: string,
    sessionId: string,
    data: Record<string, string | number | boolean>,
  ): Mutation {
    const record = this.requireConversation(websiteId, sessionId);
    record.meta.data = { ...data };
    this.touch(record);
    return {
      events: stamp(record.updated_at, [
        { event: 'session:set_data', data: { ...baseOf(record), data: { ...data } } },
      ]),
    };
  }

  setSegments(websiteId: string, sessionId: string, segments: string[]): Mutation {
    const record = this.requireConversation(websiteId, sessionId);
    record.meta.segments = [...segments];
    this.touch(record);
    return {
      events: stamp(record.updated_at, [
        { event: 'session:set_segments', data: { ...baseOf(record), segments: [...segments] } },
      ]),
    };
  }

  setBlock(websiteId: string, sessionId: string, isBlocked: boolean): Mutation {
    const record = this.requireConversation(websiteId, sessionId);
    record.is_blocked = isBlocked;
    this.touch(record);
    return {
      events: stamp(record.updated_at, [
        { event: 'session:set_block', data: { ...baseOf(record), is_blocked: isBlocked } },
      ]),
    };
  }

  setParticipants(websiteId: string, sessionId: string, participants: SimParticipant[]): Mutation {
    const record = this.requireConversation(websiteId, sessionId);
    record.participants = participants.map((p) => ({ ...p }));
    this.touch(record);
    return {
      events: stamp(record.updated_at, [
        {
          event: 'session:set_participants',
          data: { ...baseOf(record), participants: participants.map((p) => ({ ...p })) },
        },
      ]),
    };
  }

  setMentions(websiteId: string, sessionId: string, mentions: string[]): Mutation {
    const record = this.requireConversation(websiteId, sessionId);
    record.mentions = [...mentions];
    this.touch(record);
    return {
      events: stamp(record.updated_at, [
        { event: 'session:set_mentions', data: { ...baseOf(record), mentions: [...mentions] } },
      ]),
    };
  }

  /** Sets the routing target; the simulator treats it as the assigned operator (UNVERIFIED). */
  setRouting(websiteId: string, sessionId: string, routingId: string | null): Mutation {
    const record = this.requireConversation(websiteId, sessionId);
    const previous = record.routing_id;
    record.routing_id = routingId;
    record.assigned_user_id = routingId;
    this.touch(record);
    this.history.recordAssignment(websiteId, sessionId, previous, routingId, record.updated_at);
    return {
      events: stamp(record.updated_at, [
        {
          event: 'session:set_routing',
          data: { ...baseOf(record), routing_id: routingId, previous_routing_id: previous },
        },
      ]),
    };
  }

  /** Moves the conversation to another inbox; the new id travels in the base `inbox_id` field. */
  setInbox(websiteId: string, sessionId: string, inboxId: string | null): Mutation {
    const record = this.requireConversation(websiteId, sessionId);
    const previous = record.inbox_id;
    record.inbox_id = inboxId;
    this.touch(record);
    this.history.recordInbox(websiteId, sessionId, previous, inboxId, record.updated_at);
    return {
      events: stamp(record.updated_at, [
        { event: 'session:set_inbox', data: { ...baseOf(record), previous_inbox_id: previous } },
      ]),
    };
  }

  updateAvailability(
    websiteId: string,
    sessionId: string,
    availability: 'online' | 'offline',
  ): Mutation {
    const record = this.requireConversation(websiteId, sessionId);
    record.availability = availability;
    this.touch(record);
    return {
      events: stamp(record.updated_at, [
        { event: 'session:update_availability', data: { ...baseOf(record), availability } },
      ]),
    };
  }

  updateVerify(
    websiteId: string,
    sessionId: string,
    isVerified: boolean,
    verifications: EventsSessionVerification[] = [],
  ): Mutation {
    const record = this.requireConversation(websiteId, sessionId);
    record.is_verified = isVerified;
    record.verifications = verifications.map((v) => ({ ...v }));
    this.touch(record);
    return {
      events: stamp(record.updated_at, [
        {
          event: 'session:update_verify',
          data: {
            ...baseOf(record),
            is_verified: isVerified,
            verifications: verifications.map((v) => ({ ...v })),
          },
        },
      ]),
    };
  }

  /**
   * What the visitor's browser reports about itself (`session:sync:<member>`): replaces one part
   * of meta.device. Whether Crisp moves `updated_at` for these is UNVERIFIED; the simulator does.
   */
  syncDevice<K extends keyof SimDevice>(
    websiteId: string,
    sessionId: string,
    member: K,
    value: SimDevice[K],
  ): Mutation {
    const record = this.requireConversation(websiteId, sessionId);
    record.meta.device = { ...record.meta.device, [member]: structuredClone(value) };
    this.touch(record);
    return {
      events: stamp(record.updated_at, [
        deviceSyncEvent(baseOf(record), record.meta.device, member),
      ]),
    };
  }

  /** The visitor's network changed (`session:sync:network`): meta.ip and meta.connection. */
  syncNetwork(
    websiteId: string,
    sessionId: string,
    ip: string,
    connection: SimConversationMeta['connection'],
  ): Mutation {
    const record = this.requireConversation(websiteId, sessionId);
    record.meta.ip = ip;
    record.meta.connection = { ...connection };
    this.touch(record);
    return {
      events: stamp(record.updated_at, [
        {
          event: 'session:sync:network',
          data: { ...baseOf(record), network: { ip, connection: { ...connection } } },
        },
      ]),
    };
  }

  /**
   * A visitor rates the conversation (`session:sync:rating`, crisp-api `EventsSessionSyncRating`).
   * Moves updated_at like every mutation (README assumption 17; UNVERIFIED for ratings).
   */
  setRating(
    websiteId: string,
    sessionId: string,
    stars: number,
    comment?: string,
  ): Mutation<{ rating: SimRating }> {
    const record = this.requireConversation(websiteId, sessionId);
    this.touch(record);
    const rating = this.ratings.record({
      website_id: websiteId,
      session_id: sessionId,
      stars,
      ...(comment === undefined ? {} : { comment }),
      at: record.updated_at,
    });
    const given = { stars, ...(comment === undefined ? {} : { comment }) };
    return {
      rating,
      events: stamp(record.updated_at, [
        { event: 'session:sync:rating', data: { ...baseOf(record), rating: given } },
      ]),
    };
  }

  /** An operator opens the conversation in their app (`session:set_opened`). */
  setOpened(websiteId: string, sessionId: string, operator: EventsOperator): Mutation {
    return this.setOpenState(websiteId, sessionId, operator, 'opened');
  }

  /** The operator closes it again (`session:set_closed`). */
  setClosed(websiteId: string, sessionId: string, operator: EventsOperator): Mutation {
    return this.setOpenState(websiteId, sessionId, operator, 'closed');
  }

  stateHistory(websiteId: string, sessionId: string): StateChange[] {
    return this.history.stateHistory(websiteId, sessionId);
  }

  resolutionOf(websiteId: string, sessionId: string): ResolutionSummary {
    return this.history.resolutionOf(websiteId, sessionId);
  }

  /** Routing changes (`session:set_routing`), i.e. who the conversation was assigned to. */
  assignmentHistory(websiteId: string, sessionId: string): AssignmentChange[] {
    return this.history.assignmentHistory(websiteId, sessionId);
  }

  inboxHistory(websiteId: string, sessionId: string): InboxChange[] {
    return this.history.inboxHistory(websiteId, sessionId);
  }

  ratingOf(websiteId: string, sessionId: string): SimRating | undefined {
    return this.ratings.ratingOf(websiteId, sessionId);
  }

  /** The visitor is identified as a contact (`people:bind:session`, crisp-api `EventsPeopleBindSession`). */
  bindPeople(websiteId: string, sessionId: string, peopleId: string): Mutation {
    const record = this.requireConversation(websiteId, sessionId);
    record.people_id = peopleId;
    this.touch(record);
    return {
      events: stamp(record.updated_at, [
        { event: 'people:bind:session', data: { ...baseOf(record), people_id: peopleId } },
      ]),
    };
  }

  removeConversation(websiteId: string, sessionId: string): Mutation {
    const website = this.requireWebsite(websiteId);
    const record = this.requireConversation(websiteId, sessionId);
    const removedAt = Math.max(this.now(), record.updated_at + 1);
    website.conversations.delete(sessionId);
    website.version++;
    this.deletedConversations.push({
      website_id: websiteId,
      session_id: sessionId,
      removed_at: removedAt,
      conversation: conversationView(record),
      messages: record.messages,
    });
    return { events: stamp(removedAt, [{ event: 'session:removed', data: baseOf(record) }]) };
  }

  // ── Internals ────────────────────────────────────────────────────────────

  /** Opened / closed share one shape (crisp-api `EventsSessionSetOpened` / `…SetClosed`). */
  private setOpenState(
    websiteId: string,
    sessionId: string,
    operator: EventsOperator,
    kind: 'opened' | 'closed',
  ): Mutation {
    const record = this.requireConversation(websiteId, sessionId);
    this.touch(record);
    const who: EventsOperator = { user_id: operator.user_id };
    if (operator.nickname !== undefined) who.nickname = operator.nickname;
    if (operator.avatar !== undefined) who.avatar = operator.avatar;
    this.history.recordOpenState(websiteId, sessionId, {
      kind,
      operator: who,
      at: record.updated_at,
    });
    const data = { ...baseOf(record), operator: { ...who } };
    return {
      events: stamp(record.updated_at, [
        kind === 'opened'
          ? { event: 'session:set_opened', data }
          : { event: 'session:set_closed', data },
      ]),
    };
  }

  private acknowledge(
    websiteId: string,
    sessionId: string,
    only: number[] | undefined,
    change: (message: SimMessage) => SimMessage | null,
  ): number[] {
    const record = this.requireConversation(websiteId, sessionId);
    const wanted = only ? new Set(only) : null;
    const changed: number[] = [];
    record.messages.forEach((message, index) => {
      if (wanted && !wanted.has(message.fingerprint)) {
        return;
      }
      const next = change(message);
      if (next) {
        record.messages[index] = next;
        changed.push(message.fingerprint);
      }
    });
    if (changed.length > 0) {
      this.touch(record);
    }
    return changed;
  }

  /** Every mutation moves updated_at strictly forward so watermark-based catch-up can see it. */
  private touch(record: ConversationRecord, at?: number): void {
    record.updated_at = Math.max(at ?? this.now(), this.now(), record.updated_at + 1);
    const website = this.websites.get(record.website_id);
    if (website) {
      website.version++;
    }
  }

  private sortedConversations(
    websiteId: string,
    order: 'updated' | 'created',
  ): ConversationRecord[] {
    const website = this.websites.get(websiteId);
    if (!website) {
      return [];
    }
    let cache = this.sortCaches.get(websiteId);
    if (!cache || cache.version !== website.version) {
      cache = { version: website.version, updated: null, created: null };
      this.sortCaches.set(websiteId, cache);
    }
    const cached = cache[order];
    if (cached) {
      return cached;
    }
    const key = order === 'updated' ? 'updated_at' : 'created_at';
    const sorted = [...website.conversations.values()].sort(
      (a, b) => b[key] - a[key] || (a.session_id < b.session_id ? -1 : 1),
    );
    cache[order] = sorted;
    return sorted;
  }

  private requireWebsite(websiteId: string): WebsiteRecord {
    const website = this.websites.get(websiteId);
    if (!website) {
      throw new Error(`GroundTruth: unknown website ${websiteId}`);
    }
    return website;
  }

  private requireConversation(websiteId: string, sessionId: string): ConversationRecord {
    const record = this.getRecord(websiteId, sessionId);
    if (!record) {
      throw new Error(`GroundTruth: unknown conversation ${websiteId}/${sessionId}`);
    }
    return record;
  }

  private requireMessageIndex(record: ConversationRecord, fingerprint: number): number {
    const index = record.messages.findIndex((m) => m.fingerprint === fingerprint);
    if (index < 0) {
      throw new Error(`GroundTruth: no message ${fingerprint} in ${record.session_id}`);
    }
    return index;
  }
}

/** Dates events with when their change happened in the truth (Web Hooks send it as `timestamp`). */
function stamp(at: number, events: SimEvent[]): SimEvent[] {
  return events.map((event) => ({ ...event, at }));
}

// ── Generation ─────────────────────────────────────────────────────────────

export interface GenerateOptions {
  seed: number;
  websites?: number;
  /** Explicit ids for the first websites (handy for credentials); the rest are random UUIDs. */
  websiteIds?: readonly string[];
  conversationsPerWebsite?: number | ((websiteIndex: number, rng: SeededRandom) => number);
  messagesPerConversation?: MessageCountSpec;
  /** Earliest created_at (ms). Fixed default so a seed always yields the same data. */
  startTime?: number;
  /** created_at values are spread over [startTime, startTime + spanMs]. */
  spanMs?: number;
  /** Make two conversations of the first website share a fingerprint (default true). */
  sharedFingerprintCase?: boolean;
  now?: () => number;
}

/** Ready-made message-count distributions. */
export const messageCountPresets = {
  constant:
    (count: number): MessageCountFn =>
    () =>
      count,
  uniform:
    (min: number, max: number): MessageCountFn =>
    (_i, rng) =>
      rng.int(min, max),
  /**
   * Mean ≈ 50 with a realistic shape: mostly short conversations, 2% sitting exactly on the
   * 40-message batch boundaries (0, 1, 40, 41, 80, 81), 3% very long (300–600).
   */
  skewed: (): MessageCountFn => (_i, rng) => {
    const roll = rng.next();
    if (roll < 0.02) {
      return rng.pick([0, 1, 40, 41, 80, 81]);
    }
    if (roll < 0.05) {
      return rng.int(300, 600);
    }
    return rng.skewedInt(1, 120, 2);
  },
} as const;

export const DEFAULT_START_TIME = Date.UTC(2025, 0, 1);

export function generateGroundTruth(options: GenerateOptions): GroundTruth {
  const truth = new GroundTruth({ seed: options.seed, now: options.now });
  const rng = truth.rng;
  const websiteCount = Math.max(options.websites ?? 1, options.websiteIds?.length ?? 0);
  const startTime = options.startTime ?? DEFAULT_START_TIME;
  const spanMs = options.spanMs ?? 90 * DAY_MS;
  const messagesSpec = options.messagesPerConversation ?? messageCountPresets.skewed();
  for (let w = 0; w < websiteCount; w++) {
    const website = truth.addWebsite({ websiteId: options.websiteIds?.[w], createdAt: startTime });
    const perWebsite = options.conversationsPerWebsite ?? 100;
    const conversationCount = typeof perWebsite === 'number' ? perWebsite : perWebsite(w, rng);
    for (let i = 0; i < conversationCount; i++) {
      const messageCount =
        typeof messagesSpec === 'number' ? messagesSpec : Math.max(0, messagesSpec(i, rng));
      truth.addSyntheticConversation(website.website_id, {
        messageCount,
        createdAt: startTime + Math.floor(rng.next() * spanMs),
        rng,
      });
    }
    if (w === 0 && options.sharedFingerprintCase !== false) {
      linkFirstTwoConversations(truth, website);
    }
  }
  return truth;
}

function linkFirstTwoConversations(truth: GroundTruth, website: WebsiteRecord): void {
  const candidates = [...website.conversations.values()].filter((r) => r.messages.length > 0);
  for (let i = 1; i < candidates.length; i++) {
    if (
      truth.shareFingerprint(website.website_id, candidates[0].session_id, candidates[i].session_id)
    ) {
      return;
    }
  }
}

// ── Helpers ────────────────────────────────────────────────────────────────

function pickState(rng: SeededRandom, messageCount: number): ConversationState {
  if (messageCount === 0) {
    return 'pending';
  }
  return rng.weighted({ resolved: 55, unresolved: 35, pending: 10 });
}

function fillSyntheticMessages(
  record: ConversationRecord,
  website: WebsiteRecord,
  rng: SeededRandom,
  count: number,
): void {
  const origin: SimOrigin = record.meta.origin === 'email' ? 'email' : 'chat';
  const unreadTail = rng.skewedInt(0, 3);
  let timestamp = record.created_at + rng.int(0, 2000);
  let operator = rng.pick(website.operators);
  const messages = record.messages;
  for (let m = 0; m < count; m++) {
    if (m > 0) {
      // Gaps from 1 s to 30 min, mostly short: keeps timestamps strictly increasing.
      timestamp += rng.skewedInt(1000, 1_800_000, 3);
    }
    const from: SimMessageFrom = m === 0 || rng.chance(0.55) ? 'user' : 'operator';
    if (from === 'operator' && rng.chance(0.1)) {
      operator = rng.pick(website.operators);
    }
    const type: SimMessageType =
      from === 'user'
        ? rng.chance(0.08)
          ? 'file'
          : 'text'
        : rng.weighted({ text: 85, note: 5, file: 5, event: 5 });
    const acknowledged = m < count - unreadTail;
    const read: SimAck = acknowledged ? origin : '';
    messages.push({
      session_id: record.session_id,
      website_id: record.website_id,
      fingerprint: timestamp * 100 + rng.int(0, 99),
      type,
      from,
      origin,
      content: randomContent(rng, type, from),
      user: from === 'user' ? record.visitor : operator,
      preview: EMPTY_LIST,
      mentions: EMPTY_LIST,
      read,
      delivered: acknowledged || rng.chance(0.5) ? origin : '',
      stamped: true,
      edited: rng.chance(0.01),
      translated: false,
      timestamp,
    });
  }
}

function uniqueFingerprint(
  messages: readonly SimMessage[],
  timestamp: number,
  rng: SeededRandom,
): number {
  for (;;) {
    const candidate = timestamp * 100 + rng.int(0, 99);
    if (!messages.some((m) => m.fingerprint === candidate)) {
      return candidate;
    }
  }
}
