import {
  accessSync,
  constants,
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
} from 'node:fs';
import { chmod, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress } from 'node:zlib';
import { chromium, type Browser } from 'playwright-core';

/** Where Debian and Ubuntu put their Chromium. */
const SYSTEM_CHROMIUMS = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
/** Project-local, so nothing another user of the machine can plant (os.tmpdir() is shared). */
const UNPACK_ROOT = resolve(__dirname, '..', '..', 'node_modules', '.cache', 'packaged-chromium');

/** This machine's network is closed: nothing in the browser may try to phone home. */
const HEADLESS_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface ChromiumExecutable {
  path: string;
  source: 'CHROMIUM_PATH' | 'system' | 'packaged';
}

/**
 * The Chromium the browser tests drive, in this order: CHROMIUM_PATH when set, the system's when
 * it is there and executable, else the one that arrives with `npm ci` inside @sparticuz/chromium's
 * tarball (brotli-compressed), unpacked once into node_modules/.cache. Nothing is downloaded.
 */
export async function chromiumExecutable(
  environment: NodeJS.ProcessEnv = process.env,
  systemPaths: readonly string[] = SYSTEM_CHROMIUMS,
): Promise<ChromiumExecutable> {
  const fromEnvironment = environment.CHROMIUM_PATH;
  if (fromEnvironment) {
    if (!isExecutable(fromEnvironment)) {
      throw new Error(`CHROMIUM_PATH=${fromEnvironment} is not an executable file`);
    }
    return { path: fromEnvironment, source: 'CHROMIUM_PATH' };
  }
  const system = systemPaths.find(isExecutable);
  if (system) return { path: system, source: 'system' };
  return { path: await unpackPackagedChromium(), source: 'packaged' };
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function unpackPackagedChromium(): Promise<string> {
  const packageRoot = resolve(dirname(require.resolve('@sparticuz/chromium')), '..', '..');
  const { version } = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as {
    version: string;
  };
  const target = join(UNPACK_ROOT, version, 'chromium');
  if (isExecutable(target)) return target;
  mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
  // Unpack beside the target, then rename: two suites starting at once never run half a file.
  const partial = `${target}.${process.pid}.partial`;
  try {
    await pipeline(
      createReadStream(join(packageRoot, 'bin', 'chromium.br')),
      createBrotliDecompress(),
      createWriteStream(partial, { mode: 0o700 }),
    );
    await chmod(partial, 0o700);
    await rename(partial, target);
  } finally {
    if (existsSync(partial)) await rm(partial, { force: true });
  }
  return target;
}

export async function launchHeadlessChromium(executable?: ChromiumExecutable): Promise<Browser> {
  const { path } = executable ?? (await chromiumExecutable());
  return chromium.launch({ executablePath: path, args: HEADLESS_ARGS });
}
