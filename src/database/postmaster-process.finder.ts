import { existsSync, readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { basename, join } from 'node:path';

/** A postmaster found running on a data folder, seen from /proc (not from its lock file). */
export interface RunningPostmaster {
  pid: number;
  port: number;
}

/**
 * The postmaster serving `dataDirectory`, if one runs. `postmaster.pid` is writable by the
 * database's OS user (as root, another user than the service's), so its pid is only a hint:
 * a process counts only if /proc shows a `postgres` executable, not a backend, whose working
 * folder is that data folder (a postmaster works in its data folder). Without /proc (not
 * Linux) nothing can be checked, and nothing is ever signalled.
 */
export function findPostmaster(dataDirectory: string): RunningPostmaster | null {
  if (!existsSync('/proc/self/cwd') || !existsSync(dataDirectory)) return null;
  const folder = realpathSync(dataDirectory);
  const hinted = pidFromLockFile(dataDirectory);
  if (hinted !== null) {
    const postmaster = postmasterOf(hinted, folder);
    if (postmaster) return postmaster;
  }
  // The lock file lied or is stale; the folder may still have a postmaster (a forged file).
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const postmaster = postmasterOf(Number(entry), folder);
    if (postmaster) return postmaster;
  }
  return null;
}

/** The pid on line 1 of the lock file, or null. */
export function pidFromLockFile(dataDirectory: string): number | null {
  const file = join(dataDirectory, 'postmaster.pid');
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

function postmasterOf(pid: number, folder: string): RunningPostmaster | null {
  try {
    if (basename(readlinkSync(`/proc/${pid}/exe`)).replace(/ \(deleted\)$/, '') !== 'postgres')
      return null;
    if (readlinkSync(`/proc/${pid}/cwd`) !== folder) return null;
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    // Backends and auxiliary processes retitle themselves "postgres: …"; the postmaster does not.
    if (argv[0].startsWith('postgres:')) return null;
    const portAt = argv.indexOf('-p');
    return { pid, port: portAt >= 0 ? Number(argv[portAt + 1]) : 5432 };
  } catch {
    // Gone meanwhile, or not ours to inspect: either way not a postmaster of this folder.
    return null;
  }
}

export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
