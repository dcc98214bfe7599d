import { redactUrl } from './request-logging';

describe('redactUrl', () => {
  it('blanks secret query parameters, whatever their case or encoding', () => {
    expect(redactUrl('/crisp/webhooks/website?key=s3cret')).toBe(
      '/crisp/webhooks/website?key=[REDACTED]',
    );
    expect(redactUrl('/x?a=1&KEY=s3cret&b=2&key=again')).toBe(
      '/x?a=1&KEY=[REDACTED]&b=2&key=[REDACTED]',
    );
    expect(redactUrl('/x?k%65y=s3cret')).toBe('/x?key=[REDACTED]');
    expect(redactUrl('/x?token=t&password=p&signature=s&secret=x')).not.toMatch(/=[tpsx](&|$)/);
  });

  it('leaves every other URL exactly as it came', () => {
    for (const url of [
      '/crisp-db/conversations',
      '/a?cursor=eyJ%3D&limit=5',
      '/a?',
      '/a?monkey=1',
    ]) {
      expect(redactUrl(url)).toBe(url);
    }
    expect(redactUrl(undefined)).toBe('');
  });
});
