/**
 * REST fault knobs and request accounting.
 *
 * A sync service is only as good as its behaviour under rate limiting, 5xx bursts, hung requests and
 * an exhausted daily quota, none of which the real API produces on demand. The REST layer asks this
 * object what to do with each request (`decide`) and reports every answer back (`record`).
 */
import { SeededRandom } from './seeded-random';

/**
 * Which requests a fault applies to: a route template, a regexp on it, or a predicate. A
 * predicate also gets the request itself (`GET /v1/website/<id>/…`), so a fault can hit one
 * website, say, and leave the others alone.
 */
export type RouteMatcher = string | RegExp | ((route: string, request: string) => boolean);

export type LatencySpec = number | { min: number; max: number };

export type FaultBody = 'json' | 'text' | 'empty';

export type FaultSpec =
  | { kind: 'pass' }
  | {
      kind: 'status';
      status: number;
      body?: FaultBody;
      reason?: string;
      retryAfterSeconds?: number;
    }
  /** Hold the request without answering, then drop the connection. */
  | { kind: 'timeout'; hangMs?: number };

/** Shorthands: 429 → JSON 429, 'timeout' → default hang, 'pass' → let the request through. */
export type ScriptStep = FaultSpec | number | 'timeout' | 'pass';

export interface RandomFailureSpec {
  probability: number;
  statuses: readonly number[];
  /** Share of failures answered with a non-JSON text body (0..1, default 0). */
  textBodyShare?: number;
  route?: RouteMatcher;
}

export interface QuotaSpec {
  /** Requests allowed per token per UTC day. */
  limit: number;
  /** Only this token identifier; default every token. */
  identifier?: string;
}

export type FaultAction =
  | { kind: 'pass' }
  | {
      kind: 'status';
      status: number;
      body: FaultBody;
      reason: string;
      retryAfterSeconds?: number;
    }
  | { kind: 'timeout'; hangMs: number };

export interface FaultCounters {
  total: number;
  byRoute: Record<string, number>;
  /** Keys are HTTP statuses as strings, plus "timeout" for hung requests that never got an answer. */
  byStatus: Record<string, number>;
  byRouteStatus: Record<string, Record<string, number>>;
}

/**
 * Simulator-chosen reason for an exhausted quota. The real string is UNVERIFIED (crisp-protocol.md
 * §4 documents the quota, not its error body).
 */
export const QUOTA_REASON = 'quota_limit_exceeded';
/** Reasons used for injected rate limiting / server errors; also simulated, not observed. */
export const INJECTED_REASONS: Readonly<Record<number, string>> = {
  420: 'rate_limited',
  429: 'rate_limited',
  500: 'internal_error',
  502: 'bad_gateway',
  503: 'service_unavailable',
};

/** Longer than crisp-api's 10 s request timeout, so the official client gives up first. */
export const DEFAULT_HANG_MS = 11_000;

interface ScriptEntry {
  steps: ScriptStep[];
  matcher: RouteMatcher | undefined;
}

export class FaultInjector {
  private readonly rng: SeededRandom;
  private latency: { spec: LatencySpec; matcher: RouteMatcher | undefined } | null = null;
  private randomFailure: RandomFailureSpec | null = null;
  private scripts: ScriptEntry[] = [];
  private hangMs = DEFAULT_HANG_MS;
  private quotas: QuotaSpec[] = [];
  private quotaUsage = new Map<string, number>();
  private quotaDay = utcDay(Date.now());
  private counters: FaultCounters = emptyCounters();

  constructor(seed = 1) {
    this.rng = new SeededRandom(seed).fork('faults');
  }

  // ── Knobs ────────────────────────────────────────────────────────────────

  /** Adds latency to every (matching) request; null removes it. */
  setLatency(spec: LatencySpec | null, route?: RouteMatcher): this {
    this.latency = spec === null ? null : { spec, matcher: route };
    return this;
  }

  /** Fails a random share of (matching) requests with one of the statuses; null disables. */
  failRandomly(spec: RandomFailureSpec | null): this {
    this.randomFailure = spec;
    return this;
  }

  /**
   * Queues a sequence of outcomes consumed one per matching request, e.g.
   * `script([429, 429, 'pass', 'timeout'], 'GET /website/:id/conversations/:page')`.
   * Scripts run before random failures and are consumed in the order they were added.
   */
  script(steps: readonly ScriptStep[], route?: RouteMatcher): this {
    this.scripts.push({ steps: [...steps], matcher: route });
    return this;
  }

  clearScripts(): this {
    this.scripts = [];
    return this;
  }

  /** Steps still waiting to be consumed, across all scripts. */
  pendingScriptSteps(): number {
    return this.scripts.reduce((sum, s) => sum + s.steps.length, 0);
  }

  /** How long a 'timeout' fault holds the request before dropping the connection. */
  setHangDuration(ms: number): this {
    this.hangMs = ms;
    return this;
  }

  /** Daily request quota per token (a later call for the same identifier replaces it). */
  setQuota(spec: QuotaSpec | null): this {
    if (spec === null) {
      this.quotas = [];
    } else {
      this.quotas = this.quotas.filter((q) => q.identifier !== spec.identifier).concat(spec);
    }
    return this;
  }

  /** Like Crisp's on-demand reset of a development token's quota. */
  resetQuota(identifier?: string): this {
    if (identifier === undefined) {
      this.quotaUsage.clear();
    } else {
      this.quotaUsage.delete(identifier);
    }
    return this;
  }

  quotaUsed(identifier: string): number {
    this.rollQuotaDay();
    return this.quotaUsage.get(identifier) ?? 0;
  }

  /** Removes every fault (latency, scripts, random failures, quotas); counters are kept. */
  clear(): this {
    this.latency = null;
    this.randomFailure = null;
    this.scripts = [];
    this.hangMs = DEFAULT_HANG_MS;
    this.quotas = [];
    this.quotaUsage.clear();
    return this;
  }

  resetCounters(): this {
    this.counters = emptyCounters();
    return this;
  }

  /** A deep copy, so assertions are not affected by later traffic. */
  snapshot(): FaultCounters {
    return JSON.parse(JSON.stringify(this.counters)) as FaultCounters;
  }

  count(route?: string, status?: number | 'timeout'): number {
    if (route === undefined) {
      return status === undefined
        ? this.counters.total
        : (this.counters.byStatus[String(status)] ?? 0);
    }
    if (status === undefined) {
      return this.counters.byRoute[route] ?? 0;
    }
    return this.counters.byRouteStatus[route]?.[String(status)] ?? 0;
  }

  // ── Used by the REST layer ───────────────────────────────────────────────

  latencyFor(route: string, request = route): number {
    if (!this.latency || !matches(this.latency.matcher, route, request)) {
      return 0;
    }
    const spec = this.latency.spec;
    return typeof spec === 'number' ? spec : this.rng.int(spec.min, spec.max);
  }

  /** Injected failure for this request, decided before authentication (like a load balancer). */
  decide(route: string, request = route): FaultAction {
    const entry = this.scripts.find(
      (s) => s.steps.length > 0 && matches(s.matcher, route, request),
    );
    if (entry) {
      const step = entry.steps.shift() as ScriptStep;
      this.scripts = this.scripts.filter((s) => s.steps.length > 0);
      return this.normalise(step);
    }
    const random = this.randomFailure;
    if (random && matches(random.route, route, request) && this.rng.chance(random.probability)) {
      const status = this.rng.pick(random.statuses);
      const text = this.rng.chance(random.textBodyShare ?? 0);
      return {
        kind: 'status',
        status,
        body: text ? 'text' : 'json',
        reason: INJECTED_REASONS[status] ?? 'error',
      };
    }
    return { kind: 'pass' };
  }

  /** Counts an authenticated request against its token's quota; false once exhausted. */
  consumeQuota(identifier: string): boolean {
    this.rollQuotaDay();
    const quota =
      this.quotas.find((q) => q.identifier === identifier) ??
      this.quotas.find((q) => q.identifier === undefined);
    if (!quota) {
      return true;
    }
    const used = this.quotaUsage.get(identifier) ?? 0;
    if (used >= quota.limit) {
      return false;
    }
    this.quotaUsage.set(identifier, used + 1);
    return true;
  }

  record(route: string, status: number | 'timeout'): void {
    const key = String(status);
    const c = this.counters;
    c.total++;
    c.byRoute[route] = (c.byRoute[route] ?? 0) + 1;
    c.byStatus[key] = (c.byStatus[key] ?? 0) + 1;
    const perRoute = (c.byRouteStatus[route] ??= {});
    perRoute[key] = (perRoute[key] ?? 0) + 1;
  }

  private normalise(step: ScriptStep): FaultAction {
    if (step === 'pass') {
      return { kind: 'pass' };
    }
    if (step === 'timeout') {
      return { kind: 'timeout', hangMs: this.hangMs };
    }
    if (typeof step === 'number') {
      return {
        kind: 'status',
        status: step,
        body: 'json',
        reason: INJECTED_REASONS[step] ?? 'error',
      };
    }
    switch (step.kind) {
      case 'pass':
        return step;
      case 'timeout':
        return { kind: 'timeout', hangMs: step.hangMs ?? this.hangMs };
      case 'status':
        return {
          kind: 'status',
          status: step.status,
          body: step.body ?? 'json',
          reason: step.reason ?? INJECTED_REASONS[step.status] ?? 'error',
          retryAfterSeconds: step.retryAfterSeconds,
        };
    }
  }

  /** The quota is daily: usage resets when the UTC day changes (real reset time UNVERIFIED). */
  private rollQuotaDay(): void {
    const today = utcDay(Date.now());
    if (today !== this.quotaDay) {
      this.quotaDay = today;
      this.quotaUsage.clear();
    }
  }
}

function matches(matcher: RouteMatcher | undefined, route: string, request: string): boolean {
  if (matcher === undefined) {
    return true;
  }
  if (typeof matcher === 'string') {
    return matcher === route;
  }
  if (matcher instanceof RegExp) {
    return matcher.test(route);
  }
  return matcher(route, request);
}

function utcDay(ms: number): number {
  return Math.floor(ms / 86_400_000);
}

function emptyCounters(): FaultCounters {
  return { total: 0, byRoute: {}, byStatus: {}, byRouteStatus: {} };
}
