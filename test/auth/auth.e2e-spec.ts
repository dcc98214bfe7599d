import { useSuiteApp } from '../support/suite-app';
import { exampleUrl, registeredRoutes } from '../support/registered-routes';

const ADMIN = 'admin-token-0123456789abcdef-0123456789';
const SECOND_ADMIN = 'second-admin-token-0123456789abcdef';
const READ = 'read-token-0123456789abcdef-0123456789';

/** Endpoints anyone may call: health probes, Web Hooks (signed or keyed), the docs and the page shell. */
const PUBLIC_ROUTES = new Set([
  'GET /health',
  'GET /health/ready',
  'POST /crisp/webhooks',
  'POST /crisp/webhooks/website',
  'GET /',
]);

describe('API tokens and rate limits', () => {
  const { app: suiteApp, http } = useSuiteApp({
    API_TOKEN: ADMIN,
    API_ADMIN_TOKENS: SECOND_ADMIN,
    API_READ_TOKENS: READ,
    API_RATE_LIMIT: '8',
    // The per-address limit without a token has tests of its own (unauthenticated-rate-limit).
    API_UNAUTHENTICATED_RATE_LIMIT: '1000',
    API_RATE_LIMIT_WINDOW_MS: '60000',
    BACKFILL_POLL_INTERVAL_MS: '0',
  });

  it('answers 401 without a valid token on every endpoint that is not public', async () => {
    const guarded = registeredRoutes(suiteApp()).filter(
      ({ method, path }) =>
        !PUBLIC_ROUTES.has(`${method.toUpperCase()} ${path}`) && !path.startsWith('/docs'),
    );
    expect(guarded.length).toBeGreaterThanOrEqual(6);
    for (const { method, path } of guarded) {
      for (const authorization of [undefined, `Bearer ${ADMIN}x`, `Basic ${ADMIN}`, 'Bearer']) {
        const call = http()[method as 'get' | 'post'](exampleUrl(path));
        const response = await (authorization ? call.set('Authorization', authorization) : call);
        expect({ route: `${method} ${path}`, status: response.status }).toEqual({
          route: `${method} ${path}`,
          status: 401,
        });
        expect(response.headers['www-authenticate']).toBe('Bearer');
        expect(response.body).toEqual({
          code: 401,
          message: expect.stringContaining('API token') as string,
          data: null,
          requestId: response.headers['x-request-id'],
        });
        expect(JSON.stringify(response.body)).not.toContain(ADMIN);
      }
    }
  });

  it('lets any token read, and only admin tokens start work that spends Crisp quota', async () => {
    for (const token of [READ, ADMIN, SECOND_ADMIN]) {
      await http()
        .get('/crisp-db/conversations')
        .set('Authorization', `Bearer ${token}`)
        .expect(200);
    }
    const asReader = await http()
      .post('/crisp/backfill/website-1')
      .set('Authorization', `Bearer ${READ}`);
    expect(asReader.status).toBe(403);
    expect(asReader.body).toMatchObject({
      code: 403,
      message: 'This endpoint needs an admin API token',
      data: null,
    });
    const asAdmin = await http()
      .post('/crisp/backfill/website-1')
      .set('Authorization', `bearer  ${SECOND_ADMIN}`);
    expect([200, 201, 202]).toContain(asAdmin.status);
  });

  it('keeps health, the page shell and the docs public, and Web Hooks behind their own signature', async () => {
    await http().get('/health').expect(200);
    await http().get('/health/ready').expect(200);
    // The status page shell and the API docs hold no data; the figures need a token.
    await http().get('/').expect(200);
    await http().get('/docs-json').expect(200);
    await http().get('/status').expect(401);
    await http().get('/status').set('Authorization', `Bearer ${READ}`).expect(200);
    await http().get('/metrics').set('Authorization', `Bearer ${READ}`).expect(200);
    for (const path of ['/crisp/webhooks', '/crisp/webhooks/website']) {
      const hook = await http().post(path).send({});
      expect(hook.status).toBe(401);
      expect((hook.body as { message: string }).message).not.toContain('API token');
    }
  });

  it('limits each client on its own, and answers 429 past the limit', async () => {
    const statuses = async (token: string, count: number) => {
      const results: number[] = [];
      for (let i = 0; i < count; i += 1) {
        const response = await http()
          .get('/crisp-db/messages/session_rate')
          .set('Authorization', `Bearer ${token}`);
        results.push(response.status);
      }
      return results;
    };
    // The read token already spent some of its 8 in the tests above.
    const reader = await statuses(READ, 10);
    expect(reader.filter((status) => status === 429).length).toBeGreaterThan(0);
    const limited = await http()
      .get('/crisp-db/messages/session_rate')
      .set('Authorization', `Bearer ${READ}`);
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ code: 429, data: null });
    // The other admin token is a different client, with its own allowance.
    expect((await statuses(SECOND_ADMIN, 3)).every((status) => status === 200)).toBe(true);
    // Health is never limited.
    for (let i = 0; i < 12; i += 1) await http().get('/health').expect(200);
  });
});
