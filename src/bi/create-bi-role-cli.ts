import { Client } from 'pg';
import type { AppConfig } from '../config/app-config';
import { loadAppConfig } from '../config/load-app-config';
import {
  describeConnection,
  toPgClientConfig,
  type DatabaseConnection,
} from '../database/database-connection';
import { openDatabaseServer } from '../database/database-server';
import { applyBiRole, type BiRoleOutcome } from './apply-bi-role';
import { roleNameProblem } from './bi-role';

const USAGE =
  'usage: npm run db:create-bi-role -- <role> [<password> | -]  (-: read the password from stdin)';
const EXIT = { done: 0, failed: 1, usage: 2 } as const;

/** What the command talks to; the real process by default, a test's own otherwise. */
export interface CliIo {
  loadConfig: () => AppConfig;
  readStdin: () => Promise<string>;
  out: (line: string) => void;
  err: (line: string) => void;
}

const processIo: CliIo = {
  loadConfig: () => loadAppConfig(),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
  out: (line) => console.log(line),
  err: (line) => console.error(line),
};

/**
 * `npm run db:create-bi-role -- <role> [<password> | -]`: creates (or brings back to read-only)
 * a login role for BI tools on the service's database. The password is never printed; `-` reads
 * it from stdin so that it stays out of the shell history and of npm's echo of the command.
 */
export async function createBiRoleCli(argv: string[], io: CliIo = processIo): Promise<number> {
  if (argv.length < 1 || argv.length > 2) {
    io.err(USAGE);
    return EXIT.usage;
  }
  const [role, passwordArgument] = argv;
  const problem = roleNameProblem(role);
  if (problem) {
    io.err(`${problem}\n${USAGE}`);
    return EXIT.usage;
  }
  const password =
    passwordArgument === '-' ? (await io.readStdin()).replace(/\r?\n$/, '') : passwordArgument;
  if (password === '') {
    io.err('The password is empty.');
    return EXIT.usage;
  }
  const server = await openDatabaseServer(io.loadConfig());
  try {
    const outcome = await withClient(server.connection, (client) =>
      applyBiRole(client, role, password),
    );
    report(io, role, password, outcome, server.connection);
    return EXIT.done;
  } finally {
    await server.close();
  }
}

async function withClient<T>(connection: DatabaseConnection, work: (client: Client) => Promise<T>) {
  const client = new Client(toPgClientConfig(connection));
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function report(
  io: CliIo,
  role: string,
  password: string | undefined,
  outcome: BiRoleOutcome,
  connection: DatabaseConnection,
) {
  io.out(
    `Role "${role}" ${outcome.created ? 'created' : 'updated'}: it can read every table and view ` +
      `of database "${outcome.database}" (schema ${outcome.schema}), and nothing else.`,
  );
  io.out(`Connect a BI tool with: ${describeConnection(asRole(connection, role))}`);
  if (password !== undefined) io.out('(with the password you gave)');
  else if (outcome.created)
    io.out('It has no password: give one unless the server authenticates it another way.');
  else io.out('Its password is unchanged.');
  if (outcome.publicCanCreate) {
    io.err(
      `Warning: every role, this one included, may create tables in schema ${outcome.schema} ` +
        `(PostgreSQL < 15 default). The schema owner can stop it: ` +
        `REVOKE CREATE ON SCHEMA ${outcome.schema} FROM PUBLIC;`,
    );
  }
  if (outcome.canTakeAdvisoryLocks) {
    io.err(
      `Warning: this role can take advisory locks, and so hold up the service's RTM leader ` +
        `election and backfills: the service's user is not a superuser and cannot revoke them. ` +
        `A superuser can, in database "${outcome.database}": see docs/SECURITY.md.`,
    );
  }
}

/** The same server and database, as the BI role, with no password in it. */
function asRole(connection: DatabaseConnection, role: string): DatabaseConnection {
  if (!connection.url) return { ...connection, username: role, password: undefined };
  const url = new URL(connection.url);
  url.username = role;
  url.password = '';
  return { ...connection, url: url.toString() };
}

if (require.main === module) {
  createBiRoleCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(EXIT.failed);
    },
  );
}
