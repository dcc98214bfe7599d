import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import {
  toEnvironmentVariables,
  type DatabaseConnection,
} from '../../src/database/database-connection';

const ROOT = resolve(__dirname, '../../..');

/** The service as deployed, minus what each bench sets (tokens, secrets): no Crisp traffic. */
export const AS_DEPLOYED = {
  NODE_ENV: 'production',
  LOG_FORMAT: 'json',
  LOG_LEVEL: 'info',
  CRISP_RTM_ENABLED: 'false',
  RECONCILE_INTERVAL_MS: '0',
  BACKFILL_POLL_INTERVAL_MS: '0',
};

/**
 * The service as deployed, for a benchmark: its own process from `dist/src/main.js` on the given
 * database (migrated already) and port, with `variables` on top of the bench's environment.
 * Resolves once `/health` answers.
 */
export async function startBenchService(
  connection: DatabaseConnection,
  port: number,
  variables: Record<string, string>,
): Promise<ChildProcess> {
  const environment = { ...process.env, ...toEnvironmentVariables(connection), ...variables };
  Object.assign(environment, { PORT: String(port), DB_RUN_MIGRATIONS: 'false' });
  // BENCH_NODE_FLAGS: flags for the service's node, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
  const flags = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...flags, join(ROOT, 'dist/src/main.js')], {
    env: environment,
    stdio: 'pipe',
  });
  // Logs are read (and dropped) as a log shipper would: an unread pipe would stall the service.
  child.stdout?.resume();
  child.stderr?.resume();
  for (;;) {
    if (child.exitCode !== null) throw new Error('the service exited before serving');
    const up = await fetch(`http://127.0.0.1:${port}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return child;
    await new Promise((done) => setTimeout(done, 100));
  }
}

/** Stops a process started for a benchmark and waits for it to exit. */
export async function stopBenchProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  await exited;
}
