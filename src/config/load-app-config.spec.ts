import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configProblems, NO_ENV_FILE } from '../../test/support/config-problems';
import { loadAppConfig } from './load-app-config';

const ADMIN_TOKEN = 'admin-token-0123456789abcdef0123456789';
const READ_TOKEN = 'read-token-0123456789abcdef0123456789';

const problemsOf = configProblems;

describe('loadAppConfig', () => {
  it('applies the seed defaults and picks the embedded database when none is configured', () => {
    const config = loadAppConfig({}, NO_ENV_FILE);
    expect(config.port).toBe(4000);
    expect(config.crisp.tier).toBe('plugin');
    expect(config.crisp.restUrl).toBe('https://api.crisp.chat');
    expect(config.crisp.rtmUrl).toBeUndefined();
    expect(config.runMigrations).toBe(true);
    expect(config.database.kind).toBe('embedded');
  });

  it('uses DB_* when DB_HOST is set', () => {
    const config = loadAppConfig(
      {
        DB_HOST: 'db',
        DB_PORT: '6543',
        DB_USERNAME: 'u',
        DB_PASSWORD: 'p',
        DB_NAME: 'crisp',
        DB_SSL: 'true',
        DB_SSL_REJECT_UNAUTHORIZED: 'false',
      },
      NO_ENV_FILE,
    );
    expect(config.database).toEqual({
      kind: 'external',
      host: 'db',
      port: 6543,
      username: 'u',
      password: 'p',
      database: 'crisp',
      url: undefined,
      ssl: { rejectUnauthorized: false },
    });
  });

  it('uses DATABASE_URL as an alternative to DB_*', () => {
    const config = loadAppConfig({ DATABASE_URL: 'postgres://u:p@db:5432/crisp' }, NO_ENV_FILE);
    expect(config.database).toMatchObject({
      kind: 'external',
      url: 'postgres://u:p@db:5432/crisp',
    });
  });

  it('lists every bad variable in one error, by name and never by value', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      DB_PORT: '99999',
      DB_SSL: 'maybe',
      CRISP_TIER: 'root',
      CRISP_REST_URL: 'not a url',
      CRISP_KEY: 'secret-key-value',
      DATABASE_URL: 'mysql://x',
    });
    const named = problems.map((problem) => problem.split(':')[0]);
    expect(named).toEqual(
      expect.arrayContaining([
        'PORT',
        'DB_PORT',
        'DB_SSL',
        'CRISP_TIER',
        'CRISP_REST_URL',
        'DATABASE_URL',
      ]),
    );
    expect(problems.join('\n')).toContain('CRISP_IDENTIFIER and CRISP_KEY');
    expect(problems.join('\n')).not.toContain('secret-key-value');
  });

  it('rejects DATABASE_URL together with DB_HOST, and DB_HOST without DB_NAME', () => {
    const problems = problemsOf({ DATABASE_URL: 'postgres://db/crisp', DB_HOST: 'db' });
    expect(problems.join('\n')).toMatch(/DATABASE_URL and DB_HOST/);
    expect(problems.join('\n')).toMatch(/DB_NAME: required/);
  });

  it('refuses to start in production without an API token, and never echoes a token', () => {
    expect(problemsOf({ NODE_ENV: 'production', DATABASE_URL: 'postgresql://db/crisp' })).toEqual([
      expect.stringMatching(/^API_TOKEN: required when NODE_ENV=production/) as string,
    ]);
    const problems = problemsOf({
      API_TOKEN: 'too-short',
      API_READ_TOKENS: 'ok-token-0123456789abcdef0123456789,x',
    });
    expect(problems.map((problem) => problem.split(':')[0])).toEqual([
      'API_TOKEN',
      'API_READ_TOKENS',
    ]);
    expect(problems.join(' ')).not.toContain('too-short');
  });

  it('takes a strong, URL-safe Website Hooks key and refuses weak ones without echoing them', () => {
    const key = 'k'.repeat(16) + '0123456789-._~ABCD';
    expect(
      loadAppConfig({ CRISP_WEBSITE_HOOK_KEY: key }, NO_ENV_FILE).realtime.websiteHookKeys,
    ).toEqual([key]);
    const next = '0123456789-._~ABCD'.repeat(2);
    expect(
      loadAppConfig({ CRISP_WEBSITE_HOOK_KEY: `${key},${next}` }, NO_ENV_FILE).realtime
        .websiteHookKeys,
    ).toEqual([key, next]);
    for (const weak of [
      'short-key-0123456789',
      'a'.repeat(40),
      `${key}/?&`,
      `${key},`,
      `${key},${'b'.repeat(40)}`,
    ]) {
      const problems = problemsOf({ CRISP_WEBSITE_HOOK_KEY: weak });
      expect(problems).toEqual([expect.stringMatching(/^CRISP_WEBSITE_HOOK_KEY: /)]);
      expect(problems.join()).not.toContain(weak);
    }
  });

  it('collects admin and read tokens, and logs as JSON in production', () => {
    const config = loadAppConfig(
      {
        NODE_ENV: 'production',
        DATABASE_URL: 'postgresql://db/crisp',
        API_TOKEN: ADMIN_TOKEN,
        API_ADMIN_TOKENS: `${ADMIN_TOKEN}-2,${ADMIN_TOKEN}-3`,
        API_READ_TOKENS: READ_TOKEN,
      },
      NO_ENV_FILE,
    );
    expect(config.api.adminTokens).toEqual([ADMIN_TOKEN, `${ADMIN_TOKEN}-2`, `${ADMIN_TOKEN}-3`]);
    expect(config.api.readTokens).toEqual([READ_TOKEN]);
    expect(config.logging).toEqual({ level: 'info', format: 'json' });
    expect(loadAppConfig({}, NO_ENV_FILE).logging.format).toBe('pretty');
  });

  it('falls back to the embedded PostgreSQL in production only when EMBEDDED_DB=true says so', () => {
    const production = { NODE_ENV: 'production', API_TOKEN: ADMIN_TOKEN };
    expect(problemsOf(production)).toEqual([
      expect.stringMatching(
        /^DATABASE_URL or DB_HOST: required when NODE_ENV=production/,
      ) as string,
    ]);
    const embedded = loadAppConfig({ ...production, EMBEDDED_DB: 'true' }, NO_ENV_FILE);
    expect(embedded.database.kind).toBe('embedded');
    expect(problemsOf({ EMBEDDED_DB: 'false' })).toEqual([
      expect.stringMatching(/^DATABASE_URL or DB_HOST: required when EMBEDDED_DB=false/) as string,
    ]);
    expect(problemsOf({ EMBEDDED_DB: 'true', DATABASE_URL: 'postgresql://db/crisp' })).toEqual([
      expect.stringMatching(/^EMBEDDED_DB: true, but DATABASE_URL or DB_HOST is set/) as string,
    ]);
    expect(problemsOf({ EMBEDDED_DB: 'perhaps' })).toEqual([
      expect.stringMatching(/^EMBEDDED_DB:/) as string,
    ]);
    expect(loadAppConfig({ EMBEDDED_DB: '' }, NO_ENV_FILE).database.kind).toBe('embedded');
  });

  it('reads .env when present, and the real environment wins over it', () => {
    const folder = mkdtempSync(join(tmpdir(), 'crisp-env-'));
    const envFile = join(folder, '.env');
    writeFileSync(envFile, 'PORT=5000\nCRISP_TIER=website\n');
    try {
      const config = loadAppConfig({ PORT: '6000' }, envFile);
      expect(config.port).toBe(6000);
      expect(config.crisp.tier).toBe('website');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
