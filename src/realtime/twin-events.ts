import { createHash } from 'node:crypto';
import { CLOCK_SKEW_MS, TWIN_WINDOW_MS } from '../history/conversation-event-kinds';
import type { CrispEvent } from './crisp-events';

/** Copies kept at most: past it the oldest are forgotten (a twin then counts as news). */
const MAX_WAITING = 50_000;
/** Ranks an RTM copy that arrived before a Web Hook's time after every one that arrived later. */
const BEFORE_THE_EVENT = 2 ** 50;

type Door = CrispEvent['door'];
interface Waiting {
  door: Door;
  /** The copy's time: Crisp's for a Web Hook, the arrival for RTM. */
  at: number;
  seen: number;
}

/**
 * Pairs the two copies of one Crisp event, RTM's and the Web Hook's ("Event data (same as sent
 * over the RTM API)", docs.crisp.chat/references/web-hooks/v1), by name and payload, so that a
 * change Crisp made twice is two pairs. Like copies pair in Crisp's order, whatever order the Web
 * Hooks arrive in (retries reorder them; RTM keeps order): an RTM copy takes the earliest waiting
 * Web Hook, a Web Hook the first RTM copy that arrived after its time (else, within the clocks'
 * skew, the last before it). RTM carries no time and is dated on arrival; a Web Hook carries Crisp's. Pairing lets the later copy learn the earlier one's
 * time: RTM's copy takes the Web Hook's exact time, so it never outruns a newer change the Web
 * Hook already stored; the Web Hook's copy names RTM's arrival time, which it then replaces.
 * In memory: copies arriving at two different instances are not paired (docs/OPERATIONS.md).
 */
export class TwinEvents {
  private readonly waiting = new Map<string, Waiting[]>();
  private size = 0;

  /** The other door's time for this event's copy, if it came first; else this copy waits. */
  pair(event: CrispEvent, now = Date.now()): Date | null {
    const key = keyOf(event);
    const queue = (this.waiting.get(key) ?? []).filter((copy) => now - copy.seen <= TWIN_WINDOW_MS);
    const twin = bestTwin(queue, event);
    if (twin >= 0) {
      const [copy] = queue.splice(twin, 1);
      this.store(key, queue);
      return new Date(copy.at);
    }
    queue.push({ door: event.door, at: event.at.getTime(), seen: now });
    this.store(key, queue);
    this.forgetOldest();
    return null;
  }

  private store(key: string, queue: Waiting[]) {
    this.size += queue.length - (this.waiting.get(key)?.length ?? 0);
    if (queue.length > 0) this.waiting.set(key, queue);
    else this.waiting.delete(key);
  }

  private forgetOldest() {
    for (const key of this.waiting.keys()) {
      if (this.size <= MAX_WAITING) return;
      this.store(key, []);
    }
  }
}

/** Where in the queue the copy likeliest to be this event's twin is, if any can be. */
function bestTwin(queue: Waiting[], event: CrispEvent): number {
  let best = -1;
  let bestDistance = Infinity;
  queue.forEach((copy, index) => {
    const distance = distanceToTwin(copy, event);
    if (distance !== null && distance < bestDistance) [best, bestDistance] = [index, distance];
  });
  return best;
}

/** Ranks the copies in the queue, lowest the likeliest twin; null for one that cannot be it. */
function distanceToTwin(copy: Waiting, event: CrispEvent): number | null {
  if (copy.door === event.door) return null;
  const at = event.at.getTime();
  // RTM keeps Crisp's order: its copy's twin is the earliest Web Hook waiting (not one dated after it arrived).
  if (event.door === 'rtm') return copy.at <= at + CLOCK_SKEW_MS ? copy.at : null;
  // A Web Hook's twin arrived by RTM after its time: the first such, else (clocks differ) the last before.
  if (copy.at >= at) return copy.at - at;
  return copy.at >= at - CLOCK_SKEW_MS ? BEFORE_THE_EVENT + (at - copy.at) : null;
}

/**
 * The event as it is to be stored, knowing its twin: RTM's copy of an event the Web Hook told
 * first takes its exact time; the Web Hook's copy of one RTM told first names RTM's arrival
 * time, which its exact time replaces.
 */
export function withTwinTime(twins: TwinEvents, event: CrispEvent): CrispEvent {
  const twinAt = twins.pair(event);
  if (!twinAt) return event;
  return event.door === 'rtm' ? { ...event, at: twinAt, twinAt } : { ...event, twinAt };
}

/** Name and payload, keys sorted (two doors need not order them alike), hashed to keep it small. */
function keyOf(event: CrispEvent): string {
  return createHash('sha1')
    .update(event.name)
    .update('\u0000')
    .update(stableJson(event.payload))
    .digest('base64');
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${stableJson(inner)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
