import type { INestApplication } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { getOptionsToken } from '@nestjs/throttler';
import { ApiErrorDto } from '../common/dto/api-error.dto';
import { errorResponse } from './api-error-responses';
import { docsSecurityHeaders } from './docs-security-headers';
import {
  ADMIN_TOKEN_SCHEME,
  documentGuards,
  operationsOf,
  READ_TOKEN_SCHEME,
} from './document-guards';
import { routeHandlersByOperationId } from './route-handlers';

/** The UI is served at `/docs`, the document at `/docs-json` (and `/docs-yaml`). */
export const DOCS_PATH = 'docs';

const DESCRIPTION = `Mirrors Crisp conversations and messages into PostgreSQL and serves them.

**Envelope.** Every answer is \`{code, message, data}\` (lists add \`pagination\`), \`code\` repeating
the HTTP status. Every error is \`{code, message, data: null}\`; a 400's \`message\` names the
parameter to fix. Unknown parameters are refused with a 400.

**Paging.** \`page\` and \`limit\` as in the seed, or \`cursor\`: pass the previous page's
\`pagination.nextCursor\` for keyset paging, where every page costs the same.

**Tokens.** When API tokens are configured, every endpoint not marked public needs
\`Authorization: Bearer <token>\`. A read token opens the read endpoints; an admin token opens
everything, including what spends Crisp quota or starts work. With no token configured
(development) everything is open, and the service listens on 127.0.0.1 only unless \`HOST\` says
otherwise.

**Rate limits.** Past \`API_RATE_LIMIT\` requests per window a token gets 429; requests without a
valid token (401s and public pages included) share \`API_UNAUTHENTICATED_RATE_LIMIT\` per
address. Health probes and Web Hooks are not limited.`;

const TOKEN_DESCRIPTIONS = {
  [READ_TOKEN_SCHEME]: 'A read token: the endpoints that only read the mirror.',
  [ADMIN_TOKEN_SCHEME]:
    'An admin token: every endpoint, including those that spend Crisp quota or start work.',
};

/** Serves the OpenAPI UI and document; built on the first request, not at every start. */
export function setUpOpenApi(app: INestApplication): void {
  // Registered first, so the page and every asset under /docs leave with the policy.
  app.use(`/${DOCS_PATH}`, docsSecurityHeaders);
  SwaggerModule.setup(DOCS_PATH, app, () => buildOpenApiDocument(app), {
    customSiteTitle: 'Crisp-Basedash Tool API',
    swaggerOptions: {
      // The UI would send the document to an online validator: nothing leaves for a third party.
      validatorUrl: null,
      // A token typed into Authorize stays in the tab's memory, never in localStorage, where any
      // script of this origin could read it and where it would outlive the session.
      persistAuthorization: false,
    },
  });
}

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('Crisp-Basedash Tool API')
    .setDescription(DESCRIPTION)
    .setVersion('1.0.0');
  for (const [scheme, description] of Object.entries(TOKEN_DESCRIPTIONS)) {
    builder.addBearerAuth(
      { type: 'http', scheme: 'bearer', bearerFormat: 'API token', description },
      scheme,
    );
  }
  const document = SwaggerModule.createDocument(app, builder.build(), {
    extraModels: [ApiErrorDto],
  });
  documentGuards(document, routeHandlersByOperationId(app), { rateLimited: hasRateLimits(app) });
  for (const operation of operationsOf(document)) {
    operation.responses['500'] ??= errorResponse(
      'The service\'s own failure (logged); the message says no more than "Internal server error"',
    );
  }
  return document;
}

/**
 * Whether the ThrottlerModule is part of the app (its options are provided only then). Not probed
 * with `app.get`: outside tests a miss there aborts the process.
 */
function hasRateLimits(app: INestApplication): boolean {
  const token = getOptionsToken();
  return [...app.get(ModulesContainer).values()].some((module) => module.providers.has(token));
}
