/**
 * No import cycle (issue 14): no file of src/ or tools/ imports, through others, itself; and no
 * capability folder of src/ (a NestJS module and its files) imports one that imports it back.
 */
import { join } from 'node:path';
import { cyclesOf, folderGraph, importGraph, type ImportGraph } from '../support/import-graph';

const ROOT = join(__dirname, '../..');

const graphOf = (edges: Record<string, string[]>): ImportGraph =>
  new Map(Object.entries(edges).map(([from, to]) => [from, new Set(to)]));

describe('imports', () => {
  it('finds a cycle where there is one (the check can fail)', () => {
    const graph = graphOf({ a: ['b'], b: ['c'], c: ['a'], d: ['a'] });
    expect(cyclesOf(graph)).toEqual([['a', 'b', 'c']]);
    expect(cyclesOf(graphOf({ a: ['b'], b: [] }))).toEqual([]);
  });

  it('sees a folder import its importer through a file of each', () => {
    const files = graphOf({
      'src/a/x.ts': ['src/b/y.ts'],
      'src/b/y.ts': [],
      'src/b/z.ts': ['src/a/w.ts'],
      'src/a/w.ts': [],
    });
    expect(cyclesOf(folderGraph(files))).toEqual([['src/a', 'src/b']]);
  });

  it('has no cycle between files of src/ and tools/', () => {
    const graph = importGraph(ROOT, ['src', 'tools']);
    expect(graph.size).toBeGreaterThan(100);
    expect(cyclesOf(graph)).toEqual([]);
  });

  it('has no cycle between the folders (modules) of src/', () => {
    const folders = folderGraph(importGraph(ROOT, ['src']));
    expect([...folders.keys()]).toEqual(expect.arrayContaining(['src/realtime', 'src/metrics']));
    expect(cyclesOf(folders)).toEqual([]);
  });
});
