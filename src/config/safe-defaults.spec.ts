import { configProblems, NO_ENV_FILE } from '../../test/support/config-problems';
import { loadAppConfig } from './load-app-config';

/** Issue 12 item 8: weak secrets refused at start, an open API kept on this machine. */
const STRONG = 'f3b1c9e07a5d4b28a6e9c1d0b7f4a2e8';

const problemsOf = configProblems;

describe('weak secrets', () => {
  it('refuses an API token shorter than 32 characters, in every token variable, naming only the variable', () => {
    const short = 'admin-token-0123456789abcdef'; // 28 characters: taken before
    for (const name of ['API_TOKEN', 'API_ADMIN_TOKENS', 'API_READ_TOKENS']) {
      const problems = problemsOf({ [name]: short });
      expect(problems).toEqual([expect.stringMatching(new RegExp(`^${name}: .*32 to 256`))]);
      expect(problems.join()).not.toContain(short);
    }
    expect(problemsOf({ API_READ_TOKENS: `${STRONG},${short}` })).toEqual([
      expect.stringMatching(/^API_READ_TOKENS: /),
    ]);
    expect(problemsOf({ API_TOKEN: STRONG, API_READ_TOKENS: `${STRONG}-read` })).toEqual([]);
  });

  it('refuses tokens and hook secrets that are one character repeated, however long', () => {
    const repeated = 'a'.repeat(48);
    const problems = problemsOf({
      API_TOKEN: repeated,
      API_ADMIN_TOKENS: `${STRONG},${'7'.repeat(40)}`,
      API_READ_TOKENS: 'x'.repeat(32),
      CRISP_WEBHOOK_SECRET: 's'.repeat(40),
      CRISP_WEBSITE_HOOK_KEY: 'k'.repeat(40),
    });
    expect(problems).toEqual([
      expect.stringMatching(/^API_TOKEN: must not be one character repeated/),
      expect.stringMatching(/^API_ADMIN_TOKENS: token 2 is one character repeated/),
      expect.stringMatching(/^API_READ_TOKENS: token 1 is one character repeated/),
      expect.stringMatching(/^CRISP_WEBHOOK_SECRET: must not be one character repeated/),
      expect.stringMatching(/^CRISP_WEBSITE_HOOK_KEY: must not be one character repeated/),
    ]);
    for (const value of [repeated, 's'.repeat(40), 'k'.repeat(40)]) {
      expect(problems.join()).not.toContain(value.slice(0, 20));
    }
  });

  it('takes a Plugin Hooks secret shorter than 32 characters, as Crisp generates it and does not document its length', () => {
    const config = loadAppConfig({ CRISP_WEBHOOK_SECRET: '38b411d9377a6a00' }, NO_ENV_FILE);
    expect(config.realtime.webhookSecret).toBe('38b411d9377a6a00');
    expect(problemsOf({ CRISP_WEBHOOK_SECRET: 'short' })).toEqual([
      expect.stringMatching(/^CRISP_WEBHOOK_SECRET: /),
    ]);
  });
});

describe('where the service listens', () => {
  it('listens on 127.0.0.1 only when no API token is set, on every interface when one is', () => {
    expect(loadAppConfig({}, NO_ENV_FILE).listen).toEqual({
      host: '127.0.0.1',
      chosenBy: 'no-api-token',
    });
    for (const name of ['API_TOKEN', 'API_ADMIN_TOKENS', 'API_READ_TOKENS']) {
      expect(loadAppConfig({ [name]: STRONG }, NO_ENV_FILE).listen).toEqual({
        chosenBy: 'default',
      });
    }
    const production = {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgresql://db/crisp',
      API_TOKEN: STRONG,
    };
    expect(loadAppConfig(production, NO_ENV_FILE).listen.host).toBeUndefined();
  });

  it('listens where HOST says, token or not, and refuses a HOST that is no address', () => {
    expect(loadAppConfig({ HOST: '0.0.0.0' }, NO_ENV_FILE).listen).toEqual({
      host: '0.0.0.0',
      chosenBy: 'HOST',
    });
    expect(loadAppConfig({ HOST: '::1', API_TOKEN: STRONG }, NO_ENV_FILE).listen.host).toBe('::1');
    expect(loadAppConfig({ HOST: '' }, NO_ENV_FILE).listen.host).toBe('127.0.0.1');
    expect(problemsOf({ HOST: 'http://example.com/' })).toEqual([expect.stringMatching(/^HOST: /)]);
  });

  it('limits requests without a token per address as API_RATE_LIMIT unless told otherwise', () => {
    expect(loadAppConfig({ API_RATE_LIMIT: '50' }, NO_ENV_FILE).api.rateLimit).toEqual({
      limit: 50,
      unauthenticatedLimit: 50,
      windowMs: 60_000,
    });
    const apart = loadAppConfig(
      { API_RATE_LIMIT: '50', API_UNAUTHENTICATED_RATE_LIMIT: '7' },
      NO_ENV_FILE,
    );
    expect(apart.api.rateLimit.unauthenticatedLimit).toBe(7);
    expect(problemsOf({ API_UNAUTHENTICATED_RATE_LIMIT: '-1' })).toEqual([
      expect.stringMatching(/^API_UNAUTHENTICATED_RATE_LIMIT: /),
    ]);
  });
});
