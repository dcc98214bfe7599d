import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

/** The embedded server's superuser, the only role the service uses on it. */
export const EMBEDDED_SUPERUSER = 'postgres';

/**
 * Beside the data folder (in `.data/`, not in the cluster): the superuser's password, in the
 * format of a libpq password file so that `PGPASSFILE=<it> psql <url>` needs no prompt.
 */
export const passwordFileOf = (dataDirectory: string) => `${dataDirectory}.pgpass`;

const HEADER =
  '# The embedded PostgreSQL superuser password (libpq password file: PGPASSFILE=this file).\n';

/** The password kept in the file, or null when there is none yet (a new or a trust-era cluster). */
export function readPassword(file: string): string | null {
  if (!existsSync(file)) return null;
  // Whatever widened it (a copy, an editor), the file is for its owner only.
  chmodSync(file, 0o600);
  const line = readFileSync(file, 'utf8')
    .split('\n')
    .find((candidate) => candidate !== '' && !candidate.startsWith('#'));
  const password = line?.split(':').slice(4).join(':');
  return password ? password : null;
}

/** A new random password, written (mode 0600, atomically) before any server knows it. */
export function generatePassword(file: string): string {
  // base64url: no ':' or '\' to escape in the password file, nothing for a shell to expand.
  const password = randomBytes(24).toString('base64url');
  const line = `127.0.0.1:*:*:${EMBEDDED_SUPERUSER}:${password}\n`;
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, HEADER + line, { mode: 0o600 });
  renameSync(partial, file);
  return password;
}
