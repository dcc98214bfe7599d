/**
 * The Web Hook routes as Express routes them: in any case, with or without one trailing slash.
 * A request the router would hand to WebhooksController must match, or the global JSON parser
 * would read its body before the signature check.
 */
const WEB_HOOK_PATH = /^\/crisp\/webhooks(\/website)?\/?$/i;

export function isWebHookPath(path: string): boolean {
  return WEB_HOOK_PATH.test(path);
}
