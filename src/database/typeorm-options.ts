import type { DataSourceOptions } from 'typeorm';
import { BackfillJobConversation } from '../backfill/backfill-job-conversation.entity';
import { BackfillJob } from '../backfill/backfill-job.entity';
import { ConversationMessage } from '../conversations/conversation-message.entity';
import { Conversation } from '../conversations/conversation.entity';
import { CrispRequestBudget } from '../crisp/crisp-request-budget.entity';
import { SetAsideEvent } from '../realtime/set-aside-event.entity';
import { SyncState } from '../realtime/sync-state.entity';
import type { DatabaseConnection } from './database-connection';
import { MIGRATIONS } from './migrations';

export const ENTITIES = [
  Conversation,
  ConversationMessage,
  CrispRequestBudget,
  BackfillJob,
  BackfillJobConversation,
  SyncState,
  SetAsideEvent,
];

export interface TypeOrmTuning {
  poolSize: number;
  runMigrations: boolean;
}

/** The one description of how TypeORM talks to the database; the schema comes from migrations only. */
export function typeOrmOptions(
  connection: DatabaseConnection,
  tuning: TypeOrmTuning = { poolSize: 10, runMigrations: false },
): DataSourceOptions {
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
    logging: ['error', 'migration'],
    poolSize: tuning.poolSize,
    applicationName: 'crisp-basedash-tool',
  };
}
