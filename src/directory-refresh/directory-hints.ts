import type { MirrorChange } from '../realtime/mirror-change';

type HintedPart = 'operators' | 'inboxes';

/** How long an id a hinted refresh did not find is not hinted again (Crisp may have deleted it). */
const RETRY_HINT_AFTER_MS = 3_600_000;

/**
 * Tells, from the changes events stored, when a website's directory is likely stale: a
 * `session:set_inbox` naming an inbox not stored, an availability event of an operator not
 * stored. Hints of one website are gathered for `delayMs`, then refreshed once. Only websites
 * listed at least once are judged (before that, the start refresh is on its way), and an id a
 * refresh did not find is not hinted again for an hour, so a deleted inbox cannot make every
 * event cost a listing.
 */
export class DirectoryHints {
  private readonly known = new Map<string, Set<string>>();
  private readonly pending = new Map<string, { parts: Set<HintedPart>; ids: Set<string> }>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly tried = new Map<string, number>();
  private stopped = false;

  constructor(
    private readonly delayMs: number,
    private readonly refresh: (websiteId: string, parts: HintedPart[]) => void,
  ) {}

  /** What a refresh listed: the ids now stored for the website. */
  know(websiteId: string, part: HintedPart, ids: string[]) {
    this.known.set(`${part}\u0001${websiteId}`, new Set(ids));
  }

  observe(changes: MirrorChange[]) {
    for (const change of changes) {
      if (change.kind === 'conversation-patch') {
        const inbox = change.patch.columns.inbox_id;
        if (typeof inbox === 'string' && inbox !== '') {
          this.check(change.patch.website_id, 'inboxes', inbox);
        }
      } else if (change.kind === 'operator-availability') {
        this.check(change.availability.website_id, 'operators', change.availability.user_id);
      }
    }
  }

  stop() {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private check(websiteId: string, part: HintedPart, id: string) {
    const known = this.known.get(`${part}\u0001${websiteId}`);
    if (!known || known.has(id) || this.stopped) return;
    const key = `${part}\u0001${websiteId}\u0001${id}`;
    const triedAt = this.tried.get(key);
    if (triedAt !== undefined && Date.now() - triedAt < RETRY_HINT_AFTER_MS) return;
    this.tried.set(key, Date.now());
    const pending = this.pending.get(websiteId) ?? { parts: new Set(), ids: new Set() };
    pending.parts.add(part);
    pending.ids.add(id);
    this.pending.set(websiteId, pending);
    if (this.timers.has(websiteId)) return;
    const timer = setTimeout(() => {
      this.timers.delete(websiteId);
      const due = this.pending.get(websiteId);
      this.pending.delete(websiteId);
      if (due && !this.stopped) this.refresh(websiteId, [...due.parts]);
    }, this.delayMs);
    timer.unref();
    this.timers.set(websiteId, timer);
  }
}
