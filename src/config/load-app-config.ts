import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { AppConfig } from './app-config';
import { validateEnvironment } from './validate-environment';

/**
 * The one place that reads process.env. A `.env` file in the working directory fills in
 * what the real environment leaves unset; the real environment always wins, and `overrides`
 * (what a tool such as the backfill CLI imposes) win over both.
 */
export function loadAppConfig(
  environment: Record<string, string | undefined> = process.env,
  envFile = resolve(process.cwd(), '.env'),
  overrides: Record<string, string> = {},
): AppConfig {
  const fromFile = existsSync(envFile) ? parseEnv(readFileSync(envFile, 'utf8')) : {};
  return AppConfig.fromEnvironment(
    validateEnvironment({ ...fromFile, ...environment, ...overrides }),
  );
}
