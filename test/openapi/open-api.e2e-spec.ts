import type { INestApplication } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type {
  OpenAPIObject,
  OperationObject,
  ParameterObject,
  ReferenceObject,
  ResponseObject,
} from '@nestjs/swagger';
import request from 'supertest';
import type { App } from 'supertest/types';
import { ACCESS_LEVEL_KEY, type AccessLevel } from '../../src/auth/access.decorator';
import { ADMIN_TOKEN_SCHEME, READ_TOKEN_SCHEME } from '../../src/openapi/document-guards';
import { routeHandlersByOperationId } from '../../src/openapi/route-handlers';
import { createTestApp } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-databases';
import { registeredRoutes } from '../support/registered-routes';

interface Route {
  method: string;
  /** In OpenAPI form: `/crisp-db/messages/{sessionId}`. */
  path: string;
}

const ERROR_SCHEMA_REF = '#/components/schemas/ApiErrorDto';

/** Every route the app serves, less the documentation itself, with OpenAPI paths. */
function documentedRoutes(app: INestApplication): Route[] {
  return registeredRoutes(app)
    .filter(({ path }) => !/^\/docs\b/.test(path))
    .map(({ method, path }) => ({ method, path: path.replace(/:(\w+)/g, '{$1}') }));
}

const isReference = (value: object): value is ReferenceObject => '$ref' in value;

/** Every `$ref` anywhere in the document. */
function referencesIn(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(referencesIn);
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === '$ref' && typeof value === 'string' ? [value] : referencesIn(value),
  );
}

describe('OpenAPI documentation', () => {
  let database: TestDatabase;
  let app: INestApplication;
  let document: OpenAPIObject;
  let routes: Route[];

  const server = () => request(app.getHttpServer() as App);
  const operationOf = ({ method, path }: Route) => document.paths[path]?.[method as 'get'];
  const documented = () => routes.map((route) => ({ route, operation: operationOf(route) }));

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await createTestApp(database.connection);
    routes = documentedRoutes(app);
    const response = await server().get('/docs-json');
    expect(response.status).toBe(200);
    document = response.body as OpenAPIObject;
  });

  afterAll(async () => {
    await app.close();
    await database.drop();
  });

  it('serves the UI at /docs, with its script and assets', async () => {
    const page = await server().get('/docs');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('swagger-ui');
    const init = await server().get('/docs/swagger-ui-init.js');
    expect(init.status).toBe(200);
    expect(init.text).toContain('/crisp-db/conversations');
    const bundle = await server().get('/docs/swagger-ui-bundle.js');
    expect(bundle.status).toBe(200);
  });

  it('serves an OpenAPI 3 document whose references all resolve', () => {
    expect(document.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(document.info.title).toBeTruthy();
    expect(document.info.version).toBeTruthy();
    const schemas = document.components?.schemas ?? {};
    const unresolved = referencesIn(document).filter(
      (ref) => !(ref.startsWith('#/components/schemas/') && ref.split('/')[3] in schemas),
    );
    expect(unresolved).toEqual([]);
    expect(schemas.ApiErrorDto).toMatchObject({
      required: expect.arrayContaining(['code', 'message', 'data']) as string[],
    });
  });

  it('declares the read and admin bearer tokens', () => {
    const schemes = document.components?.securitySchemes ?? {};
    for (const name of [READ_TOKEN_SCHEME, ADMIN_TOKEN_SCHEME]) {
      expect(schemes[name]).toMatchObject({ type: 'http', scheme: 'bearer' });
      expect((schemes[name] as { description?: string }).description).toBeTruthy();
    }
  });

  it('finds the routes to check (the read API at least)', () => {
    expect(routes).toEqual(
      expect.arrayContaining([
        { method: 'get', path: '/crisp-db/conversations' },
        { method: 'post', path: '/crisp/webhooks' },
      ]),
    );
  });

  it('documents every registered route with a summary, a description and a success response', () => {
    const problems = documented().flatMap(({ route, operation }) => {
      const name = `${route.method.toUpperCase()} ${route.path}`;
      if (!operation) return [`${name}: not in the document`];
      const statuses = Object.keys(operation.responses);
      return [
        ...(operation.summary ? [] : [`${name}: no summary`]),
        ...(operation.description ? [] : [`${name}: no description`]),
        ...(statuses.some((status) => /^[23]\d\d$/.test(status))
          ? []
          : [`${name}: no success response`]),
      ];
    });
    expect(problems).toEqual([]);
  });

  it('documents every path parameter of every route', () => {
    const problems = documented().flatMap(({ route, operation }) => {
      const expected = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
      const inPath = (operation?.parameters ?? [])
        .filter((p): p is ParameterObject => !isReference(p) && p.in === 'path')
        .map((p) => p.name);
      return expected
        .filter((name) => !inPath.includes(name))
        .map((name) => `${route.method} ${route.path}: ${name}`);
    });
    expect(problems).toEqual([]);
  });

  it('describes every error: each 4xx in the error shape, and a 400 wherever input is validated', () => {
    const problems = documented().flatMap(({ route, operation }) => {
      const name = `${route.method.toUpperCase()} ${route.path}`;
      const errors = Object.entries(operation?.responses ?? {})
        .filter(([status]) => /^[45]\d\d$/.test(status))
        .map(([status, response]) => ({ status, response: response as ResponseObject }));
      const undescribed = errors
        .filter(({ status, response }) => {
          const schema = response.content?.['application/json']?.schema as ReferenceObject;
          const shaped = status.startsWith('5') || schema?.$ref === ERROR_SCHEMA_REF;
          return !response.description || !shaped;
        })
        .map(({ status }) => `${name}: ${status} not described (4xx: in the error shape)`);
      const takesInput = (operation?.parameters ?? []).length > 0 || !!operation?.requestBody;
      const has400 = errors.some(({ status }) => status === '400');
      return [...undescribed, ...(takesInput && !has400 ? [`${name}: no 400`] : [])];
    });
    expect(problems).toEqual([]);
  });

  it('documents who may call each route, as the guard reads it', () => {
    const handlers = routeHandlersByOperationId(app);
    const reflector = new Reflector();
    const problems = documented().flatMap(({ route, operation }) => {
      const name = `${route.method.toUpperCase()} ${route.path}`;
      if (!operation) return [`${name}: not in the document`];
      const target = handlers.get(operation.operationId ?? '');
      if (!target) return [`${name}: no controller method for ${operation.operationId}`];
      const access =
        reflector.getAllAndOverride<AccessLevel | undefined>(ACCESS_LEVEL_KEY, [
          target.handler,
          target.controller,
        ]) ?? 'read';
      const schemes = (operation.security ?? []).flatMap((requirement) => Object.keys(requirement));
      const statuses = Object.keys(operation.responses);
      const expected: Record<AccessLevel, { schemes: string[]; has401: boolean; has403: boolean }> =
        {
          public: { schemes: [], has401: statuses.includes('401'), has403: false },
          read: { schemes: [READ_TOKEN_SCHEME, ADMIN_TOKEN_SCHEME], has401: true, has403: false },
          admin: { schemes: [ADMIN_TOKEN_SCHEME], has401: true, has403: true },
        };
      const actual = {
        schemes,
        has401: statuses.includes('401'),
        has403: statuses.includes('403'),
      };
      return JSON.stringify(actual) === JSON.stringify(expected[access])
        ? []
        : [`${name} (${access}): ${JSON.stringify(actual)}`];
    });
    expect(problems).toEqual([]);
  });

  it('documents the Web Hook signature headers, its 401 and its 413', () => {
    const hook = operationOf({ method: 'post', path: '/crisp/webhooks' }) as OperationObject;
    const headers = (hook.parameters ?? [])
      .filter((p): p is ParameterObject => !isReference(p) && p.in === 'header')
      .map((p) => ({ name: p.name.toLowerCase(), required: p.required }));
    expect(headers).toEqual(
      expect.arrayContaining([
        { name: 'x-crisp-signature', required: true },
        { name: 'x-crisp-request-timestamp', required: true },
      ]),
    );
    expect(Object.keys(hook.responses)).toEqual(expect.arrayContaining(['200', '401', '413']));
    expect(hook.requestBody).toBeDefined();
  });

  it('documents the read API query parameters with their rules', () => {
    const list = operationOf({ method: 'get', path: '/crisp-db/conversations' }) as OperationObject;
    const query = Object.fromEntries(
      (list.parameters ?? [])
        .filter((p): p is ParameterObject => !isReference(p) && p.in === 'query')
        .map((p) => [p.name, p]),
    );
    expect(Object.keys(query).sort()).toEqual(['cursor', 'limit', 'page', 'websiteId']);
    expect(query.limit).toMatchObject({
      required: false,
      schema: { type: 'integer', minimum: 1, maximum: 100, default: 10 },
    });
  });

  it('leaves validation as it was: documented DTOs still refuse unknown parameters', async () => {
    const unknown = await server().get('/crisp-db/conversations?bogus=1');
    expect(unknown.status).toBe(400);
    const known = await server().get('/crisp-db/conversations?limit=5');
    expect(known.status).toBe(200);
  });
});
