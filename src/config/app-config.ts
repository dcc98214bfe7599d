import { resolve } from 'node:path';
import type { DatabaseConnection } from '../database/database-connection';
import type {
  CrispTier,
  EnvironmentVariables,
  LogFormat,
  LogLevel,
  NodeEnvironment,
} from './environment-variables';

/** A configured PostgreSQL (`DATABASE_URL` or `DB_*`). */
export interface ExternalDatabaseSettings extends DatabaseConnection {
  kind: 'external';
}

export interface EmbeddedDatabaseSettings {
  kind: 'embedded';
  port: number;
  dataDirectory: string;
}

export interface CrispSettings {
  identifier?: string;
  key?: string;
  tier: CrispTier;
  restUrl: string;
  rtmUrl?: string;
  requestsPerSecond: number;
  concurrency: number;
  dailyRequestBudget: number;
  /** Requests a day contact profiles may take, out of dailyRequestBudget. */
  peopleDailyBudget: number;
  peopleRefreshDebounceMs: number;
  retry: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number };
}

export interface BackfillSettings {
  pollIntervalMs: number;
  maxConcurrentJobs: number;
}

export interface ReadSettings {
  poolSize: number;
  statementTimeoutMs: number;
  maxOffset: number;
  /** While events arrive, the share of the time reads may take. */
  sharePercent: number;
}

export interface RealtimeSettings {
  rtmEnabled: boolean;
  webhookSecret?: string;
  /** Every key a Website Hook may carry (several while one is rotated); empty: none accepted. */
  websiteHookKeys: string[];
  webhookMaxAgeMs: number;
  websiteIds?: string[];
  reconcileIntervalMs: number;
  reconcileLookbackMs: number;
  /** How often the plugin's websites are listed again (0: at every catch-up run). */
  websitesRefreshMs: number;
  /** Whether operators, inboxes and availability snapshots are read from Crisp at all. */
  directorySyncEnabled: boolean;
  /** How often operators and inboxes are listed again (0: at start and on hints only). */
  directoryRefreshMs: number;
  /** How long a hint (an unknown inbox or operator named by an event) waits before its refresh. */
  directoryHintDelayMs: number;
  /** How often the BI rollups of the conversations written since are recomputed (0: never). */
  biRollupRefreshMs: number;
  bufferLimit: number;
  /** Approximate bytes of the events waiting (their JSON payloads); see MIRROR_BUFFER_BYTES. */
  bufferBytes: number;
  batchSize: number;
  flushMs: number;
  stallMs: number;
  leaderCheckMs: number;
}

export interface ApiSettings {
  /** No tokens at all: the API is open (development only; refused in production). */
  adminTokens: string[];
  readTokens: string[];
  /**
   * `limit` per token; `unauthenticatedLimit` per IP address for requests without a valid token;
   * both per `windowMs`, 0 meaning no limit.
   */
  rateLimit: { limit: number; unauthenticatedLimit: number; windowMs: number };
}

/**
 * Where the HTTP server listens: `host` undefined is every interface (Node's default, `::` or
 * `0.0.0.0`). `chosenBy` says why, for the start-up line.
 */
export interface ListenSettings {
  host?: string;
  chosenBy: 'HOST' | 'no-api-token' | 'default';
}

export interface LogSettings {
  level: LogLevel;
  format: LogFormat;
}

/** What Crisp grants a token per day (docs.crisp.chat, rate limits); user tokens are not quota'd. */
const DAILY_QUOTA_BY_TIER: Record<CrispTier, number> = {
  plugin: 5_000,
  website: 10_000,
  user: 10_000,
};

/** The service's configuration, typed and already validated; injected wherever it is needed. */
export class AppConfig {
  constructor(
    readonly nodeEnv: NodeEnvironment,
    readonly port: number,
    readonly database: ExternalDatabaseSettings | EmbeddedDatabaseSettings,
    readonly runMigrations: boolean,
    readonly databasePoolSize: number,
    readonly crisp: CrispSettings,
    readonly backfill: BackfillSettings,
    readonly realtime: RealtimeSettings,
    readonly api: ApiSettings,
    readonly logging: LogSettings,
    readonly reads: ReadSettings,
    readonly listen: ListenSettings,
  ) {}

  static fromEnvironment(variables: EnvironmentVariables): AppConfig {
    return new AppConfig(
      variables.NODE_ENV,
      variables.PORT,
      databaseSettings(variables),
      variables.DB_RUN_MIGRATIONS,
      variables.DB_POOL_SIZE,
      {
        identifier: variables.CRISP_IDENTIFIER,
        key: variables.CRISP_KEY,
        tier: variables.CRISP_TIER,
        restUrl: variables.CRISP_REST_URL,
        rtmUrl: variables.CRISP_RTM_URL,
        requestsPerSecond: variables.CRISP_REQUESTS_PER_SECOND,
        concurrency: variables.CRISP_CONCURRENCY,
        dailyRequestBudget: dailyBudgetOf(variables),
        peopleDailyBudget: Math.floor(
          (dailyBudgetOf(variables) * variables.CRISP_PEOPLE_BUDGET_SHARE) / 100,
        ),
        peopleRefreshDebounceMs: variables.PEOPLE_REFRESH_DEBOUNCE_MS,
        retry: {
          maxAttempts: variables.CRISP_MAX_ATTEMPTS,
          baseDelayMs: variables.CRISP_RETRY_BASE_MS,
          maxDelayMs: variables.CRISP_RETRY_MAX_MS,
        },
      },
      {
        pollIntervalMs: variables.BACKFILL_POLL_INTERVAL_MS,
        maxConcurrentJobs: variables.BACKFILL_MAX_CONCURRENT_JOBS,
      },
      {
        rtmEnabled: variables.CRISP_RTM_ENABLED && Boolean(variables.CRISP_IDENTIFIER),
        webhookSecret: variables.CRISP_WEBHOOK_SECRET,
        websiteHookKeys: listOf(variables.CRISP_WEBSITE_HOOK_KEY),
        webhookMaxAgeMs: variables.CRISP_WEBHOOK_MAX_AGE_MS,
        websiteIds: variables.CRISP_WEBSITE_IDS?.split(','),
        reconcileIntervalMs: variables.RECONCILE_INTERVAL_MS,
        reconcileLookbackMs: variables.RECONCILE_LOOKBACK_MS,
        websitesRefreshMs: variables.RECONCILE_WEBSITES_REFRESH_MS,
        directorySyncEnabled: variables.DIRECTORY_SYNC_ENABLED,
        directoryRefreshMs: variables.DIRECTORY_REFRESH_MS,
        directoryHintDelayMs: variables.DIRECTORY_HINT_DELAY_MS,
        biRollupRefreshMs: variables.BI_ROLLUP_REFRESH_MS,
        bufferLimit: variables.MIRROR_BUFFER_LIMIT,
        bufferBytes: variables.MIRROR_BUFFER_BYTES,
        batchSize: variables.MIRROR_BATCH_SIZE,
        flushMs: variables.MIRROR_FLUSH_MS,
        stallMs: variables.MIRROR_STALL_MS,
        leaderCheckMs: variables.RTM_LEADER_CHECK_MS,
      },
      {
        adminTokens: [variables.API_TOKEN, ...listOf(variables.API_ADMIN_TOKENS)].filter(
          (token): token is string => Boolean(token),
        ),
        readTokens: listOf(variables.API_READ_TOKENS),
        rateLimit: {
          limit: variables.API_RATE_LIMIT,
          unauthenticatedLimit:
            variables.API_UNAUTHENTICATED_RATE_LIMIT ?? variables.API_RATE_LIMIT,
          windowMs: variables.API_RATE_LIMIT_WINDOW_MS,
        },
      },
      {
        level: variables.LOG_LEVEL,
        format: variables.LOG_FORMAT ?? (variables.NODE_ENV === 'production' ? 'json' : 'pretty'),
      },
      {
        poolSize: variables.DB_READ_POOL_SIZE,
        statementTimeoutMs: variables.READ_STATEMENT_TIMEOUT_MS,
        maxOffset: variables.READ_MAX_OFFSET,
        sharePercent: variables.READ_SHARE_PERCENT,
      },
      listenSettings(variables),
    );
  }
}

const listOf = (value: string | undefined) => value?.split(',') ?? [];

/** An open API (no token) stays on this machine unless HOST says otherwise. */
function listenSettings(variables: EnvironmentVariables): ListenSettings {
  if (variables.HOST) return { host: variables.HOST, chosenBy: 'HOST' };
  const tokens = [variables.API_TOKEN, variables.API_ADMIN_TOKENS, variables.API_READ_TOKENS];
  if (!tokens.some(Boolean)) return { host: '127.0.0.1', chosenBy: 'no-api-token' };
  return { chosenBy: 'default' };
}

function databaseSettings(
  variables: EnvironmentVariables,
): ExternalDatabaseSettings | EmbeddedDatabaseSettings {
  if (!variables.DATABASE_URL && !variables.DB_HOST) {
    return {
      kind: 'embedded',
      port: variables.EMBEDDED_DB_PORT,
      dataDirectory: resolve(variables.EMBEDDED_DB_DIR),
    };
  }
  return {
    kind: 'external',
    url: variables.DATABASE_URL,
    host: variables.DB_HOST,
    port: variables.DB_PORT,
    username: variables.DB_USERNAME,
    password: variables.DB_PASSWORD,
    database: variables.DB_NAME,
    ssl: variables.DB_SSL ? { rejectUnauthorized: variables.DB_SSL_REJECT_UNAUTHORIZED } : false,
  };
}

function dailyBudgetOf(variables: EnvironmentVariables): number {
  return variables.CRISP_DAILY_REQUEST_BUDGET ?? DAILY_QUOTA_BY_TIER[variables.CRISP_TIER];
}
