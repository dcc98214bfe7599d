import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  toEnvironmentVariables,
  type DatabaseConnection,
} from '../../src/database/database-connection';
import { simulatorVariables } from './crisp-test-setup';

const ROOT = join(__dirname, '../..');

/** The environment of a service process on `connection`, listening on `port`, with RTM and Web Hooks. */
export function realtimeServiceVariables(options: {
  connection: DatabaseConnection;
  simulatorUrl: string;
  websiteId: string;
  webhookSecret: string;
  port: number;
}): Record<string, string> {
  return {
    ...toEnvironmentVariables(options.connection),
    ...simulatorVariables(options.simulatorUrl, {
      CRISP_RTM_ENABLED: 'true',
      CRISP_WEBHOOK_SECRET: options.webhookSecret,
      CRISP_WEBSITE_IDS: options.websiteId,
      RECONCILE_INTERVAL_MS: '0',
      RECONCILE_LOOKBACK_MS: '60000',
    }),
    NODE_ENV: 'development',
    DB_RUN_MIGRATIONS: 'false',
    PORT: String(options.port),
    LOG_FORMAT: 'json',
  };
}

/**
 * Builds the service once per test run (`npm run build`), however many suites need a real
 * process: the first suite builds while the others wait for its stamp.
 */
export async function buildServiceOnce(): Promise<void> {
  const run = process.env.CRISP_TEST_RUN_ID ?? String(process.ppid);
  const stamp = join(ROOT, 'dist', `.built-${run}`);
  if (existsSync(stamp)) return;
  try {
    mkdirSync(join(tmpdir(), `crisp-basedash-build-${run}`));
  } catch {
    const deadline = Date.now() + 240_000;
    while (!existsSync(stamp)) {
      if (Date.now() > deadline) throw new Error('waited too long for another suite’s build');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    return;
  }
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore', timeout: 240_000 });
  writeFileSync(stamp, new Date().toISOString());
}

/** The service (`node dist/src/main.js`) in a child process, its output kept for assertions. */
export class ServiceProcess {
  output = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcess;

  /**
   * `env` is the whole environment, PATH aside; `cwd` the folder it starts in (as a user's);
   * `tree` the folder whose `dist/src/main.js` runs (another than this checkout's: a deployed one);
   * `ownProcessGroup` makes it the leader of a group, as a terminal's foreground job (signalGroup).
   */
  constructor(env: Record<string, string>, cwd = ROOT, tree = ROOT, ownProcessGroup = false) {
    this.child = spawn(process.execPath, [join(tree, 'dist/src/main.js')], {
      cwd,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: 'pipe',
      detached: ownProcessGroup,
    });
    const collect = (chunk: Buffer) => (this.output += chunk.toString());
    this.child.stdout?.on('data', collect);
    this.child.stderr?.on('data', collect);
    this.exited = new Promise((resolve) =>
      this.child.on('exit', (code, signal) => resolve({ code, signal })),
    );
  }

  /** Resolves when the output matches, with the time it took; rejects after `timeoutMs`. */
  async waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<number> {
    const started = Date.now();
    while (!pattern.test(this.output)) {
      if (Date.now() - started > timeoutMs) {
        throw new Error(`no ${String(pattern)} within ${timeoutMs} ms; output:\n${this.output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return Date.now() - started;
  }

  kill(signal: NodeJS.Signals) {
    this.child.kill(signal);
  }

  /** What a terminal does on Ctrl-C: the signal to every process of the group. */
  signalGroup(signal: NodeJS.Signals) {
    process.kill(-(this.child.pid ?? 0), signal);
  }

  /** Makes sure nothing outlives the test. */
  async stop() {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }
}
