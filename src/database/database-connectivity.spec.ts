import { QueryFailedError } from 'typeorm';
import { isTransientDatabaseError } from './database-connectivity';

const withCode = (code: string, message = 'failed') => Object.assign(new Error(message), { code });

describe('isTransientDatabaseError: the database was out of reach, or the statement is at fault', () => {
  it.each([
    ['57P01', 'admin shutdown (pg_terminate_backend, a fast shutdown)'],
    ['57P02', 'crash shutdown'],
    ['57P03', 'cannot connect now (the server is starting)'],
    ['57P05', 'idle session timeout'],
    ['08006', 'connection failure'],
    ['08001', 'unable to establish a connection'],
    ['53300', 'too many connections'],
    ['40001', 'serialization failure'],
    ['40P01', 'deadlock detected'],
    ['ECONNREFUSED', 'connection refused (the server is down or restarting)'],
    ['ECONNRESET', 'connection reset'],
    ['EPIPE', 'broken pipe'],
    ['ETIMEDOUT', 'timed out'],
    ['EAI_AGAIN', 'a DNS hiccup'],
  ])('%s (%s) is transient', (code) => {
    expect(isTransientDatabaseError(withCode(code))).toBe(true);
  });

  it.each([
    ['22P05', 'unsupported Unicode escape'],
    ['23505', 'unique violation'],
    ['42P01', 'undefined table'],
    ['42601', 'syntax error'],
    ['57014', 'query cancelled (a statement timeout: the statement is at fault)'],
    ['57P04', 'database dropped'],
    ['28P01', 'password authentication failed'],
    ['ENOTFOUND', 'no such host (a configuration error)'],
  ])('%s (%s) is not', (code) => {
    expect(isTransientDatabaseError(withCode(code))).toBe(false);
  });

  it.each([
    'Connection terminated unexpectedly',
    'Connection terminated',
    'Connection terminated due to connection timeout',
    'timeout exceeded when trying to connect',
    'Client has encountered a connection error and is not queryable',
  ])('"%s", which node-postgres throws with no code, is transient', (message) => {
    expect(isTransientDatabaseError(new Error(message))).toBe(true);
  });

  it('reads through TypeORM, causes and several addresses refused at once', () => {
    const terminated = Object.assign(
      new Error('terminating connection due to administrator command'),
      {
        code: '57P01',
      },
    );
    expect(isTransientDatabaseError(new QueryFailedError('SELECT 1', [], terminated))).toBe(true);
    const refused = new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')]);
    expect(isTransientDatabaseError(refused)).toBe(true);
    expect(isTransientDatabaseError(new Error('wrapped', { cause: refused }))).toBe(true);
    const unique = withCode('23505', 'duplicate key value: Connection terminated in the data');
    expect(isTransientDatabaseError(new QueryFailedError('INSERT', [], unique))).toBe(false);
  });

  it('says no to what is not an error of the database', () => {
    expect(isTransientDatabaseError(new Error('Crisp GET … failed: 500'))).toBe(false);
    expect(isTransientDatabaseError(new TypeError('x is not a function'))).toBe(false);
    expect(isTransientDatabaseError('Connection terminated')).toBe(false);
    expect(isTransientDatabaseError(null)).toBe(false);
  });
});
