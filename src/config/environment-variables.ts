import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUrl,
  Max,
  Min,
  Matches,
  MinLength,
} from 'class-validator';
import { DatabaseVariables } from './database-variables';
import {
  emptyToUndefined,
  emptyToUndefinedInteger,
  toBoolean,
  toInteger,
  toNumber,
} from './variable-transforms';

const CRISP_TIERS = ['plugin', 'website', 'user'] as const;
export type CrispTier = (typeof CRISP_TIERS)[number];

const NODE_ENVIRONMENTS = ['development', 'production', 'test'] as const;
export type NodeEnvironment = (typeof NODE_ENVIRONMENTS)[number];

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

const TOKEN_RULE = 'each token 32 to 256 characters of A-Z a-z 0-9 . _ ~ + / = -';
/** 32 characters: a token from `openssl rand -hex 16` or longer; a guessable one is no gate. */
const TOKEN = '[A-Za-z0-9._~+/=-]{32,256}';
const TOKEN_PATTERN = new RegExp(`^${TOKEN}$`);
const TOKEN_LIST_PATTERN = new RegExp(`^${TOKEN}(,${TOKEN})*$`);

/**
 * Every environment variable the service reads, typed and validated once at start.
 * Names are the environment variable names so that an error message points at what to fix.
 */
export class EnvironmentVariables extends DatabaseVariables {
  @IsIn(NODE_ENVIRONMENTS)
  NODE_ENV: NodeEnvironment = 'development';

  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 4000;

  /**
   * The address to listen on. Unset: 127.0.0.1 when no API token is configured (an open API
   * reachable from the network is a leak), else every interface.
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^[A-Za-z0-9.:%_-]{1,255}$/, {
    message: 'HOST: an IP address or a host name to listen on (0.0.0.0 or :: for every interface)',
  })
  HOST?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  CRISP_IDENTIFIER?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  CRISP_KEY?: string;

  @IsIn(CRISP_TIERS)
  CRISP_TIER: CrispTier = 'plugin';

  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  CRISP_REST_URL = 'https://api.crisp.chat';

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https', 'ws', 'wss'], require_tld: false, require_protocol: true })
  CRISP_RTM_URL?: string;

  @Transform(toNumber)
  @IsNumber({}, { message: 'CRISP_REQUESTS_PER_SECOND must be a number' })
  @Min(0.01)
  @Max(100_000)
  CRISP_REQUESTS_PER_SECOND = 10;

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(100)
  CRISP_CONCURRENCY = 4;

  /** Unset: what Crisp grants the tier per day (plugin 5,000, website 10,000). */
  @Transform(emptyToUndefinedInteger)
  @IsOptional()
  @IsInt()
  @Min(0)
  CRISP_DAILY_REQUEST_BUDGET?: number;

  /** Percent of the daily budget contact profiles may take (0: people are not read). */
  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(100)
  CRISP_PEOPLE_BUDGET_SHARE = 20;

  /** How long changed profiles are gathered before each is read once. */
  @Transform(toInteger)
  @IsInt()
  @Min(0)
  PEOPLE_REFRESH_DEBOUNCE_MS = 5_000;

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(50)
  CRISP_MAX_ATTEMPTS = 8;

  @Transform(toInteger)
  @IsInt()
  @Min(0)
  CRISP_RETRY_BASE_MS = 500;

  @Transform(toInteger)
  @IsInt()
  @Min(0)
  CRISP_RETRY_MAX_MS = 30_000;

  /** How often an instance looks for backfill jobs to start or resume; 0 turns it off. */
  @Transform(toInteger)
  @IsInt()
  @Min(0)
  BACKFILL_POLL_INTERVAL_MS = 5_000;

  /** Backfill jobs this instance runs at once; the others wait their turn (queued). */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(50)
  BACKFILL_MAX_CONCURRENT_JOBS = 2;

  /** Listen to Crisp RTM (when credentials are set). */
  @Transform(toBoolean)
  @IsBoolean()
  CRISP_RTM_ENABLED = true;

  /**
   * Secret of the plugin's Web Hooks (Crisp's, from the Marketplace); unset, POST /crisp/webhooks
   * refuses every request. 8 characters at the least, not one repeated (see weak-secrets.ts).
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(8)
  CRISP_WEBHOOK_SECRET?: string;

  /**
   * The key Website Hooks carry in their URL (`?key=`), since Crisp does not sign them; unset,
   * POST /crisp/webhooks/website refuses every request. URL-safe, 32 characters or more;
   * comma-separated, several are accepted at once (to rotate one without downtime).
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^[A-Za-z0-9._~-]{32,256}(,[A-Za-z0-9._~-]{32,256})*$/, {
    message:
      'CRISP_WEBSITE_HOOK_KEY: 32-256 URL-safe characters (A-Z a-z 0-9 . _ ~ -), comma-separated for several',
  })
  CRISP_WEBSITE_HOOK_KEY?: string;

  /** How long a signed Web Hook stays acceptable (replay protection). */
  @Transform(toInteger)
  @IsInt()
  @Min(1_000)
  CRISP_WEBHOOK_MAX_AGE_MS = 300_000;

  /** Websites to reconcile; unset: every website the plugin token is installed on. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^[A-Za-z0-9-]+(,[A-Za-z0-9-]+)*$/, {
    message: 'CRISP_WEBSITE_IDS must be comma-separated website ids',
  })
  CRISP_WEBSITE_IDS?: string;

  /** Catch-up schedule; 0 turns the scheduled runs off (reconnects still trigger one). */
  @Transform(toInteger)
  @IsInt()
  @Min(0)
  RECONCILE_INTERVAL_MS = 300_000;

  /**
   * How often the catch-up lists the plugin's websites again (when CRISP_WEBSITE_IDS is unset), so
   * a website the plugin is added to is caught up without a restart; 0: at every run. Each listing
   * costs a request per 20 websites, plus one.
   */
  @Transform(toInteger)
  @IsInt()
  @Min(0)
  RECONCILE_WEBSITES_REFRESH_MS = 600_000;

  /** How far before the watermark a catch-up looks again, for clock skew and late writes. */
  @Transform(toInteger)
  @IsInt()
  @Min(0)
  RECONCILE_LOOKBACK_MS = 120_000;

  /**
   * Mirror the websites' operators, inboxes and operators' availability (when credentials are
   * set). Off, no directory request is made; availability events are still stored.
   */
  @Transform(toBoolean)
  @IsBoolean()
  DIRECTORY_SYNC_ENABLED = true;

  /**
   * How often the operators and inboxes of every caught-up website are listed again from Crisp;
   * 0: only at start and when an event names one not stored. Each refresh costs 1 request for
   * the operators plus one per 20 inboxes (and the empty page that ends them).
   */
  @Transform(toInteger)
  @IsInt()
  @Min(0)
  DIRECTORY_REFRESH_MS = 21_600_000;

  /**
   * How often the rollups of the conversations written since are recomputed for the daily BI
   * views, which trail the tables by about that much (0: never by the service). See docs/BI.md.
   */
  @Transform(toInteger)
  @IsInt()
  @Min(0)
  BI_ROLLUP_REFRESH_MS = 250;

  /**
   * How long after an event names an inbox or operator not stored the website's directory is
   * listed again, gathering the hints of that time into one refresh.
   */
  @Transform(toInteger)
  @IsInt()
  @Min(0)
  DIRECTORY_HINT_DELAY_MS = 30_000;

  /** Events kept in memory while the database is unreachable; past it the reconciler catches up. */
  @Transform(toInteger)
  @IsInt()
  @Min(100)
  MIRROR_BUFFER_LIMIT = 100_000;

  /**
   * The same bound in bytes: the approximate size (UTF-8 JSON) of the events whose changes wait in
   * memory. Changes vary in size by orders of magnitude, so a count alone does not bound memory.
   */
  @Transform(toInteger)
  @IsInt()
  @Min(1_024)
  MIRROR_BUFFER_BYTES = 64 * 1024 * 1024;

  /** Micro-batches of events: flushed at this size or after this many milliseconds. */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  MIRROR_BATCH_SIZE = 2_000;

  @Transform(toInteger)
  @IsInt()
  @Min(0)
  MIRROR_FLUSH_MS = 5;

  /** `/health/ready` reports the writer down once changes have waited this long with no commit. */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  MIRROR_STALL_MS = 60_000;

  /** The admin API token (`Authorization: Bearer …`); required when NODE_ENV=production. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(TOKEN_PATTERN, { message: TOKEN_RULE })
  API_TOKEN?: string;

  /** More admin tokens, comma-separated (e.g. one per operator, for rotation). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(TOKEN_LIST_PATTERN, { message: `API_ADMIN_TOKENS: comma-separated; ${TOKEN_RULE}` })
  API_ADMIN_TOKENS?: string;

  /** Read-only tokens, comma-separated (e.g. for a BI tool or a dashboard). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(TOKEN_LIST_PATTERN, { message: `API_READ_TOKENS: comma-separated; ${TOKEN_RULE}` })
  API_READ_TOKENS?: string;

  /** Requests a client (a token, else an IP address) may make per window; 0 turns it off. */
  @Transform(toInteger)
  @IsInt()
  @Min(0)
  API_RATE_LIMIT = 6_000;

  /**
   * Requests without a valid token (401s and public routes included) an IP address may make per
   * window; unset: API_RATE_LIMIT. Health probes and Web Hooks are not counted.
   */
  @Transform(emptyToUndefinedInteger)
  @IsOptional()
  @IsInt()
  @Min(0)
  API_UNAUTHENTICATED_RATE_LIMIT?: number;

  @Transform(toInteger)
  @IsInt()
  @Min(1_000)
  API_RATE_LIMIT_WINDOW_MS = 60_000;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevel = 'info';

  /** `json` (one object per line, for a log pipeline) or `pretty`; default: json in production. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsIn(LOG_FORMATS)
  LOG_FORMAT?: LogFormat;

  /** How often a standby instance tries to become the RTM leader (failover time). */
  @Transform(toInteger)
  @IsInt()
  @Min(100)
  @Max(60_000)
  RTM_LEADER_CHECK_MS = 5_000;
}
