import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';

export const REQUEST_ID_HEADER = 'x-request-id';

/** A caller's own request id is kept when it is a sane token, so ids follow a request across systems. */
const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

function requestIdFor(request: IncomingMessage, response: ServerResponse): string {
  const given = request.headers[REQUEST_ID_HEADER];
  const id = typeof given === 'string' && ACCEPTABLE_REQUEST_ID.test(given) ? given : randomUUID();
  response.setHeader('X-Request-Id', id);
  return id;
}

/** Query parameters that carry a secret, such as the Website Hooks `key`. */
const SECRET_PARAMETERS = new Set(['key', 'token', 'secret', 'password', 'signature']);

/**
 * The URL as it may be logged: the value of every secret query parameter blanked, whatever case
 * or percent-encoding its name comes in (Express decodes names before the controller sees them).
 */
export function redactUrl(url: string | undefined): string {
  const [path, query] = splitOnce(url ?? '', '?');
  if (query === undefined) return path;
  const parameters = new URLSearchParams(query);
  let redacted = false;
  for (const name of new Set(parameters.keys())) {
    if (!SECRET_PARAMETERS.has(name.toLowerCase())) continue;
    parameters.set(name, '[REDACTED]');
    redacted = true;
  }
  return redacted
    ? `${path}?${parameters.toString().replace(/%5BREDACTED%5D/g, '[REDACTED]')}`
    : `${path}?${query}`;
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

/**
 * One log line per request (method, path, status, time, request id, client), and a request id
 * on every response (`X-Request-Id`) and error body. Probes are not logged: they would drown the rest.
 */
export function requestLogging(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId: requestIdFor,
    autoLogging: { ignore: (request) => request.url?.startsWith('/health') ?? false },
    customLogLevel: (_request, response, error) =>
      error || response.statusCode >= 500 ? 'error' : response.statusCode >= 400 ? 'warn' : 'info',
    serializers: {
      req: (request: { id: string; method: string; url: string }) => ({
        id: request.id,
        method: request.method,
        url: redactUrl(request.url),
      }),
      res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
    },
    customSuccessMessage: (request, response) =>
      `${request.method} ${redactUrl(request.url)} ${response.statusCode}`,
    customErrorMessage: (request, response) =>
      `${request.method} ${redactUrl(request.url)} ${response.statusCode}`,
  });
}

/** The id pino-http gave the request (see `requestIdFor`). */
export function requestIdOf(request: object): string | undefined {
  const id = (request as { id?: unknown }).id;
  return typeof id === 'string' ? id : undefined;
}
