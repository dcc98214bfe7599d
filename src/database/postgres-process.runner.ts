import { spawn, type ChildProcess } from 'node:child_process';
import {
  chownSync,
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import type { PostgresLayout } from './embedded-postgres-layout';
import { EMBEDDED_SUPERUSER } from './embedded-postgres-password';
import { isAlive } from './postmaster-process.finder';

/**
 * Everything PostgreSQL's programs get from the environment: nothing of the service's (its
 * tokens, keys and secrets would otherwise be readable in /proc/<pid>/environ, and by any
 * program the database runs). Fixed locale, so that a cluster does not depend on a shell's.
 */
const POSTGRES_ENVIRONMENT = { PATH: '/usr/bin:/bin', LC_ALL: 'C' };

const STOP_TIMEOUT_MS = 60_000;

/** A postmaster this process started. */
export interface StartedPostmaster {
  child: ChildProcess;
  exited: Promise<void>;
}

/** Creates the cluster: SCRAM logins only, the superuser's password read from a private file. */
export async function initCluster(layout: PostgresLayout, password: string, logFile: string) {
  // initdb reads the password as the database's user: a folder only that user may enter.
  const scratch = mkdtempSync(join(dirname(layout.clusterDirectory), '.initdb-'));
  try {
    const pwfile = join(scratch, 'password');
    writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
    if (layout.account) {
      chownSync(scratch, layout.account.uid, layout.account.gid);
      chownSync(pwfile, layout.account.uid, layout.account.gid);
    }
    await runToEnd(
      layout,
      'initdb',
      [
        `--pgdata=${layout.clusterDirectory}`,
        `--username=${EMBEDDED_SUPERUSER}`,
        '--auth=scram-sha-256',
        `--pwfile=${pwfile}`,
        '--encoding=UTF8',
        '--locale=C',
        '--locale-provider=builtin',
        '--builtin-locale=C.UTF-8',
        '--no-instructions',
      ],
      logFile,
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Gives a cluster made before passwords (trust logins) its superuser password, in single-user
 * mode: no server listens meanwhile, and only a SCRAM verifier crosses the pipe.
 */
export async function setSuperuserVerifier(
  layout: PostgresLayout,
  verifier: string,
  logFile: string,
) {
  const statement = `ALTER ROLE ${EMBEDDED_SUPERUSER} PASSWORD '${verifier}';\n`;
  await runToEnd(
    layout,
    'postgres',
    ['--single', '-D', layout.clusterDirectory, 'postgres'],
    logFile,
    statement,
  );
}

/** Password logins only, over TCP on the loopback interface (no Unix socket is opened). */
export function writeHostBasedAuthentication(layout: PostgresLayout) {
  const file = join(layout.clusterDirectory, 'pg_hba.conf');
  writeFileSync(
    file,
    '# Written by crisp-basedash-tool at each start of the embedded server: SCRAM logins only.\n' +
      'host all all 127.0.0.1/32 scram-sha-256\n' +
      'host all all ::1/128 scram-sha-256\n',
    { mode: 0o600 },
  );
  if (layout.account) chownSync(file, layout.account.uid, layout.account.gid);
}

/**
 * Starts the postmaster in a session of its own, so that a terminal's Ctrl-C or hang-up reaches
 * the service (which stops it last) and not PostgreSQL; its output goes to `logFile`.
 */
export async function startPostmaster(
  layout: PostgresLayout,
  port: number,
  logFile: string,
): Promise<StartedPostmaster> {
  const output = openSync(logFile, 'a', 0o600);
  const child = spawn(
    join(layout.binDirectory, 'postgres'),
    [
      '-D',
      layout.clusterDirectory,
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
    ],
    {
      ...asAccount(layout),
      env: POSTGRES_ENVIRONMENT,
      detached: true,
      stdio: ['ignore', output, output],
    },
  );
  closeSync(output);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  await spawned;
  const deadline = Date.now() + 120_000;
  while (!isReady(layout.clusterDirectory, child.pid ?? 0)) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      if (child.exitCode === null) child.kill('SIGQUIT');
      throw new Error(`The embedded PostgreSQL did not start:\n${tail(logFile)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { child, exited };
}

/** Fast shutdown (a checkpoint, then exit), by pid; immediate if it has not exited in a minute. */
export async function stopPostmaster(pid: number, exited?: Promise<void>) {
  if (!isAlive(pid)) return;
  process.kill(pid, 'SIGINT');
  const gone = exited ?? waitUntilGone(pid);
  const late = await Promise.race([
    gone.then(() => false),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(true), STOP_TIMEOUT_MS).unref()),
  ]);
  if (late && isAlive(pid)) {
    process.kill(pid, 'SIGQUIT');
    await gone;
  }
}

async function waitUntilGone(pid: number) {
  while (isAlive(pid)) await new Promise((resolve) => setTimeout(resolve, 50));
}

/** Line 8 of the lock file says "ready" once the postmaster accepts connections. */
function isReady(clusterDirectory: string, pid: number): boolean {
  const file = join(clusterDirectory, 'postmaster.pid');
  if (!existsSync(file)) return false;
  const lines = readFileSync(file, 'utf8').split('\n');
  return Number(lines[0]) === pid && lines[7]?.trim() === 'ready';
}

function asAccount(layout: PostgresLayout) {
  return layout.account ? { uid: layout.account.uid, gid: layout.account.gid } : {};
}

function runToEnd(
  layout: PostgresLayout,
  program: string,
  args: string[],
  logFile: string,
  input?: string,
): Promise<void> {
  const output = openSync(logFile, 'a', 0o600);
  const child = spawn(join(layout.binDirectory, program), args, {
    ...asAccount(layout),
    env: POSTGRES_ENVIRONMENT,
    stdio: [input === undefined ? 'ignore' : 'pipe', output, output],
  });
  closeSync(output);
  child.stdin?.end(input);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      code === 0
        ? resolve()
        : reject(new Error(`${program} failed (${code ?? signal}):\n${tail(logFile)}`)),
    );
  });
}

/** The end of the log, for an error message: PostgreSQL's own words on what went wrong. */
function tail(logFile: string): string {
  return readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n');
}
