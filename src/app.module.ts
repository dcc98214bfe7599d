import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from './auth/auth.module';
import { BackfillModule } from './backfill/backfill.module';
import { BiRollupsModule } from './bi/bi-rollups.module';
import { AppConfig } from './config/app-config';
import { AppConfigModule } from './config/app-config.module';
import { ConversationsModule } from './conversations/conversations.module';
import type { DatabaseConnection } from './database/database-connection';
import { DatabaseConnectionModule } from './database/database-connection.module';
import { readerOptions, typeOrmOptions } from './schema/typeorm-options';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { FreshnessModule } from './freshness/freshness.module';
import { PeopleSyncModule } from './people-sync/people-sync.module';
import { StateMetricsModule } from './metrics/state-metrics.module';
import { ReadApiModule } from './read-api/read-api.module';
import { RealtimeModule } from './realtime/realtime.module';
import { DirectoryRefreshModule } from './directory-refresh/directory-refresh.module';
import { StatusModule } from './status/status.module';

/**
 * The whole service. The database is resolved before the module graph exists (it may have
 * to be started first), so it is passed in rather than read from the environment here.
 */
@Module({})
export class AppModule {
  static register(config: AppConfig, connection: DatabaseConnection): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.register(config),
        DatabaseConnectionModule.register(connection),
        AuthModule,
        TypeOrmModule.forRoot(
          typeOrmOptions(connection, {
            poolSize: config.databasePoolSize,
            runMigrations: config.runMigrations,
          }),
        ),
        TypeOrmModule.forRoot(readerOptions(connection, config.reads)),
        MetricsModule,
        FreshnessModule,
        ConversationsModule,
        ReadApiModule,
        BackfillModule,
        RealtimeModule,
        PeopleSyncModule,
        DirectoryRefreshModule,
        BiRollupsModule,
        StatusModule,
        HealthModule,
        StateMetricsModule,
      ],
    };
  }
}
