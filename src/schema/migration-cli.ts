import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { loadAppConfig } from '../config/load-app-config';
import { openDatabaseServer } from '../database/database-server';
import { typeOrmOptions } from './typeorm-options';

/**
 * `npm run migration:run | migration:revert | migration:generate -- <Name>`, against the
 * configured database or the embedded one. Generation diffs the entities against a database
 * that has every migration applied, and writes the difference as a new migration to review.
 */
async function main(command: string | undefined, name: string | undefined) {
  const config = loadAppConfig();
  const server = await openDatabaseServer(config);
  const dataSource = new DataSource(typeOrmOptions(server.connection));
  await dataSource.initialize();
  try {
    if (command === 'run') await dataSource.runMigrations({ transaction: 'each' });
    else if (command === 'revert') await dataSource.undoLastMigration({ transaction: 'each' });
    else if (command === 'generate') generate(await pendingSchemaChanges(dataSource), name);
    else throw new Error('usage: migration-cli run | revert | generate <Name>');
  } finally {
    await dataSource.destroy();
    await server.close();
  }
}

export async function pendingSchemaChanges(dataSource: DataSource) {
  await dataSource.runMigrations({ transaction: 'each' });
  return dataSource.driver.createSchemaBuilder().log();
}

function generate(changes: Awaited<ReturnType<typeof pendingSchemaChanges>>, name?: string) {
  if (!name || !/^[A-Z][A-Za-z0-9]+$/.test(name)) {
    throw new Error(
      'migration:generate needs a PascalCase name: npm run migration:generate -- AddFoo',
    );
  }
  if (changes.upQueries.length === 0) {
    console.log('The entities match the migrated schema: nothing to generate.');
    return;
  }
  const timestamp = Date.now();
  const quote = (sql: string) => '`' + sql.replace(/`/g, '\\`') + '`';
  const lines = (queries: { query: string }[]) =>
    queries.map((q) => `    await queryRunner.query(${quote(q.query)});`).join('\n');
  const source = `import { MigrationInterface, QueryRunner } from 'typeorm';

export class ${name}${timestamp} implements MigrationInterface {
  name = '${name}${timestamp}';

  public async up(queryRunner: QueryRunner): Promise<void> {
${lines(changes.upQueries)}
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
${lines([...changes.downQueries].reverse())}
  }
}
`;
  const file = join(process.cwd(), 'src/database/migrations', `${timestamp}-${name}.ts`);
  writeFileSync(file, source);
  console.log(`Wrote ${file}; add it to src/database/migrations/index.ts and review it.`);
}

if (require.main === module) {
  main(process.argv[2], process.argv[3]).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
