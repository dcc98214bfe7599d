import { dataRefusalState } from './database-refusal';

const withCode = (code: string) => Object.assign(new Error('failed'), { code });

describe('dataRefusalState: refused for its data (split and set aside) or worth a retry', () => {
  it.each([
    ['22P05', 'unsupported Unicode escape (\\u0000 in jsonb)'],
    ['22021', 'invalid byte sequence (a NUL byte in text)'],
    ['23505', 'unique violation'],
    ['23514', 'check violation'],
    ['54000', 'program limit exceeded'],
    ['42804', 'datatype mismatch'],
  ])('%s (%s) is a refusal for data', (code) => {
    expect(dataRefusalState(withCode(code))).toBe(code);
  });

  it.each([
    ['ECONNREFUSED', 'connection refused'],
    ['ECONNRESET', 'connection reset'],
    ['EPIPE', 'broken pipe (five capitals, not a SQLSTATE class it knows)'],
    ['57P01', 'admin shutdown'],
    ['53300', 'too many connections'],
    ['40001', 'serialization failure'],
    ['08006', 'connection failure'],
  ])('%s (%s) is retried', (code) => {
    expect(dataRefusalState(withCode(code))).toBeNull();
  });

  it('retries what carries no code (a connection terminated), splits what our own code threw', () => {
    expect(dataRefusalState(new Error('Connection terminated unexpectedly'))).toBeNull();
    expect(dataRefusalState('timeout')).toBeNull();
    expect(dataRefusalState(new TypeError('x is not a function'))).toBe('TypeError');
    expect(dataRefusalState(new RangeError('Invalid time value'))).toBe('RangeError');
  });
});
