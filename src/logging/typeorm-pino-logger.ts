import { Logger } from '@nestjs/common';
import type { Logger as TypeOrmLogger } from 'typeorm';
import { dataRefusalState } from '../database/database-refusal';

/** A quoted word PostgreSQL names in a message: a table, a column, a constraint, a type. */
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * PostgreSQL quotes the values it refuses (`invalid input syntax for type bigint: "…"`), and those
 * may be customer data: only what reads as an identifier stays.
 */
export function withoutQuotedValues(message: string): string {
  return message.replace(/"([^"]*)"/g, (quoted, inner: string) =>
    IDENTIFIER.test(inner) ? quoted : '"[REDACTED]"',
  );
}

function oneLine(query: string): string {
  const flat = query.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 300)}…` : flat;
}

function describeError(error: string | Error): string {
  const code = typeof error === 'object' ? (error as { code?: unknown }).code : undefined;
  const message = typeof error === 'string' ? error : error.message;
  return `${typeof code === 'string' ? `SQLSTATE ${code}: ` : ''}${withoutQuotedValues(message)}`;
}

/**
 * TypeORM's lines through the service's own logger (pino, with its redaction), never with a
 * query's parameters: TypeORM's default logger prints them, customer data included, as raw
 * multi-line text on stdout. Queries themselves are not logged; the SQL text holds only
 * placeholders.
 */
export class TypeOrmPinoLogger implements TypeOrmLogger {
  private readonly logger = new Logger('TypeORM');

  logQuery(): void {
    // Every query would drown the log; metrics and PostgreSQL's own logs time them.
  }

  logQueryError(error: string | Error, query: string): void {
    const line = `Query failed (${describeError(error)}): ${oneLine(query)}`;
    // A refusal for data is handled where it happens (a writer splits the write and sets the
    // refused row aside, a read answers 400): a warning, so that alerts on errors stay meaningful.
    if (dataRefusalState(error) !== null) this.logger.warn(line);
    else this.logger.error(line);
  }

  logQuerySlow(time: number, query: string): void {
    this.logger.warn(`Slow query (${time} ms): ${oneLine(query)}`);
  }

  logSchemaBuild(): void {
    // The schema comes from migrations only (synchronize is off).
  }

  logMigration(message: string): void {
    this.logger.log(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    const text = withoutQuotedValues(String(message));
    if (level === 'warn') this.logger.warn(text);
    else this.logger.log(text);
  }
}
