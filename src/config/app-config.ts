import { resolve } from 'node:path';
import type { CrispTier, EnvironmentVariables, NodeEnvironment } from './environment-variables';

export interface ExternalDatabaseSettings {
  kind: 'external';
  url?: string;
  host?: string;
  port: number;
  username?: string;
  password?: string;
  database?: string;
  ssl: false | { rejectUnauthorized: boolean };
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
}

/** The service's configuration, typed and already validated; injected wherever it is needed. */
export class AppConfig {
  constructor(
    readonly nodeEnv: NodeEnvironment,
    readonly port: number,
    readonly database: ExternalDatabaseSettings | EmbeddedDatabaseSettings,
    readonly runMigrations: boolean,
    readonly databasePoolSize: number,
    readonly crisp: CrispSettings,
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
      },
    );
  }
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
