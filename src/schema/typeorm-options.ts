import type { TypeOrmModuleOptions } from '@nestjs/typeorm';
import type { PostgresDataSourceOptions } from 'typeorm/driver/postgres/PostgresDataSourceOptions';
import { TypeOrmPinoLogger } from '../logging/typeorm-pino-logger';
import { BackfillJobConversation } from '../backfill/backfill-job-conversation.entity';
import { BackfillJob } from '../backfill/backfill-job.entity';
import { ConversationMessage } from '../conversations/conversation-message.entity';
import { Conversation } from '../conversations/conversation.entity';
import { CrispRequestBudget } from '../crisp/crisp-request-budget.entity';
import { SetAsideEvent } from '../set-aside/set-aside-event.entity';
import { SyncState } from '../realtime/sync-state.entity';
import { ConversationEvent } from '../history/conversation-event.entity';
import { ConversationRating } from '../ratings/conversation-rating.entity';
import { BiBusinessHours } from '../bi/bi-business-hours.entity';
import { PeopleProfile } from '../people/people-profile.entity';
import { Operator } from '../directory/operator.entity';
import { Inbox } from '../directory/inbox.entity';
import { OperatorAvailability } from '../directory/operator-availability.entity';
import type { DatabaseConnection } from '../database/database-connection';
import { MIGRATIONS } from '../database/migrations';
import { READER_DATA_SOURCE } from '../database/reader-data-source';

export const ENTITIES = [
  Conversation,
  ConversationMessage,
  CrispRequestBudget,
  BackfillJob,
  BackfillJobConversation,
  SyncState,
  SetAsideEvent,
  ConversationEvent,
  ConversationRating,
  BiBusinessHours,
  PeopleProfile,
  Operator,
  Inbox,
  OperatorAvailability,
];

export interface TypeOrmTuning {
  poolSize: number;
  runMigrations: boolean;
}

/** The one description of how TypeORM talks to the database; the schema comes from migrations only. */
export function typeOrmOptions(
  connection: DatabaseConnection,
  tuning: TypeOrmTuning = { poolSize: 10, runMigrations: false },
): PostgresDataSourceOptions {
  return {
    type: 'postgres',
    url: connection.url,
    host: connection.host,
    port: connection.port,
    username: connection.username,
    password: connection.password,
    database: connection.database,
    ssl: connection.ssl,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: tuning.runMigrations,
    migrationsTransactionMode: 'each',
    synchronize: false,
    // gen_random_uuid() is built into PostgreSQL 13+: no extension to install (or to be allowed to).
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    logging: ['error', 'warn', 'migration'],
    logger: new TypeOrmPinoLogger(),
    poolSize: tuning.poolSize,
    applicationName: 'crisp-basedash-tool',
  };
}

/** The read API's DataSource: another pool of `poolSize`, each statement cut at the timeout. */
export function readerOptions(
  connection: DatabaseConnection,
  reads: { poolSize: number; statementTimeoutMs: number },
): TypeOrmModuleOptions {
  return {
    ...typeOrmOptions(connection, { poolSize: reads.poolSize, runMigrations: false }),
    name: READER_DATA_SOURCE,
    applicationName: 'crisp-basedash-tool:read',
    extra: { statement_timeout: reads.statementTimeoutMs },
  };
}
