/**
 * Issue 12 item 8: requests without a valid token (401s, public pages, the docs, everything when
 * no token is configured) are limited per address too; health probes and Web Hooks are not.
 */
import type { OpenAPIObject } from '@nestjs/swagger';
import { isExemptFromRateLimits } from '../../src/auth/unauthenticated-rate-limit';
import { operationsOf } from '../../src/openapi/document-guards';
import { signHook } from '../../tools/crisp-simulator';
import { useSuiteApp } from '../support/suite-app';

jest.setTimeout(60_000);

const TOKEN = 'rate-limit-admin-token-0123456789abcdef';
const SECRET = 'rate-limit-webhook-secret-0123456789';
const ALLOWANCE = 5;

describe('the per-address limit on requests without a valid token', () => {
  const { http } = useSuiteApp({
    API_TOKEN: TOKEN,
    API_RATE_LIMIT: '1000',
    API_UNAUTHENTICATED_RATE_LIMIT: String(ALLOWANCE),
    API_RATE_LIMIT_WINDOW_MS: '60000',
    CRISP_WEBHOOK_SECRET: SECRET,
    BACKFILL_POLL_INTERVAL_MS: '0',
  });

  it('answers 429 once an address has spent its allowance on wrong tokens', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < ALLOWANCE + 3; i += 1) {
      const response = await http()
        .get('/crisp-db/conversations')
        .set('Authorization', `Bearer ${TOKEN.slice(0, -1)}${i}`);
      statuses.push(response.status);
    }
    expect(statuses).toEqual([...Array<number>(ALLOWANCE).fill(401), 429, 429, 429]);
    const limited = await http().get('/crisp-db/conversations');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.body).toEqual({
      code: 429,
      message: expect.stringContaining('without a valid API token') as string,
      data: null,
      requestId: limited.headers['x-request-id'],
    });
  });

  it('limits the public pages and the docs on the same allowance, before any body is parsed', async () => {
    for (const path of ['/', '/docs', '/docs-json', '/docs/swagger-ui-init.js', '/no-such-route']) {
      expect({ path, status: (await http().get(path)).status }).toEqual({ path, status: 429 });
    }
    const unparsed = await http()
      .post('/crisp/backfill/website-1')
      .set('Content-Type', 'application/json')
      .send('{ not json');
    expect(unparsed.status).toBe(429);
  });

  it('still serves a valid token, health probes and signed Web Hooks from that address', async () => {
    await http().get('/crisp-db/conversations').set('Authorization', `Bearer ${TOKEN}`).expect(200);
    await http().get('/docs-json').set('Authorization', `Bearer ${TOKEN}`).expect(200);
    for (let i = 0; i < 3 * ALLOWANCE; i += 1) {
      await http().get('/health').expect(200);
      await http().get('/health/ready').expect(200);
    }
    // A burst from Crisp's few addresses: none may be refused for its rate.
    const body = JSON.stringify({ website_id: 'w', event: 'website:users:available', data: {} });
    const hooks = await Promise.all(
      Array.from({ length: 4 * ALLOWANCE }, () => {
        const timestamp = String(Date.now());
        return http()
          .post('/crisp/webhooks')
          .set('Content-Type', 'application/json')
          .set('X-Crisp-Request-Timestamp', timestamp)
          .set('X-Crisp-Signature', signHook(SECRET, timestamp, body))
          .send(body);
      }),
    );
    expect(hooks.map((hook) => hook.status)).toEqual(Array<number>(4 * ALLOWANCE).fill(200));
  });

  it('documents a 429 on exactly the routes it limits', async () => {
    const document = (await http().get('/docs-json').set('Authorization', `Bearer ${TOKEN}`))
      .body as OpenAPIObject;
    const documented = Object.entries(document.paths).flatMap(([path, item]) =>
      operationsOf({ ...document, paths: { [path]: item } }).map((operation) => ({
        path,
        limited: '429' in operation.responses,
      })),
    );
    expect(documented.length).toBeGreaterThan(8);
    for (const { path, limited } of documented) {
      expect({ path, limited }).toEqual({ path, limited: !isExemptFromRateLimits(path) });
    }
  });
});

describe('the per-address limit when no API token is configured (the API is open)', () => {
  const { http } = useSuiteApp({ API_RATE_LIMIT: '1000', API_UNAUTHENTICATED_RATE_LIMIT: '3' });

  it('counts every request of an address, the docs included', async () => {
    const statuses: number[] = [];
    for (const path of [
      '/crisp-db/conversations',
      '/docs-json',
      '/status',
      '/crisp-db/conversations',
    ]) {
      statuses.push((await http().get(path)).status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    await http().get('/health').expect(200);
  });
});
