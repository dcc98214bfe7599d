import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { Client } from 'pg';
import { toEnvironmentVariables, toPgClientConfig } from '../../src/database/database-connection';
import { MIGRATIONS } from '../../src/database/migrations';
import {
  argumentsOf,
  healthCheckCommand,
  readDockerfile,
  type DockerStage,
} from '../support/dockerfile';
import { buildServiceOnce, ServiceProcess } from '../support/service-process';
import { freePort } from '../support/test-database-server';
import { createTestDatabase, type TestDatabase } from '../support/test-databases';

jest.setTimeout(240_000);

const ROOT = resolve(__dirname, '../..');
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};

/** The package a `require("…")` names: `@scope/name` or `name`, without a subpath. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function compiledFiles(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.js'))
    .map((file) => join(folder, file));
}

const PRUNE = ['npm', 'prune', '--omit=dev', '--no-audit', '--no-fund'];
const runtimeStage = () => readDockerfile(ROOT).at(-1) as DockerStage;

/** What the runtime stage copies from the build stage, as paths inside the build folder. */
function runtimeFiles(): string[] {
  return argumentsOf(runtimeStage(), 'COPY').flatMap((argument) => {
    const words = argument.split(' ').filter((word) => !word.startsWith('--'));
    return words.slice(0, -1).map((source) => relative('/app', source));
  });
}

/**
 * The tree a server runs, made as the Dockerfile makes it: this checkout's install and build,
 * `npm prune --omit=dev` in a folder of its own, then only what the runtime stage copies.
 */
function buildPrunedTree(): string {
  const build = mkdtempSync(join(tmpdir(), 'crisp-build-'));
  const runtime = mkdtempSync(join(tmpdir(), 'crisp-production-'));
  for (const path of ['package.json', 'package-lock.json', 'dist', 'node_modules']) {
    cpSync(join(ROOT, path), join(build, path), { recursive: true });
  }
  execFileSync(PRUNE[0], PRUNE.slice(1), { cwd: build, stdio: 'ignore', timeout: 120_000 });
  for (const path of runtimeFiles()) {
    mkdirSync(dirname(join(runtime, path)), { recursive: true });
    renameSync(join(build, path), join(runtime, path));
  }
  rmSync(build, { recursive: true, force: true });
  return runtime;
}

/** The Dockerfile's HEALTHCHECK command, run here against `port`: its exit code. */
function runHealthCheck(port: number): number {
  const [command, ...args] = healthCheckCommand(runtimeStage());
  const executable = command === 'node' ? process.execPath : command;
  const run = spawnSync(executable, args, { env: { PORT: String(port) }, timeout: 10_000 });
  return run.status ?? -1;
}

describe('a production install (build, npm prune --omit=dev, node dist/src/main)', () => {
  let tree: string;
  let database: TestDatabase;
  let service: ServiceProcess | undefined;

  beforeAll(async () => {
    await buildServiceOnce();
    tree = buildPrunedTree();
    database = await createTestDatabase({ empty: true });
  });

  afterAll(async () => {
    await service?.stop();
    await database?.drop();
    if (tree) rmSync(tree, { recursive: true, force: true });
  });

  it('is made by the steps the Dockerfile runs, as a non-root user with a health check', () => {
    const [build, runtime] = [readDockerfile(ROOT)[0], runtimeStage()];
    expect(argumentsOf(build, 'RUN')).toEqual([
      'npm ci --no-audit --no-fund',
      'npm run build',
      PRUNE.join(' '),
    ]);
    expect(runtimeFiles()).toEqual([
      'package.json',
      'package-lock.json',
      'node_modules',
      'dist/package.json',
      'dist/src',
    ]);
    expect(argumentsOf(runtime, 'USER')).toEqual(['node']);
    expect(argumentsOf(runtime, 'CMD')).toEqual(['["node", "dist/src/main"]']);
    expect(healthCheckCommand(runtime).join(' ')).toContain('/health');
  });

  it('has none of the packages only development needs', () => {
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean }>;
    };
    const devOnly = Object.entries(lock.packages).filter(([path, locked]) => path && locked.dev);
    expect(devOnly.length).toBeGreaterThan(100);
    expect(devOnly.map(([path]) => path).filter((path) => existsSync(join(tree, path)))).toEqual(
      [],
    );
  });

  it('requires, at run time, only Node.js built-ins and production dependencies', () => {
    const allowed = new Set([...Object.keys(manifest.dependencies), ...builtinModules]);
    const strays = new Set<string>();
    const seen = new Set<string>();
    for (const file of compiledFiles(join(tree, 'dist', 'src'))) {
      const source = readFileSync(file, 'utf8');
      for (const [, specifier] of source.matchAll(/require\("([^".][^"]*)"\)/g)) {
        const name = specifier.replace(/^node:/, '');
        seen.add(packageOf(name));
        if (!allowed.has(packageOf(name)) && !allowed.has(name))
          strays.add(`${specifier} in ${file}`);
      }
    }
    expect([...seen]).toEqual(expect.arrayContaining(['@nestjs/core', 'typeorm', 'crisp-api']));
    expect([...strays]).toEqual([]);
  });

  it('starts, migrates an empty database and serves, in production mode', async () => {
    const port = await freePort();
    const token = randomBytes(24).toString('hex');
    service = new ServiceProcess(
      {
        ...toEnvironmentVariables(database.connection),
        NODE_ENV: 'production',
        PORT: String(port),
        API_TOKEN: token,
        LOG_FORMAT: 'json',
      },
      tree,
      tree,
    );
    await service.waitFor(new RegExp(`Server is running on port ${port}`), 90_000);
    const base = `http://127.0.0.1:${port}`;

    expect((await fetch(`${base}/health`)).status).toBe(200);
    const ready = await fetch(`${base}/health/ready`);
    expect({ status: ready.status, body: await ready.json() }).toMatchObject({
      status: 200,
      body: { data: { status: 'ok' } },
    });
    expect((await fetch(`${base}/crisp-db/conversations`)).status).toBe(401);
    const page = await fetch(`${base}/crisp-db/conversations`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(page.status).toBe(200);
    expect(runHealthCheck(port)).toBe(0);

    const client = new Client(toPgClientConfig(database.connection));
    await client.connect();
    try {
      const { rows } = await client.query<{ count: string }>('SELECT count(*) FROM migrations');
      expect(Number(rows[0].count)).toBe(MIGRATIONS.length);
    } finally {
      await client.end();
    }
    await service.stop();
    expect(runHealthCheck(port)).not.toBe(0);
  });
});
