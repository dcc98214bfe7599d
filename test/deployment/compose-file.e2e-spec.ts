import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { load } from 'js-yaml';
import { loadAppConfig } from '../../src/config/load-app-config';

const ROOT = resolve(__dirname, '../..');

interface ComposeService {
  image?: string;
  build?: string;
  environment?: Record<string, string | number>;
  depends_on?: Record<string, { condition: string }>;
  ports?: string[];
  healthcheck?: { test: string[] };
}

const compose = load(readFileSync(join(ROOT, 'compose.yaml'), 'utf8')) as {
  services: Record<string, ComposeService>;
};
const SAMPLE_SECRET = 'a-sample-secret-of-forty-characters-long';

/** What compose makes of `${NAME:-default}`, `${NAME:?message}` and `${NAME}`, with sample secrets. */
function interpolate(value: string | number): string {
  return String(value).replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_, _name, kind, fallback) =>
    kind === '-' ? (fallback as string) : SAMPLE_SECRET,
  );
}

describe('compose.yaml', () => {
  const { postgres, 'crisp-mirror': service } = compose.services;

  it('runs PostgreSQL and the service, the service once PostgreSQL is healthy', () => {
    expect(postgres.image).toMatch(/^postgres:\d+/);
    expect(postgres.healthcheck?.test.join(' ')).toContain('pg_isready');
    expect(service.build).toBe('.');
    expect(service.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    expect(service.ports).toEqual(['127.0.0.1:4000:4000']);
  });

  it('sets only documented variables, which together are a valid production configuration', () => {
    const documented = readFileSync(join(ROOT, '.env.example'), 'utf8');
    const environment = Object.fromEntries(
      Object.entries(service.environment ?? {}).map(([name, value]) => [name, interpolate(value)]),
    );
    const undocumented = Object.keys(environment).filter(
      (name) => !new RegExp(`^#?\\s*${name}=`, 'm').test(documented),
    );
    expect(undocumented).toEqual([]);

    const config = loadAppConfig(environment, join(ROOT, 'no-such-env-file'));
    expect(config.nodeEnv).toBe('production');
    expect(config.database).toMatchObject({ kind: 'external', url: environment.DATABASE_URL });
    const database = new URL(String(environment.DATABASE_URL));
    expect(database.hostname).toBe('postgres');
    expect(database.username).toBe(postgres.environment?.POSTGRES_USER);
    expect(database.pathname).toBe(`/${postgres.environment?.POSTGRES_DB}`);
  });
});
