import { Reflector } from '@nestjs/core';
import type { OpenAPIObject, OperationObject } from '@nestjs/swagger';
import { ACCESS_LEVEL_KEY, type AccessLevel } from '../auth/access.decorator';
import { errorResponse } from './api-error-responses';
import type { RouteHandler } from './route-handlers';

/** The security schemes declared in the document; either kind of token is a bearer token. */
export const READ_TOKEN_SCHEME = 'read-token';
export const ADMIN_TOKEN_SCHEME = 'admin-token';

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/**
 * Completes every operation with what the global guards do to it, read from the same metadata the
 * guards read (`@Public()`, `@AdminOnly()`, `@SkipThrottle()`), so the document cannot drift from
 * them: the tokens it takes, its 401 and its 403, and its 429 when the app limits request rates.
 */
export function documentGuards(
  document: OpenAPIObject,
  handlers: Map<string, RouteHandler>,
  { rateLimited }: { rateLimited: boolean },
) {
  const reflector = new Reflector();
  for (const operation of operationsOf(document)) {
    const route = handlers.get(operation.operationId ?? '');
    if (!route) throw new Error(`OpenAPI: no controller method for ${operation.operationId}`);
    const targets = [route.handler, route.controller];
    const access =
      reflector.getAllAndOverride<AccessLevel | undefined>(ACCESS_LEVEL_KEY, targets) ?? 'read';
    documentAccess(operation, access);
    if (rateLimited && !skipsThrottling(targets)) {
      operation.responses['429'] ??= errorResponse(
        'Too many requests from this client; retry after the seconds in `Retry-After`',
      );
    }
  }
}

export function operationsOf(document: OpenAPIObject): OperationObject[] {
  return Object.values(document.paths).flatMap((item) =>
    HTTP_METHODS.flatMap((method) => (item[method] ? [item[method]] : [])),
  );
}

const ACCESS_NOTES: Record<AccessLevel, string> = {
  public: 'Access: public, no token needed.',
  read: 'Access: any API token (read or admin).',
  admin: 'Access: an admin token only.',
};

function documentAccess(operation: OperationObject, access: AccessLevel) {
  operation.description = [operation.description, ACCESS_NOTES[access]]
    .filter(Boolean)
    .join('\n\n');
  if (access === 'public') {
    operation.security = [];
    return;
  }
  operation.security =
    access === 'admin'
      ? [{ [ADMIN_TOKEN_SCHEME]: [] }]
      : [{ [READ_TOKEN_SCHEME]: [] }, { [ADMIN_TOKEN_SCHEME]: [] }];
  operation.responses['401'] ??= errorResponse(
    'No `Authorization: Bearer <token>` header, or not a configured API token (only when API tokens are configured)',
  );
  if (access === 'admin') {
    operation.responses['403'] ??= errorResponse(
      'A read token: this endpoint needs an admin token',
    );
  }
}

/** `@SkipThrottle()` stores `THROTTLER:SKIP<throttler name>` on the handler or its class. */
const THROTTLER_SKIP = 'THROTTLER:SKIP';

function skipsThrottling(targets: object[]): boolean {
  return targets.some((target) =>
    Reflect.getMetadataKeys(target).some(
      (key) =>
        typeof key === 'string' &&
        key.startsWith(THROTTLER_SKIP) &&
        Reflect.getMetadata(key, target) === true,
    ),
  );
}
