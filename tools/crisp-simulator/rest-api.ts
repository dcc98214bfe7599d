/**
 * Crisp REST API v1 (the read routes a sync service needs) as a plain node:http handler.
 *
 * Plain node:http rather than a framework: the handler sits in the hot path of benchmarks that page
 * through hundreds of thousands of messages, and socket.io attaches to the same server anyway.
 * Envelope, status codes and query semantics follow crisp-protocol.md §1.2 and §2; every choice the
 * spec marks UNVERIFIED is listed in README.md.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CredentialStore } from './credential-store';
import { directoryRoutes } from './directory-routes';
import { QUOTA_REASON, type FaultAction, type FaultInjector } from './fault-injector';
import {
  conversationView,
  type ConversationQuery,
  type ConversationRecord,
  type GroundTruth,
} from './ground-truth';
import { RestBehaviour } from './rest-behaviour';
import {
  SIMULATED_REASONS,
  error,
  flag,
  notFoundRoute,
  parsePage,
  success,
  type Reply,
  type RouteDef,
  type RouteInput,
} from './rest-envelope';
import type { SimMessage } from './simulator-types';

export { SIMULATED_REASONS } from './rest-envelope';

export { MESSAGES_BATCH_SIZE } from './rest-behaviour';
export const PER_PAGE_MIN = 20;
export const PER_PAGE_MAX = 50;
export const WEBSITES_PER_PAGE = 20;

export interface RestApiContext {
  truth: GroundTruth;
  credentials: CredentialStore;
  faults: FaultInjector;
  /** Batch size, end-of-history status and GET cache (rest-behaviour.ts); default: Crisp's. */
  behaviour?: RestBehaviour;
  /** Public RTM URL handed out by the connect/endpoints routes (known once the server listens). */
  rtmUrl: () => string;
}

export class RestApi {
  private readonly routes: RouteDef[];
  private readonly pending = new Set<NodeJS.Timeout>();
  private readonly hanging = new Set<ServerResponse>();

  private readonly behaviour: RestBehaviour;

  constructor(private readonly ctx: RestApiContext) {
    this.behaviour = ctx.behaviour ?? new RestBehaviour();
    this.routes = this.buildRoutes();
  }

  /** The request listener to hand to http.createServer. */
  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://simulator.local');
    const method = (req.method ?? 'GET').toUpperCase();
    const match = this.match(method, url.pathname);
    const template = `${method} ${match ? match.route.path : '(unknown route)'}`;
    const latency = this.ctx.faults.latencyFor(template, `${method} ${url.pathname}`);
    const proceed = (): void => this.process(req, res, method, url, match, template);
    if (latency > 0) {
      this.later(latency, proceed);
    } else {
      proceed();
    }
  };

  /** Drops hung requests and pending timers so the process can exit. */
  close(): void {
    for (const timer of this.pending) {
      clearTimeout(timer);
    }
    this.pending.clear();
    for (const res of this.hanging) {
      res.destroy();
    }
    this.hanging.clear();
  }

  private process(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    url: URL,
    match: { route: RouteDef; params: string[] } | null,
    template: string,
  ): void {
    if (res.destroyed) {
      return;
    }
    const fault = this.ctx.faults.decide(template, `${method} ${url.pathname}`);
    if (fault.kind !== 'pass') {
      this.inject(res, method, template, fault);
      return;
    }
    if (!match || (method !== 'GET' && method !== 'HEAD')) {
      this.send(res, method, template, notFoundRoute());
      return;
    }
    const credential = this.ctx.credentials.fromHeaders(
      header(req, 'authorization'),
      header(req, 'x-crisp-tier'),
    );
    if (!credential) {
      this.send(res, method, template, error(401, SIMULATED_REASONS.unauthorized, {}));
      return;
    }
    if (!this.ctx.faults.consumeQuota(credential.identifier)) {
      this.send(
        res,
        method,
        template,
        error(429, QUOTA_REASON, { message: 'daily quota exceeded' }),
      );
      return;
    }
    const { route, params } = match;
    if (route.tiers && !route.tiers.includes(credential.tier)) {
      this.send(res, method, template, error(403, SIMULATED_REASONS.forbidden, {}));
      return;
    }
    if (route.websiteParam !== undefined) {
      const websiteId = params[route.websiteParam];
      if (!this.ctx.credentials.covers(credential, websiteId)) {
        // Documented for plugin tokens (issue node-crisp-api#31); other tiers get a simulated 403.
        const reply =
          credential.tier === 'plugin'
            ? error(404, 'not_subscribed', {})
            : error(403, SIMULATED_REASONS.forbidden, {});
        this.send(res, method, template, reply);
        return;
      }
    }
    let reply: Reply;
    try {
      reply = route.handle({ params, query: url.searchParams, credential });
    } catch (cause) {
      reply = error(500, 'internal_error', { message: String(cause) });
    }
    const cache: Record<string, string> =
      method === 'GET' && reply.status < 300 ? { 'Bloom-Status': reply.bloom ?? 'MISS' } : {};
    this.send(res, method, template, reply, cache);
  }

  private inject(res: ServerResponse, method: string, template: string, fault: FaultAction): void {
    if (fault.kind === 'timeout') {
      this.ctx.faults.record(template, 'timeout');
      this.hanging.add(res);
      res.on('close', () => this.hanging.delete(res));
      this.later(fault.hangMs, () => {
        this.hanging.delete(res);
        res.destroy();
      });
      return;
    }
    if (fault.kind !== 'status') {
      return;
    }
    const headers: Record<string, string> = {};
    if (fault.retryAfterSeconds !== undefined) {
      headers['Retry-After'] = String(fault.retryAfterSeconds);
    }
    if (fault.body === 'json') {
      this.send(res, method, template, error(fault.status, fault.reason, {}), headers);
      return;
    }
    this.ctx.faults.record(template, fault.status);
    const text = fault.body === 'text' ? `${fault.status} ${statusText(fault.status)}\n` : '';
    res.writeHead(fault.status, {
      ...headers,
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
    });
    res.end(method === 'HEAD' ? undefined : text);
  }

  private send(
    res: ServerResponse,
    method: string,
    template: string,
    reply: Reply,
    extraHeaders: Record<string, string> = {},
  ): void {
    this.ctx.faults.record(template, reply.status);
    const payload = reply.body === null ? '' : JSON.stringify(reply.body);
    this.write(res, method, reply.status, payload, extraHeaders);
  }

  private write(
    res: ServerResponse,
    method: string,
    status: number,
    payload: string,
    extraHeaders: Record<string, string>,
  ): void {
    if (res.destroyed) {
      return;
    }
    res.writeHead(status, {
      ...extraHeaders,
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(payload),
    });
    res.end(method === 'HEAD' ? undefined : payload);
  }

  private later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      fn();
    }, ms);
    this.pending.add(timer);
  }

  private match(method: string, pathname: string): { route: RouteDef; params: string[] } | null {
    if (!pathname.startsWith('/v1/')) {
      return null;
    }
    const segments = pathname.slice('/v1/'.length).split('/');
    for (const route of this.routes) {
      if (route.pattern.length !== segments.length) {
        continue;
      }
      if (route.headOnly ? method !== 'HEAD' : method !== 'GET' && method !== 'HEAD') {
        continue;
      }
      const params: string[] = [];
      let ok = true;
      for (let i = 0; i < segments.length && ok; i++) {
        const part = route.pattern[i];
        if (part.startsWith(':')) {
          ok = segments[i].length > 0;
          params.push(safeDecode(segments[i]));
        } else {
          ok = part === segments[i];
        }
      }
      if (ok) {
        return { route, params };
      }
    }
    return null;
  }

  private buildRoutes(): RouteDef[] {
    const truth = this.ctx.truth;
    const endpoints = (): Reply => success({ socket: { app: this.ctx.rtmUrl() } });
    const withConversation =
      (fn: (record: ConversationRecord, params: string[], query: URLSearchParams) => Reply) =>
      ({ params, query }: RouteInput): Reply => {
        const record = truth.getRecord(params[0], params[1]);
        return record
          ? fn(record, params, query)
          : error(404, SIMULATED_REASONS.sessionNotFound, {});
      };
    return [
      {
        pattern: ['plugin', 'connect', 'endpoints'],
        path: '/plugin/connect/endpoints',
        tiers: ['plugin'],
        handle: endpoints,
      },
      {
        // Called by crisp-api for the website tier; existence upstream is UNVERIFIED (§1.3).
        pattern: ['website', 'connect', 'endpoints'],
        path: '/website/connect/endpoints',
        tiers: ['website'],
        handle: endpoints,
      },
      {
        pattern: ['user', 'connect', 'endpoints'],
        path: '/user/connect/endpoints',
        tiers: ['user'],
        handle: endpoints,
      },
      {
        pattern: ['plugin', 'connect', 'account'],
        path: '/plugin/connect/account',
        tiers: ['plugin'],
        handle: ({ credential }) => success({ plugin_id: credential.identifier }),
      },
      {
        pattern: ['plugin', 'connect', 'session'],
        path: '/plugin/connect/session',
        tiers: ['plugin'],
        headOnly: true,
        handle: () => ({ status: 200, body: null }),
      },
      {
        pattern: ['plugin', 'connect', 'websites', 'all', ':page'],
        path: '/plugin/connect/websites/all/:page',
        tiers: ['plugin'],
        handle: ({ params, credential }) => {
          const page = parsePage(params[0]);
          if (page === null) {
            return error(400, SIMULATED_REASONS.invalidData, { message: 'invalid page number' });
          }
          const ids = this.ctx.credentials.websitesOf(credential);
          const slice = ids.slice((page - 1) * WEBSITES_PER_PAGE, page * WEBSITES_PER_PAGE);
          return success(
            slice.map((websiteId) => ({
              website_id: websiteId,
              token: truth.getWebsite(websiteId)?.token ?? '',
              settings: {},
            })),
          );
        },
      },
      {
        pattern: ['website', ':website', 'connect', 'endpoints'],
        path: '/website/:id/connect/endpoints',
        websiteParam: 0,
        handle: endpoints,
      },
      {
        pattern: ['website', ':website', 'conversations', ':page'],
        path: '/website/:id/conversations/:page',
        websiteParam: 0,
        handle: ({ params, query }) => this.listConversations(params[0], params[1], query),
      },
      {
        pattern: ['website', ':website', 'conversation', ':session'],
        path: '/website/:id/conversation/:sid',
        websiteParam: 0,
        handle: withConversation((record) => {
          const { view, hit } = this.behaviour.conversation(record);
          return { ...success(view), bloom: hit ? 'HIT' : undefined };
        }),
      },
      {
        pattern: ['website', ':website', 'conversation', ':session', 'meta'],
        path: '/website/:id/conversation/:sid/meta',
        websiteParam: 0,
        handle: withConversation((record) => success(conversationView(record).meta)),
      },
      {
        pattern: ['website', ':website', 'conversation', ':session', 'state'],
        path: '/website/:id/conversation/:sid/state',
        websiteParam: 0,
        handle: withConversation((record) => success({ state: record.state })),
      },
      {
        pattern: ['website', ':website', 'conversation', ':session', 'messages'],
        path: '/website/:id/conversation/:sid/messages',
        websiteParam: 0,
        handle: withConversation((record, _params, query) => this.listMessages(record, query)),
      },
      {
        pattern: ['website', ':website', 'conversation', ':session', 'message', ':fingerprint'],
        path: '/website/:id/conversation/:sid/message/:fingerprint',
        websiteParam: 0,
        handle: withConversation((record, params) => {
          const fingerprint = Number(params[2]);
          const message = Number.isSafeInteger(fingerprint)
            ? record.messages.find((m) => m.fingerprint === fingerprint)
            : undefined;
          return message ? success(message) : error(404, SIMULATED_REASONS.messageNotFound, {});
        }),
      },
      ...directoryRoutes(truth),
    ];
  }

  private listConversations(websiteId: string, pageParam: string, query: URLSearchParams): Reply {
    const page = parsePage(pageParam);
    if (page === null) {
      return error(400, SIMULATED_REASONS.invalidData, { message: 'invalid page number' });
    }
    for (const unsupported of ['search_query', 'order_date_waiting']) {
      if ((query.get(unsupported) ?? '') !== '' && query.get(unsupported) !== '0') {
        // Answer loudly rather than return unfiltered data that looks like a valid search result.
        return error(400, SIMULATED_REASONS.invalidData, {
          message: `${unsupported} is not simulated`,
        });
      }
    }
    const perPageRaw = Number.parseInt(query.get('per_page') ?? '', 10);
    const perPage = Number.isNaN(perPageRaw)
      ? PER_PAGE_MIN
      : Math.min(PER_PAGE_MAX, Math.max(PER_PAGE_MIN, perPageRaw));
    const filter: ConversationQuery = {
      order:
        flag(query, 'order_date_created') && !flag(query, 'order_date_updated')
          ? 'created'
          : 'updated',
      includeEmpty: flag(query, 'include_empty'),
      unread: flag(query, 'filter_unread') || undefined,
      inboxId: query.get('filter_inbox_id') ?? undefined,
      assignedTo: query.get('filter_assigned') ?? undefined,
      unassigned: flag(query, 'filter_unassigned') || undefined,
      mentioned: flag(query, 'filter_mention') || undefined,
    };
    const resolved = flag(query, 'filter_resolved');
    const notResolved = flag(query, 'filter_not_resolved');
    if (resolved && notResolved) {
      return success([]);
    }
    if (resolved || notResolved) {
      filter.resolved = resolved;
    }
    for (const [param, key] of [
      ['filter_date_start', 'updatedFrom'],
      ['filter_date_end', 'updatedTo'],
    ] as const) {
      const raw = query.get(param);
      if (raw === null || raw === '') {
        continue;
      }
      const parsed = parseIsoDate(raw);
      if (parsed === null) {
        // Catches the JSON-quoted Date pitfall (crisp-protocol.md §1.2); the real reply is UNVERIFIED.
        return error(400, SIMULATED_REASONS.invalidData, { message: `${param} must be ISO 8601` });
      }
      filter[key] = parsed;
    }
    const records = this.ctx.truth.queryConversations(websiteId, filter);
    const served = records
      .slice((page - 1) * perPage, page * perPage)
      .map((record) => this.behaviour.conversation(record));
    return {
      ...success(served.map(({ view }) => view)),
      bloom: served.some(({ hit }) => hit) ? 'HIT' : undefined,
    };
  }

  private listMessages(record: ConversationRecord, query: URLSearchParams): Reply {
    const { website_id: websiteId, session_id: sessionId } = record;
    const truth = this.ctx.truth;
    const cursors = ['timestamp_before', 'timestamp_after', 'timestamp_around'] as const;
    const given = cursors.filter((name) => (query.get(name) ?? '') !== '');
    if (given.length > 1) {
      return error(400, SIMULATED_REASONS.invalidData, {
        message: 'use only one timestamp cursor',
      });
    }
    const size = this.behaviour.messageBatchSize;
    const all = truth.getMessages(websiteId, sessionId);
    const batch = (messages: SimMessage[], forward = false): Reply => ({
      ...success(this.behaviour.messagesAsSent(messages)),
      status: this.behaviour.messagesStatus(all, messages, forward),
    });
    if (given.length === 0) {
      return batch(truth.latestMessages(websiteId, sessionId, size));
    }
    const cursor = given[0];
    const value = Number(query.get(cursor));
    if (!Number.isFinite(value)) {
      return error(400, SIMULATED_REASONS.invalidData, { message: `${cursor} must be a number` });
    }
    switch (cursor) {
      case 'timestamp_before':
        return batch(truth.messagesBefore(websiteId, sessionId, value, size));
      case 'timestamp_after':
        return batch(truth.messagesAfter(websiteId, sessionId, value, size), true);
      case 'timestamp_around':
        return {
          ...success(
            this.behaviour.messagesAsSent(truth.messagesAround(websiteId, sessionId, value, size)),
          ),
          status: 200,
        };
    }
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

const ISO_8601 =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

function parseIsoDate(raw: string): number | null {
  if (!ISO_8601.test(raw)) {
    return null;
  }
  const ms = Date.parse(raw);
  return Number.isNaN(ms) ? null : ms;
}

function statusText(status: number): string {
  switch (status) {
    case 420:
      return 'Enhance Your Calm';
    case 429:
      return 'Too Many Requests';
    case 500:
      return 'Internal Server Error';
    case 502:
      return 'Bad Gateway';
    case 503:
      return 'Service Unavailable';
    default:
      return 'Error';
  }
}
