import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../app.module';
import { loadAppConfig } from '../config/load-app-config';
import { CrispRestService } from '../crisp/crisp-rest.service';
import { openDatabaseServer } from '../database/database-server';
import { progressLine } from './backfill-progress-line';
import type { BackfillStatus } from './backfill-status';
import { BackfillService } from './backfill.service';

const USAGE = 'usage: npm run backfill -- <websiteId> | --all';
const EXIT = { completed: 0, failed: 1, usage: 2, paused: 3 } as const;

/**
 * `npm run backfill -- <websiteId>` (or `--all`): runs a backfill from a terminal, drawing its
 * progress, and exits non-zero unless every website completed. Ctrl-C leaves it resumable.
 */
async function main(argv: string[]): Promise<number> {
  if (argv.length !== 1) {
    console.error(USAGE);
    return EXIT.usage;
  }
  // This process runs only the jobs it is asked to: no job polling, no RTM, no catch-up.
  const config = loadAppConfig(undefined, undefined, {
    BACKFILL_POLL_INTERVAL_MS: '0',
    CRISP_RTM_ENABLED: 'false',
    RECONCILE_INTERVAL_MS: '0',
  });
  const database = await openDatabaseServer(config);
  const app = await NestFactory.createApplicationContext(
    AppModule.register(config, database.connection),
    {
      logger: ['error', 'warn'],
    },
  );
  const stop = () =>
    void app
      .close()
      .then(() => database.close())
      .then(() => process.exit(130));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const websites =
      argv[0] === '--all' ? await app.get(CrispRestService).listAllPluginWebsiteIds() : [argv[0]];
    let exitCode: number = EXIT.completed;
    for (const websiteId of websites) {
      const outcome = await backfillWebsite(app.get(BackfillService), websiteId);
      exitCode = Math.max(exitCode, EXIT[outcome.status as keyof typeof EXIT] ?? EXIT.failed);
    }
    return exitCode;
  } finally {
    await app.close();
    await database.close();
  }
}

async function backfillWebsite(
  backfill: BackfillService,
  websiteId: string,
): Promise<BackfillStatus> {
  const { status: started } = await backfill.startOrJoin(websiteId);
  console.log(`Backfill ${started.id} of website ${websiteId}`);
  const draw = setInterval(() => {
    backfill.status(started.id).then(
      (status) => process.stdout.write(`\r${progressLine(status)}`),
      () => undefined,
    );
  }, 500);
  try {
    const settled = await backfill.waitUntilSettled(started.id);
    process.stdout.write(`\r${progressLine(settled)}\n`);
    if (settled.status === 'failed') console.error(`Backfill failed: ${settled.error}`);
    if (settled.status === 'paused')
      console.error(`Paused until ${settled.resumeAt?.toISOString()}: ${settled.error}`);
    return settled;
  } finally {
    clearInterval(draw);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(EXIT.failed);
  },
);
