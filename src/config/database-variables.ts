import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Max,
  Min,
  MinLength,
} from 'class-validator';
import { emptyToUndefined, toBoolean, toInteger, type RawValue } from './variable-transforms';

/**
 * The variables of the database and of the read API's access to it; EnvironmentVariables adds
 * the rest. Names are the environment variable names, so that an error points at what to fix.
 */
export class DatabaseVariables {
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl({ protocols: ['postgres', 'postgresql'], require_tld: false })
  DATABASE_URL?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  DB_HOST?: string;

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(65535)
  DB_PORT = 5432;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  DB_USERNAME?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  DB_PASSWORD?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  DB_NAME?: string;

  @Transform(toBoolean)
  @IsBoolean()
  DB_SSL = false;

  @Transform(toBoolean)
  @IsBoolean()
  DB_SSL_REJECT_UNAUTHORIZED = true;

  @Transform(toBoolean)
  @IsBoolean()
  DB_RUN_MIGRATIONS = true;

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(100)
  DB_POOL_SIZE = 10;

  /** Connections of the read API's own pool, apart from the writers' (readers cannot starve them). */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(100)
  DB_READ_POOL_SIZE = 5;

  /** The longest a read API query may run before PostgreSQL cancels it (the answer is a 503). */
  @Transform(toInteger)
  @IsInt()
  @Min(100)
  @Max(600_000)
  READ_STATEMENT_TIMEOUT_MS = 10_000;

  /** The deepest `page` offset (rows skipped) the read API serves; deeper, `cursor` is required. */
  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(100_000_000)
  READ_MAX_OFFSET = 10_000;

  /**
   * While events arrive, the share of the time read API answers may take (one at a time, paced);
   * the rest is ingestion's. 100: reads are not paced.
   */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(100)
  READ_SHARE_PERCENT = 25;

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(65535)
  EMBEDDED_DB_PORT = 5433;

  @IsString()
  @MinLength(1)
  EMBEDDED_DB_DIR = '.data/postgres';

  /** Run the embedded PostgreSQL when no database is configured; default: yes, except in production. */
  @Transform((raw: RawValue) => (emptyToUndefined(raw) === undefined ? undefined : toBoolean(raw)))
  @IsOptional()
  @IsBoolean()
  EMBEDDED_DB?: boolean;
}
