import { DEFAULT_CREDENTIAL } from '../crisp-simulator';

/** What the demo's simulator generates and how busy its live traffic is. */
export interface DemoSettings {
  seed: number;
  conversations: number;
  /** Live-traffic actions per second (each action is one or two Crisp events). */
  rate: number;
  progressIntervalMs: number;
}

/**
 * Where the demo differs from `npm start` unless the real environment says otherwise: its own
 * HTTP port, embedded PostgreSQL port and data folder, so `npm start` and `npm run demo` can run
 * side by side and the demo's synthetic rows never land in the `npm start` database.
 * Only the real environment counts as "set": a `.env` written for `npm start` must not pull the
 * demo onto the same ports.
 */
export const DEMO_ENVIRONMENT_DEFAULTS: Readonly<Record<string, string>> = {
  PORT: '4000',
  EMBEDDED_DB_PORT: '5434',
  EMBEDDED_DB_DIR: '.data/demo-postgres',
};

/** Reads the demo's own knobs (DEMO_SEED, DEMO_CONVERSATIONS, DEMO_RATE, DEMO_PROGRESS_MS). */
export function demoSettings(environment: Record<string, string | undefined>): DemoSettings {
  return {
    seed: positiveNumber(environment, 'DEMO_SEED', 1),
    conversations: positiveNumber(environment, 'DEMO_CONVERSATIONS', 30),
    rate: positiveNumber(environment, 'DEMO_RATE', 2),
    progressIntervalMs: positiveNumber(environment, 'DEMO_PROGRESS_MS', 10_000),
  };
}

/**
 * The environment the service is configured from: the real one with the demo defaults under it,
 * and the Crisp settings always pointing at the simulator. The Crisp ones win over everything
 * (a `.env` with real credentials included) because the demo must never call the real Crisp.
 */
export function demoEnvironment(
  environment: Record<string, string | undefined>,
  simulator: { restUrl: string; rtmUrl: string; websiteId: string },
): Record<string, string | undefined> {
  return {
    ...DEMO_ENVIRONMENT_DEFAULTS,
    ...environment,
    CRISP_IDENTIFIER: DEFAULT_CREDENTIAL.identifier,
    CRISP_KEY: DEFAULT_CREDENTIAL.key,
    CRISP_TIER: 'plugin',
    CRISP_REST_URL: simulator.restUrl,
    CRISP_RTM_URL: simulator.rtmUrl,
    CRISP_RTM_ENABLED: 'true',
    CRISP_WEBSITE_IDS: simulator.websiteId,
  };
}

function positiveNumber(
  environment: Record<string, string | undefined>,
  name: string,
  fallback: number,
): number {
  const raw = environment[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`${name} must be a positive number (got "${raw}")`);
  }
  return value;
}
