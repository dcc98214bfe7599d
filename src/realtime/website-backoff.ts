/** What went wrong with one website's catch-up, as a label, and whether waiting may cure it. */
export interface WebsiteFailure {
  /** A low-cardinality label: a Crisp failure kind, `database_unreachable`, … */
  kind: string;
  /** 5xx, timeouts, rate limits, an unreachable database: worth trying again soon. */
  retryable: boolean;
}

export interface WebsiteBackoffOptions {
  baseDelayMs: number;
  /** The longest wait after failures that may pass by themselves (an outage of Crisp, say). */
  maxRetryableDelayMs: number;
  /**
   * The longest wait after failures that will not (the plugin removed from the website, a 403):
   * each retry costs a request of the daily quota, so they come seldom.
   */
  maxPermanentDelayMs: number;
}

export const DEFAULT_WEBSITE_BACKOFF: WebsiteBackoffOptions = {
  baseDelayMs: 1_000,
  maxRetryableDelayMs: 60_000,
  maxPermanentDelayMs: 15 * 60_000,
};

interface FailingWebsite {
  failures: number;
  dueAt: number;
  /** Kinds already logged since the website last succeeded: each is logged once. */
  kinds: Set<string>;
}

/**
 * The catch-up's memory of which websites keep failing. A failing website waits an exponential
 * backoff of its own before it is tried again, and is taken after the healthy ones, so that it
 * costs the others neither time nor quota; it is forgotten once it succeeds.
 */
export class WebsiteBackoff {
  private readonly failing = new Map<string, FailingWebsite>();

  constructor(
    private readonly options: WebsiteBackoffOptions = DEFAULT_WEBSITE_BACKOFF,
    private readonly now: () => number = Date.now,
  ) {}

  /** The websites to catch up now: those not waiting out a backoff, healthy ones first. */
  due(websiteIds: readonly string[]): string[] {
    const now = this.now();
    const failures = (websiteId: string) => this.failing.get(websiteId)?.failures ?? 0;
    return websiteIds
      .filter((websiteId) => (this.failing.get(websiteId)?.dueAt ?? 0) <= now)
      .map((websiteId, index) => ({ websiteId, index }))
      .sort((a, b) => failures(a.websiteId) - failures(b.websiteId) || a.index - b.index)
      .map(({ websiteId }) => websiteId);
  }

  /** The websites that failed last time they were tried. */
  failingWebsites(): string[] {
    return [...this.failing.keys()];
  }

  /** When the first failing website may be tried again (epoch ms), or null if none fails. */
  nextDueAt(): number | null {
    const times = [...this.failing.values()].map((website) => website.dueAt);
    return times.length === 0 ? null : Math.min(...times);
  }

  /** Records a failure: how long the website now waits, and whether its kind is new (log it). */
  failed(websiteId: string, failure: WebsiteFailure): { retryInMs: number; newKind: boolean } {
    const website = this.failing.get(websiteId) ?? { failures: 0, dueAt: 0, kinds: new Set() };
    const { baseDelayMs, maxRetryableDelayMs, maxPermanentDelayMs } = this.options;
    const cap = failure.retryable ? maxRetryableDelayMs : maxPermanentDelayMs;
    const retryInMs = Math.min(cap, baseDelayMs * 2 ** Math.min(website.failures, 30));
    const newKind = !website.kinds.has(failure.kind);
    website.kinds.add(failure.kind);
    website.failures += 1;
    website.dueAt = this.now() + retryInMs;
    this.failing.set(websiteId, website);
    return { retryInMs, newKind };
  }

  /** Records a success: the number of failures it ends (0 if the website was not failing). */
  succeeded(websiteId: string): number {
    const failures = this.failing.get(websiteId)?.failures ?? 0;
    this.failing.delete(websiteId);
    return failures;
  }

  /** Forgets the websites the catch-up no longer covers. */
  retainOnly(websiteIds: readonly string[]): void {
    const kept = new Set(websiteIds);
    for (const websiteId of this.failing.keys()) {
      if (!kept.has(websiteId)) this.failing.delete(websiteId);
    }
  }
}
