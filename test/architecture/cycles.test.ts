// No import cycles in src/ (type-only imports count) nor in the built dist/. The check is madge
// (see import-graph.ts); the fixture trees below show that it passes a tree without cycles and
// names the cycle closed by each kind of import.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { describeCycles, type ImportGraph, importGraph } from './import-graph.js';

const root = join(__dirname, '..', '..');
const tsConfig = join(root, 'tsconfig.json');
const fixtures = join(__dirname, 'fixtures');

function filesUnder(dir: string, ext: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith(ext))
    .sort();
}

function edgeCount(g: ImportGraph): number {
  return Object.values(g.tree).reduce((n, deps) => n + deps.length, 0);
}

/** A cycle as a set of files in order, started at its smallest name so any rotation compares equal. */
function canonical(cycle: string[]): string {
  const loop = cycle.slice(0, -1);
  let start = 0;
  for (let i = 1; i < loop.length; i++) if (loop[i] < loop[start]) start = i;
  const turned = [...loop.slice(start), ...loop.slice(0, start)];
  return [...turned, turned[0]].join(' -> ');
}

t.test('src/ has no import cycles, type-only imports included', async (t) => {
  const src = join(root, 'src');
  const g = await importGraph(src, { extensions: ['ts'], tsConfig });
  const missing = filesUnder(src, '.ts').filter((f) => !(f in g.tree));
  t.same(missing, [], 'every source file is in the graph');
  t.ok(edgeCount(g) > 0, 'the imports were read');
  t.same(g.unresolved, [], 'every relative import resolves to a file');
  const cycles = describeCycles(g.cycles);
  t.same(cycles, [], cycles.length === 0 ? 'no import cycles' : `${cycles.length} import cycles in src/: ${cycles.join('; ')}`);
});

t.test('dist/ (the built JavaScript) has no import cycles', async (t) => {
  const dist = join(root, 'dist');
  if (!existsSync(join(dist, 'index.js'))) {
    t.fail('dist/ is not built: run `npm run build` first');
    return;
  }
  const g = await importGraph(dist, { extensions: ['js'] });
  t.ok(edgeCount(g) > 0, 'the requires were read');
  t.same(g.unresolved, [], 'every relative require resolves to a file');
  const cycles = describeCycles(g.cycles);
  t.same(cycles, [], cycles.length === 0 ? 'no import cycles' : `${cycles.length} import cycles in dist/: ${cycles.join('; ')}`);
});

t.test('the check, on fixture trees', async (t) => {
  t.test('a tree without cycles passes, with every import read', async (t) => {
    const g = await importGraph(join(fixtures, 'acyclic'), { extensions: ['ts'], tsConfig });
    const sorted = Object.fromEntries(Object.entries(g.tree).map(([f, deps]) => [f, [...deps].sort()]));
    t.same(sorted, {
      'area.ts': ['constants.ts', 'shapes.ts'],
      'constants.ts': [],
      'index.ts': ['area.ts', 'shapes.ts'],
      'shapes.ts': [],
    });
    t.same(g.cycles, []);
    t.same(g.unresolved, []);
  });

  const expected: Record<string, string> = {
    value: 'a.ts -> b.ts -> a.ts',
    'type-only': 'a.ts -> b.ts -> a.ts',
    'type-query': 'a.ts -> b.ts -> a.ts',
    require: 'a.ts -> b.ts -> a.ts',
    're-export': 'a.ts -> b.ts -> a.ts',
    dynamic: 'a.ts -> b.ts -> a.ts',
    three: 'a.ts -> b.ts -> c.ts -> a.ts',
  };
  const kinds = readdirSync(join(fixtures, 'cyclic')).sort();
  t.same(kinds, Object.keys(expected).sort(), 'one expectation per fixture');
  for (const kind of kinds) {
    t.test(`a cycle closed by ${kind} imports is found and named`, async (t) => {
      const g = await importGraph(join(fixtures, 'cyclic', kind), { extensions: ['ts'], tsConfig });
      t.same(g.cycles.map(canonical), [expected[kind]]);
      t.same(g.unresolved, []);
    });
  }

  t.test('a relative import that resolves to nothing is reported', async (t) => {
    const g = await importGraph(join(fixtures, 'unresolved'), { extensions: ['ts'], tsConfig });
    t.same(g.unresolved, ['./missing.js']);
  });
});
