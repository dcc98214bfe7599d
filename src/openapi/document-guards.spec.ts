import { Controller, Get } from '@nestjs/common';
import type { OpenAPIObject, OperationObject } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { AdminOnly, Public } from '../auth/access.decorator';
import { ADMIN_TOKEN_SCHEME, documentGuards, READ_TOKEN_SCHEME } from './document-guards';
import { handlersOf } from './route-handlers';

@Controller('things')
class ThingsController {
  @Get()
  list() {}

  @AdminOnly()
  @Get('sync')
  sync() {}

  @Public()
  @SkipThrottle()
  @Get('ping')
  ping() {}
}

@Public()
@Controller('open')
class OpenController {
  @Get()
  look() {}

  @AdminOnly()
  @Get('locked')
  locked() {}
}

const handlers = handlersOf([ThingsController, OpenController]);

function documentOf(operationIds: string[]): OpenAPIObject {
  return {
    openapi: '3.1.0',
    info: { title: 't', version: '1' },
    paths: Object.fromEntries(
      operationIds.map((operationId) => [
        `/${operationId}`,
        {
          get: { operationId, description: 'Does it.', responses: { 200: { description: 'ok' } } },
        },
      ]),
    ),
  };
}

const operation = (document: OpenAPIObject, operationId: string) =>
  document.paths[`/${operationId}`].get as OperationObject;

describe('documentGuards', () => {
  const ids = [...handlers.keys()];
  const document = documentOf(ids);
  documentGuards(document, handlers, { rateLimited: true });

  it('takes either token, and documents a 401, where no decorator says otherwise', () => {
    const list = operation(document, 'ThingsController_list');
    expect(list.security).toEqual([{ [READ_TOKEN_SCHEME]: [] }, { [ADMIN_TOKEN_SCHEME]: [] }]);
    expect(Object.keys(list.responses).sort()).toEqual(['200', '401', '429']);
    expect(list.description).toBe('Does it.\n\nAccess: any API token (read or admin).');
  });

  it('takes only an admin token on @AdminOnly(), with a 401 and a 403', () => {
    for (const id of ['ThingsController_sync', 'OpenController_locked']) {
      const admin = operation(document, id);
      expect(admin.security).toEqual([{ [ADMIN_TOKEN_SCHEME]: [] }]);
      expect(Object.keys(admin.responses).sort()).toEqual(['200', '401', '403', '429']);
    }
  });

  it('takes no token on @Public(), on the method or the class, and no 429 under @SkipThrottle()', () => {
    const ping = operation(document, 'ThingsController_ping');
    expect(ping.security).toEqual([]);
    expect(Object.keys(ping.responses)).toEqual(['200']);
    const look = operation(document, 'OpenController_look');
    expect(look.security).toEqual([]);
    expect(Object.keys(look.responses).sort()).toEqual(['200', '429']);
  });

  it('documents no 429 when the app limits no rate', () => {
    const unlimited = documentOf(['ThingsController_list']);
    documentGuards(unlimited, handlers, { rateLimited: false });
    expect(Object.keys(operation(unlimited, 'ThingsController_list').responses).sort()).toEqual([
      '200',
      '401',
    ]);
  });

  it('keeps an error response the operation documents itself', () => {
    const own = documentOf(['ThingsController_list']);
    operation(own, 'ThingsController_list').responses['401'] = { description: 'Its own' };
    documentGuards(own, handlers, { rateLimited: true });
    expect(operation(own, 'ThingsController_list').responses['401']).toEqual({
      description: 'Its own',
    });
  });

  it('refuses an operation it cannot trace to a controller method', () => {
    expect(() =>
      documentGuards(documentOf(['Nowhere_nothing']), handlers, { rateLimited: true }),
    ).toThrow('Nowhere_nothing');
  });
});
