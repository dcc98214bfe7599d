import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, MigrationExecutor } from 'typeorm';

const TIMEOUT_MS = 2_000;

/**
 * Down while any migration of src/database/migrations is not applied: this code would then run
 * against a schema it does not know (DB_RUN_MIGRATIONS=false and nobody ran them yet).
 */
@Injectable()
export class MigrationsHealthIndicator {
  /** Migrations are never reverted under a running instance: once all are there, stop asking. */
  private allApplied = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly health: HealthIndicatorService,
  ) {}

  check<const Key extends string>(key: Key) {
    return this.health
      .check(key)
      .attempt(async () => {
        if (!this.allApplied) {
          // Read-only: unlike showMigrations(), it does not create the migrations table.
          const pending = await new MigrationExecutor(this.dataSource).getPendingMigrations();
          if (pending.length > 0) {
            throw new Error(
              `${pending.length} migration(s) not applied: ${pending.map((m) => m.name).join(', ')}`,
            );
          }
          this.allApplied = true;
        }
        return { applied: this.dataSource.migrations.length };
      })
      .withTimeout(TIMEOUT_MS);
  }
}
