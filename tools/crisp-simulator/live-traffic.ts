/**
 * Synthetic live activity: a seeded stream of ground-truth mutations whose events are delivered as
 * they happen, so a sync service sees realistic RTM / Web Hook traffic while it backfills.
 *
 * The sequence of actions is a pure function of the seed and the starting truth; wall-clock
 * timestamps (and therefore fingerprints) still follow the truth's clock.
 */
import type { ConversationState } from 'crisp-api';
import type { ConversationRecord, GroundTruth } from './ground-truth';
import { SeededRandom } from './seeded-random';
import type { SimEvent, SimMessageType } from './simulator-types';
import { changeOperatorAvailability, changePeople } from './traffic-directory';
import { changeData, changeMeta, editRecentMessage, removeRecentMessage } from './traffic-visitor';
import {
  assignConversation,
  isOpen,
  isResolved,
  moveConversationInbox,
  openOrCloseConversation,
  reopenConversation,
  resolveConversation,
  type TrafficTarget,
} from './traffic-workflow';

export type TrafficAction =
  | 'newConversation'
  | 'visitorMessage'
  | 'operatorMessage'
  | 'editMessage'
  | 'removeMessage'
  | 'readAck'
  | 'stateChange'
  | 'metaChange'
  | 'dataChange'
  | 'removeConversation'
  | 'resolve'
  | 'reopen'
  | 'assign'
  | 'moveInbox'
  | 'openClose'
  | 'operatorAvailability'
  | 'peopleChange';

export const DEFAULT_TRAFFIC_WEIGHTS: Readonly<Record<TrafficAction, number>> = {
  newConversation: 6,
  visitorMessage: 35,
  operatorMessage: 30,
  editMessage: 4,
  removeMessage: 1,
  readAck: 10,
  stateChange: 8,
  metaChange: 4,
  dataChange: 1.5,
  removeConversation: 0.5,
  // The operator side (traffic-workflow.ts): enough that two minutes of the demo's 2 actions/s
  // hold several resolutions, ratings, reopens and assignments.
  resolve: 4,
  reopen: 2,
  assign: 5,
  moveInbox: 1,
  openClose: 4,
  // The directory (traffic-directory.ts): operators' availability and contacts.
  operatorAvailability: 1.5,
  peopleChange: 2,
};

export interface LiveTrafficOptions {
  seed?: number;
  /** Actions per second (each action yields one or two events). */
  rate?: number;
  /** Size of the pool of "active" conversations the traffic touches. Default 20. */
  conversations?: number;
  /** Websites to act on; default every website in truth. */
  websiteIds?: readonly string[];
  weights?: Partial<Record<TrafficAction, number>>;
  /** Scheduler granularity; actions are batched per tick. Default 50 ms. */
  tickMs?: number;
}

export interface LiveTrafficStats {
  actions: number;
  events: number;
  byAction: Record<TrafficAction, number>;
}

type PoolEntry = TrafficTarget;

const STATES: readonly ConversationState[] = ['pending', 'unresolved', 'resolved'];

export class LiveTraffic {
  private readonly rng: SeededRandom;
  private readonly weights: Record<TrafficAction, number>;
  private readonly poolSize: number;
  private readonly websiteIds: string[];
  private pool: PoolEntry[] = [];
  private timer: NodeJS.Timeout | null = null;
  private budget = 0;
  private rate: number;
  private readonly tickMs: number;
  private counters: LiveTrafficStats;

  constructor(
    private readonly truth: GroundTruth,
    private readonly deliver: (events: SimEvent[]) => void,
    options: LiveTrafficOptions = {},
  ) {
    this.rng = new SeededRandom(options.seed ?? 1).fork('live-traffic');
    this.weights = { ...DEFAULT_TRAFFIC_WEIGHTS, ...options.weights };
    this.poolSize = Math.max(1, options.conversations ?? 20);
    this.rate = options.rate ?? 5;
    this.tickMs = options.tickMs ?? 50;
    this.websiteIds = [...(options.websiteIds ?? truth.websiteIds())];
    this.counters = emptyStats();
    this.seedPool();
  }

  get running(): boolean {
    return this.timer !== null;
  }

  stats(): LiveTrafficStats {
    return { ...this.counters, byAction: { ...this.counters.byAction } };
  }

  setRate(rate: number): void {
    this.rate = rate;
  }

  start(): void {
    if (this.timer) {
      return;
    }
    this.budget = 0;
    let last = Date.now();
    this.timer = setInterval(() => {
      // Budget from real elapsed time: a busy event loop delays ticks but must not lower the rate.
      const now = Date.now();
      this.budget += (this.rate * (now - last)) / 1000;
      last = now;
      const due = Math.floor(this.budget);
      this.budget -= due;
      if (due > 0) {
        this.step(due);
      }
    }, this.tickMs);
  }

  stop(): void {
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  /** Performs `count` actions synchronously and delivers their events; returns the events. */
  step(count = 1): SimEvent[] {
    const all: SimEvent[] = [];
    for (let i = 0; i < count; i++) {
      const action = this.pool.length === 0 ? 'newConversation' : this.rng.weighted(this.weights);
      const events = this.perform(action);
      this.counters.actions++;
      this.counters.byAction[action]++;
      this.counters.events += events.length;
      if (events.length > 0) {
        this.deliver(events);
      }
      all.push(...events);
    }
    return all;
  }

  private perform(action: TrafficAction): SimEvent[] {
    const truth = this.truth;
    const rng = this.rng;
    if (action === 'newConversation') {
      return this.newConversation();
    }
    const target = this.pickTarget();
    if (!target) {
      return this.newConversation();
    }
    const { websiteId, sessionId } = target;
    switch (action) {
      case 'visitorMessage':
        return truth.addMessage(websiteId, sessionId, {
          from: 'user',
          type: rng.chance(0.05) ? 'file' : 'text',
        }).events;
      case 'operatorMessage': {
        const type: SimMessageType = rng.weighted({ text: 90, note: 5, file: 5 });
        return truth.addMessage(websiteId, sessionId, { from: 'operator', type }).events;
      }
      case 'editMessage':
        return editRecentMessage(truth, rng, target);
      case 'removeMessage':
        return removeRecentMessage(truth, rng, target);
      case 'readAck':
        return truth.ackRead(websiteId, sessionId, {
          reader: rng.chance(0.6) ? 'operator' : 'visitor',
        }).events;
      case 'stateChange': {
        const state = rng.pick(STATES);
        return state === 'resolved'
          ? resolveConversation(truth, rng, target)
          : truth.setState(websiteId, sessionId, state).events;
      }
      case 'resolve': {
        // A conversation still open, else reopen one: either way the history moves.
        const open = this.pickTarget(isOpen);
        return open
          ? resolveConversation(truth, rng, open)
          : reopenConversation(truth, rng, target);
      }
      case 'reopen': {
        const resolved = this.pickTarget(isResolved);
        return resolved
          ? reopenConversation(truth, rng, resolved)
          : resolveConversation(truth, rng, target);
      }
      case 'assign':
        return assignConversation(truth, rng, target);
      case 'moveInbox':
        return moveConversationInbox(truth, rng, target);
      case 'openClose': {
        // Half the time one an operator has open, so closes happen in a pool of many conversations.
        const opened = rng.chance(0.5)
          ? this.pickTarget((r) => truth.history.openedBy(r.website_id, r.session_id).length > 0)
          : null;
        return openOrCloseConversation(truth, rng, opened ?? target);
      }
      case 'metaChange':
        return changeMeta(truth, rng, target);
      case 'dataChange':
        return changeData(truth, rng, target);
      case 'operatorAvailability':
        return changeOperatorAvailability(truth, rng, websiteId);
      case 'peopleChange':
        return changePeople(truth, rng, target);
      case 'removeConversation':
        this.pool = this.pool.filter((e) => e !== target);
        return truth.removeConversation(websiteId, sessionId).events;
    }
  }

  private newConversation(): SimEvent[] {
    if (this.websiteIds.length === 0) {
      return [];
    }
    const websiteId = this.rng.pick(this.websiteIds);
    const created = this.truth.newConversation(websiteId);
    const first = this.truth.addMessage(websiteId, created.session_id, { from: 'user' });
    this.pool.push({ websiteId, sessionId: created.session_id });
    if (this.pool.length > this.poolSize) {
      this.pool.shift();
    }
    return [...created.events, ...first.events];
  }

  /**
   * A pooled conversation that still exists (removals by other code are tolerated) and, when
   * `wanted` is given, matches it; null if none does.
   */
  private pickTarget(wanted?: (record: ConversationRecord) => boolean): PoolEntry | null {
    if (wanted) {
      const matching = this.pool.filter((e) => {
        const record = this.truth.getRecord(e.websiteId, e.sessionId);
        return record !== undefined && wanted(record);
      });
      return matching.length > 0 ? this.rng.pick(matching) : null;
    }
    while (this.pool.length > 0) {
      const entry = this.rng.pick(this.pool);
      if (this.truth.getRecord(entry.websiteId, entry.sessionId)) {
        return entry;
      }
      this.pool = this.pool.filter((e) => e !== entry);
    }
    return null;
  }

  /** Starts from the most recently updated conversations, spread evenly over websites. */
  private seedPool(): void {
    const perWebsite = this.websiteIds.map((id) =>
      this.truth.queryConversations(id, { includeEmpty: true }).slice(0, this.poolSize),
    );
    for (let i = 0; this.pool.length < this.poolSize; i++) {
      let added = false;
      for (const [w, records] of perWebsite.entries()) {
        const record = records[i];
        if (record && this.pool.length < this.poolSize) {
          this.pool.push({ websiteId: this.websiteIds[w], sessionId: record.session_id });
          added = true;
        }
      }
      if (!added) {
        break;
      }
    }
  }
}

function emptyStats(): LiveTrafficStats {
  const byAction = Object.fromEntries(
    Object.keys(DEFAULT_TRAFFIC_WEIGHTS).map((action) => [action, 0]),
  ) as Record<TrafficAction, number>;
  return { actions: 0, events: 0, byAction };
}
