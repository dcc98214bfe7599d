import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

/**
 * The installed and built tree (node_modules hard-linked, dist, package.json) in a folder every
 * local user may traverse: tests that run code as another user (nobody, postgres) cannot reach a
 * checkout in a private folder, as a CI clone may be. Remove it with `removePublicTree`.
 */
export function makePublicTree(): string {
  const folder = mkdtempSync(join(tmpdir(), 'crisp-public-tree-'));
  chmodSync(folder, 0o755);
  const tree = join(folder, 'app');
  mkdirSync(tree, { mode: 0o755 });
  execFileSync('cp', ['-al', join(ROOT, 'node_modules'), join(tree, 'node_modules')]);
  cpSync(join(ROOT, 'dist'), join(tree, 'dist'), { recursive: true });
  copyFileSync(join(ROOT, 'package.json'), join(tree, 'package.json'));
  return tree;
}

export function removePublicTree(tree: string | undefined): void {
  if (tree) rmSync(resolve(tree, '..'), { recursive: true, force: true });
}
