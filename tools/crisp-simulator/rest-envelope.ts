/**
 * The REST envelope and route table shared by rest-api.ts and directory-routes.ts: every answer is
 * `{error, reason, data}` (crisp-protocol.md §2.1), every route a path pattern with its handler.
 */
import type { SimCredential } from './simulator-types';

/** Error reasons the simulator invents where the real ones are UNVERIFIED. */
export const SIMULATED_REASONS = {
  unauthorized: 'invalid_session',
  forbidden: 'not_allowed',
  invalidData: 'invalid_data',
  sessionNotFound: 'session_not_found',
  messageNotFound: 'message_not_found',
  peopleNotFound: 'people_not_found',
} as const;

export interface Reply {
  status: number;
  /** Envelope `data` for success, or full error envelope fields for failures. */
  body: { error: boolean; reason: string; data: unknown } | null;
  /** `HIT` when the GET cache (rest-behaviour.ts) served part of it. */
  bloom?: 'HIT';
}

export interface RouteInput {
  params: string[];
  query: URLSearchParams;
  credential: SimCredential;
}

export interface RouteDef {
  pattern: readonly string[];
  /** Counter key without the method; requests are counted as "GET /website/:id/…" / "HEAD …". */
  path: string;
  /** Tiers allowed to call it; undefined = any authenticated tier. */
  tiers?: readonly string[];
  /** Index of the website id among params, when the route is website-scoped. */
  websiteParam?: number;
  headOnly?: boolean;
  handle: (input: RouteInput) => Reply;
}

export function success(data: unknown): Reply {
  return { status: 200, body: { error: false, reason: 'resolved', data } };
}

export function error(status: number, reason: string, data: Record<string, unknown>): Reply {
  return { status, body: { error: true, reason, data } };
}

export function notFoundRoute(): Reply {
  return error(404, 'not_found', { message: 'the route does not exist' });
}

export function flag(query: URLSearchParams, name: string): boolean {
  const value = query.get(name);
  return value === '1' || value === 'true';
}

export function parsePage(raw: string): number | null {
  return /^[1-9]\d{0,8}$/.test(raw) ? Number(raw) : null;
}
