import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** Who imports whom: each file (relative to the root) and the files it imports at run time. */
export type ImportGraph = Map<string, Set<string>>;

/** Relative imports and re-exports; `import type` vanishes at run time, so it is left out. */
const RUNTIME_IMPORT = /(?:^|\n)\s*(?:import|export)\s+(?!type\s)[^'"]*?from\s+'(\.{1,2}\/[^']+)'/g;

function typeScriptFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return typeScriptFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
  });
}

/** The import graph of every TypeScript file under `folders` (specs left out). */
export function importGraph(root: string, folders: string[]): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const file of folders.flatMap((folder) => typeScriptFiles(join(root, folder)))) {
    const imported = new Set<string>();
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(RUNTIME_IMPORT)) {
      const target = resolve(dirname(file), specifier);
      const found = [`${target}.ts`, join(target, 'index.ts')].find((path) => existsSync(path));
      if (found) imported.add(relative(root, found));
    }
    graph.set(relative(root, file), imported);
  }
  return graph;
}

/**
 * The graph between folders: `src/a/x.ts` importing `src/b/y.ts` is `src/a` importing `src/b`.
 * Files at the top (`src/main.ts`, `src/app.module.ts`) put the modules together: left out.
 */
export function folderGraph(graph: ImportGraph): ImportGraph {
  const inFolder = (file: string) => file.split(sep).length > 2;
  const folderOf = (file: string) => file.split(sep).slice(0, 2).join(sep);
  const folders: ImportGraph = new Map();
  for (const [file, imported] of graph) {
    if (!inFolder(file)) continue;
    const from = folderOf(file);
    const targets = folders.get(from) ?? new Set<string>();
    folders.set(from, targets);
    for (const target of imported) {
      if (inFolder(target) && folderOf(target) !== from) targets.add(folderOf(target));
    }
  }
  return folders;
}

/** Every cycle, as its strongly connected set of nodes (Tarjan), each sorted. */
export function cyclesOf(graph: ImportGraph): string[][] {
  let next = 0;
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string) => {
    order.set(node, next);
    low.set(node, next);
    next += 1;
    stack.push(node);
    onStack.add(node);
    for (const target of graph.get(node) ?? []) {
      if (!order.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(target) ?? 0));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node) ?? 0, order.get(target) ?? 0));
      }
    }
    if (low.get(node) !== order.get(node)) return;
    const members: string[] = [];
    for (let member = stack.pop(); member !== undefined; member = stack.pop()) {
      onStack.delete(member);
      members.push(member);
      if (member === node) break;
    }
    if (members.length > 1 || graph.get(node)?.has(node)) cycles.push(members.sort());
  };
  for (const node of graph.keys()) if (!order.has(node)) visit(node);
  return cycles;
}
