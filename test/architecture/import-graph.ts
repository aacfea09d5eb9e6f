/**
 * The import graph of a source folder, read by madge. Its TypeScript detective sees static and
 * dynamic imports, `export ... from`, `require('...')`, `import x = require('...')` and
 * type-position `import('...')`; type-only imports are kept, since a cycle of types still ties
 * the files together.
 */
import madge from 'madge';

export interface ImportGraph {
  /** Each file (relative to the folder) and the files it imports. */
  tree: Record<string, string[]>;
  /** Each cycle as the files along it, ending where it started. */
  cycles: string[][];
  /** Relative imports that resolve to no file: a cycle could hide behind one. */
  unresolved: string[];
}

export async function importGraph(dir: string, options: { extensions: string[]; tsConfig?: string }): Promise<ImportGraph> {
  const detective = { mixedImports: true, skipTypeImports: false, skipAsyncImports: false };
  const graph = await madge(dir, {
    fileExtensions: options.extensions,
    tsConfig: options.tsConfig,
    detectiveOptions: { ts: detective, tsx: detective, es6: detective },
  });
  const cycles = graph.circular().map((files) => [...files, files[0]]);
  const unresolved = graph.warnings().skipped.filter((request) => request.startsWith('.'));
  return { tree: graph.obj(), cycles, unresolved };
}

/** `a.ts -> b.ts -> a.ts`, one line per cycle. */
export function describeCycles(cycles: string[][]): string[] {
  return cycles.map((files) => files.join(' -> '));
}
