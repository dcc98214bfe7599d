import { Logger, type INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { App } from 'supertest/types';
import { NestPinoLogger } from '../../src/logging/nest-pino-logger';
import { createRootLogger } from '../../src/logging/root-logger';
import { captureLines } from '../support/log-capture';
import { createTestApp, testConfig } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-databases';

const TOKEN = 'logging-admin-token-0123456789abcdef';

describe('structured logs and request ids', () => {
  let database: TestDatabase;
  let app: INestApplication;
  const output = captureLines();
  const http = () => request(app.getHttpServer() as App);

  beforeAll(async () => {
    database = await createTestDatabase();
    const config = testConfig({ API_TOKEN: TOKEN, LOG_FORMAT: 'json' });
    const logger = createRootLogger(config.logging, output.stream);
    app = await createTestApp(database.connection, config, logger);
  });

  afterAll(async () => {
    await app.close();
    await database.drop();
  });

  it('gives every response a request id, keeps a sane one from the caller, and puts it in errors', async () => {
    const ok = await http().get('/crisp-db/conversations').set('Authorization', `Bearer ${TOKEN}`);
    expect(ok.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await http().get('/health').set('X-Request-Id', 'trace-42');
    expect(kept.headers['x-request-id']).toBe('trace-42');
    const replaced = await http().get('/health').set('X-Request-Id', 'bad id\twith spaces');
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const failed = await http().get('/crisp-db/conversations?limit=0');
    expect(failed.status).toBe(401);
    expect((failed.body as { requestId: string }).requestId).toBe(failed.headers['x-request-id']);
    const invalid = await http()
      .get('/crisp-db/conversations?limit=0')
      .set('Authorization', `Bearer ${TOKEN}`);
    expect(invalid.status).toBe(400);
    expect((invalid.body as { requestId: string }).requestId).toBe(invalid.headers['x-request-id']);
  });

  it('writes one JSON line per request with its id, and never the token', async () => {
    const response = await http()
      .get('/crisp-db/messages/session_logged')
      .set('Authorization', `Bearer ${TOKEN}`);
    const id = response.headers['x-request-id'];
    const line = output.lines.find(
      (entry) => (entry.req as { id?: string } | undefined)?.id === id,
    );
    expect(line).toMatchObject({
      level: 30,
      service: 'crisp-basedash',
      msg: 'GET /crisp-db/messages/session_logged 200',
      req: { id, method: 'GET', url: '/crisp-db/messages/session_logged' },
      res: { statusCode: 200 },
    });
    expect(output.raw.join('\n')).not.toContain(TOKEN);
    // Health probes would drown everything else.
    expect(output.lines.some((entry) => String(entry.msg).includes('/health'))).toBe(false);
  });

  it('sends the service’s own log lines, with their context, through the same logger', () => {
    const nest = new NestPinoLogger(
      createRootLogger({ level: 'info', format: 'json' }, output.stream),
    );
    Logger.overrideLogger(nest);
    try {
      new Logger('CrispRtmService').log('Crisp RTM connected successfully');
      new Logger('Reconciler').error('catch-up failed', 'Error: boom\n    at x', 'Reconciler');
    } finally {
      Logger.overrideLogger(false);
    }
    expect(output.lines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          level: 30,
          context: 'CrispRtmService',
          msg: 'Crisp RTM connected successfully',
        }),
        expect.objectContaining({ level: 50, context: 'Reconciler', msg: 'catch-up failed' }),
      ]),
    );
  });
});
