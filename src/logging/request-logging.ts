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
        url: request.url,
      }),
      res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
    },
    customSuccessMessage: (request, response) =>
      `${request.method} ${request.url} ${response.statusCode}`,
    customErrorMessage: (request, response) =>
      `${request.method} ${request.url} ${response.statusCode}`,
  });
}

/** The id pino-http gave the request (see `requestIdFor`). */
export function requestIdOf(request: object): string | undefined {
  const id = (request as { id?: unknown }).id;
  return typeof id === 'string' ? id : undefined;
}
