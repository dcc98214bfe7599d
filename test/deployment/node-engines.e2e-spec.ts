import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { satisfies } from 'semver';

interface PackageManifest {
  engines?: { node?: string };
}
interface LockedPackage extends PackageManifest {
  dev?: boolean;
}

const root = resolve(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as PackageManifest;
const lock = JSON.parse(readFileSync(resolve(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, LockedPackage>;
};

/** The Node.js lines README.md promises; each is checked at the lowest release the project allows. */
const SUPPORTED_LINES = [20, 22, 24, 26];

/** The first `line.minor.0` the range allows (Node.js lines have had fewer than 50 minors). */
function lowestAllowed(line: number, range: string): string | undefined {
  for (let minor = 0; minor < 50; minor += 1) {
    const version = `${line}.${minor}.0`;
    if (satisfies(version, range)) return version;
  }
  return undefined;
}

describe('every supported Node.js line', () => {
  const projectRange = manifest.engines?.node ?? '';
  const lowestOfEachLine = SUPPORTED_LINES.map((line) => lowestAllowed(line, projectRange));

  it('is allowed by package.json engines, at its lowest release', () => {
    expect(lowestOfEachLine).toEqual(['20.19.0', '22.13.0', '24.11.0', '26.0.0']);
    expect(satisfies('18.20.0', projectRange)).toBe(false);
  });

  it('is allowed by the engines of every locked package, dev ones included (npm ci warns on none)', () => {
    const refusals: string[] = [];
    for (const [path, locked] of Object.entries(lock.packages)) {
      const required = locked.engines?.node;
      if (!path || !required) continue;
      for (const version of lowestOfEachLine as string[]) {
        if (!satisfies(version, required)) {
          refusals.push(
            `${path}${locked.dev ? ' (dev)' : ''} needs node ${required}, not ${version}`,
          );
        }
      }
    }
    expect(refusals).toEqual([]);
  });
});
