/**
 * Finding the export of an ES module function that cannot travel as source text (it reads a
 * helper of its module): every way of exporting a function, imported for real (not through
 * require), is found under its export name; a function no export names still fails, naming
 * the variable it reads.
 */
import t from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describeFunction } from '../../src/core/functions.js';

const dir = mkdtempSync(join(tmpdir(), 'tsdask-esm-exports-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, 'forms.mjs');
writeFileSync(
  file,
  `const helper = (x) => x + 1;
export function declared(x) { return helper(x); }
export const arrow = x => helper(x);
export const expr = function named(x) { return helper(x); };
function a(x) { return helper(x) * 2; }
const b = (x) => helper(x) * 3;
export { a, b as renamedB, a as alsoA };
export async function* gen(x) { yield helper(x); }
export function factory() { return (x) => helper(x); }
export default (x) => helper(x) * 4;
`,
);

t.test('each export form resolves to its export name', async (t) => {
  const mod: unknown = await import(pathToFileURL(file).href);
  t.equal(require.cache[file], undefined, 'imported as an ES module');
  const get = (name: string): ((...a: never[]) => unknown) => {
    const v: unknown = mod !== null && typeof mod === 'object' ? (mod as Record<string, unknown>)[name] : undefined;
    if (typeof v !== 'function') throw new Error(`no export ${name}`);
    return v as (...a: never[]) => unknown;
  };
  const cases: Array<[string, string]> = [
    ['declared', 'declared'],
    ['arrow', 'arrow'],
    ['expr', 'expr'],
    ['a', 'a'],
    ['renamedB', 'renamedB'],
    ['alsoA', 'a'],
    ['gen', 'gen'],
    ['default', 'default'],
  ];
  for (const [exp, want] of cases) {
    t.same(describeFunction(get(exp), `export ${exp}`), { kind: 'module', path: file, exportName: want }, `${exp} travels as export '${want}'`);
  }
  const made = get('factory')() as (...a: never[]) => unknown;
  t.throws(
    () => describeFunction(made, 'a made closure'),
    { name: 'ClosureError', message: /'helper'/ },
    'a closure made inside is no export: still a clear error',
  );
});
