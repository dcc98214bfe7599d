import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * `npm run start:dev` (and `start:debug` with --debug): the TypeScript compiler in watch mode
 * beside the service under `node --watch`, which restarts it whenever a compiled file it loaded
 * changes. This replaces `nest start --watch`, so the project needs no Nest CLI (whose
 * dependencies no longer support every Node.js line the service runs on).
 */
const root = resolve(__dirname, '..', '..', '..');
const debug = process.argv.includes('--debug');

const compiler = spawn(
  process.execPath,
  [
    require.resolve('typescript/bin/tsc'),
    '-p',
    'tsconfig.build.json',
    '--watch',
    '--preserveWatchOutput',
  ],
  { cwd: root, stdio: 'inherit' },
);
const service = spawn(
  process.execPath,
  [...(debug ? ['--inspect'] : []), '--watch', 'dist/src/main.js'],
  { cwd: root, stdio: 'inherit' },
);

function stopBoth(signal: NodeJS.Signals): void {
  for (const child of [compiler, service]) {
    if (child.exitCode === null) child.kill(signal);
  }
}

function exitWith(child: ChildProcess): void {
  child.once('exit', (code) => {
    stopBoth('SIGTERM');
    process.exitCode = code ?? 1;
  });
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => stopBoth(signal));
}
exitWith(compiler);
exitWith(service);
