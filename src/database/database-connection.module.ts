import { DynamicModule, Global, Module } from '@nestjs/common';
import type { DatabaseConnection } from './database-connection';
import { IngestFirstGate } from './ingest-first-gate';

/** The connection the service was started with, for the few parts that need a client of their own. */
export const DATABASE_CONNECTION = Symbol('DatabaseConnection');

@Global()
@Module({})
export class DatabaseConnectionModule {
  static register(connection: DatabaseConnection): DynamicModule {
    return {
      module: DatabaseConnectionModule,
      providers: [{ provide: DATABASE_CONNECTION, useValue: connection }, IngestFirstGate],
      exports: [DATABASE_CONNECTION, IngestFirstGate],
    };
  }
}
