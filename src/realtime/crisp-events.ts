/** Events about a website rather than one conversation: they name no session_id. */
export const WEBSITE_EVENTS = [
  'website:update_operators_availability',
  'people:profile:created',
  'people:profile:updated',
  'people:profile:removed',
] as const;

/** Every Crisp event that changes mirrored data (crisp-protocol.md §3 and §9). */
export const HANDLED_EVENTS = [
  'session:request:initiated',
  'message:send',
  'message:received',
  'message:updated',
  'message:removed',
  'message:acknowledge:read:send',
  'message:acknowledge:read:received',
  'message:acknowledge:unread:send',
  'message:acknowledge:delivered',
  'session:set_state',
  'session:set_block',
  'session:set_email',
  'session:set_phone',
  'session:set_nickname',
  'session:set_avatar',
  'session:set_subject',
  'session:set_origin',
  'session:set_address',
  'session:set_data',
  'session:set_segments',
  'session:set_participants',
  'session:set_mentions',
  'session:set_routing',
  'session:set_inbox',
  'session:update_availability',
  'session:update_verify',
  'session:sync:geolocation',
  'session:sync:system',
  'session:sync:network',
  'session:sync:timezone',
  'session:sync:locales',
  'session:sync:capabilities',
  'session:sync:rating',
  'session:set_opened',
  'session:set_closed',
  'session:removed',
  'people:bind:session',
  ...WEBSITE_EVENTS,
] as const;

export type CrispEventName = (typeof HANDLED_EVENTS)[number];
export type WebsiteEventName = (typeof WEBSITE_EVENTS)[number];
/** The events about one conversation: each names its session_id. */
export type SessionEventName = Exclude<CrispEventName, WebsiteEventName>;

export function isWebsiteEvent(name: string): name is WebsiteEventName {
  return (WEBSITE_EVENTS as readonly string[]).includes(name);
}

/**
 * One event as either door delivers it, not yet checked: `payload` is whatever JSON Crisp sent
 * (the mapper reads it field by field). `at` is when it happened (or, failing that, arrived).
 */
export interface CrispEvent {
  name: string;
  payload: unknown;
  at: Date;
  door: 'rtm' | 'webhook';
  /** When the other door's copy of this event was dated, if it came first (see TwinEvents). */
  twinAt?: Date;
}

export function isHandledEvent(name: string): name is CrispEventName {
  return (HANDLED_EVENTS as readonly string[]).includes(name);
}
