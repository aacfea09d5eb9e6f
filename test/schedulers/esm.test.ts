/**
 * ES module users: a program written as .mjs imports tsdask and functions exported by its own
 * ES modules (a .mjs file, and a .js file of a "type": "module" package). Those functions
 * call helpers local to their module, read `import.meta` or `import()` a sibling module, so
 * they cannot travel as source text: every scheduler runs them by module reference (the
 * worker loads the module and takes the export). Each program runs as a real process, the way
 * a user starts it, from a working directory that is not the script's.
 */
import t from 'tap';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runAsUser } from '../helpers/user-process.js';

const root = resolve(__dirname, '../..');
const built = existsSync(join(root, 'dist/schedulers/local/entry.js'));

const dir = mkdtempSync(join(tmpdir(), 'tsdask-esm-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const app = join(dir, 'app');
const elsewhere = join(dir, 'elsewhere');
mkdirSync(join(app, 'pkg'), { recursive: true });
mkdirSync(elsewhere);

writeFileSync(
  join(app, 'lib.mjs'),
  `function helper(x) { return x * 10; }
const offset = 1;
export function scaled(x) { return helper(x) + offset; }
export const arrow = (x) => helper(x) - offset;
const inner = function (x) { return helper(x) * 3; };
export { inner as renamed };
export default function (x) { return helper(x) * 2; }
export function where(x) { return [x, new URL(import.meta.url).pathname.split('/').pop()]; }
export async function sibling(x) { const { k } = await import('./side.mjs'); return x * k; }
`,
);
writeFileSync(join(app, 'side.mjs'), 'export const k = 7;\n');
writeFileSync(join(app, 'pkg', 'package.json'), '{ "type": "module" }\n');
writeFileSync(
  join(app, 'pkg', 'calc.js'),
  'const squares = (xs) => xs.map((x) => x * x);\nexport function sumOfSquares(xs) { return squares(xs).reduce((a, b) => a + b, 0); }\n',
);

/** The program: every exported function on every scheduler, one RESULT line per scheduler. */
function program(tsdask: string): string {
  return `import { Client, compute, delayed, LocalCluster, shutdownSchedulers } from ${JSON.stringify(tsdask)};
import half, { arrow, renamed, scaled, sibling, where } from './lib.mjs';
import { sumOfSquares } from './pkg/calc.js';
const tasks = () => [delayed(scaled)(1), delayed(arrow)(2), delayed(renamed)(3), delayed(half)(4), delayed(where)(5), delayed(sibling)(6), delayed(sumOfSquares)([1, 2, 3])];
for (const scheduler of ['sync', 'threads', 'processes']) {
  try {
    const [r] = await compute(tasks(), { scheduler });
    console.log('RESULT', scheduler, JSON.stringify(r));
  } catch (e) {
    console.log('ERROR', scheduler, e.message.split('\\n')[0]);
  }
}
const cluster = await LocalCluster.start({ nWorkers: 1, threadsPerWorker: 1, dashboardAddress: null, memoryLimit: 0 });
const client = await Client.connect(cluster);
try {
  const [r] = await compute(tasks(), { scheduler: client });
  console.log('RESULT', 'distributed', JSON.stringify(r));
} catch (e) {
  console.log('ERROR', 'distributed', e.message.split('\\n')[0]);
}
await client.shutdown();
await shutdownSchedulers();
`;
}

// Written here from the definitions above, not computed by tsdask.
const expected = [1 * 10 + 1, 2 * 10 - 1, 3 * 10 * 3, 4 * 10 * 2, [5, 'lib.mjs'], 6 * 7, 1 + 4 + 9];

const variants = [
  { lib: 'dist', entry: pathToFileURL(join(root, 'esm/index.mjs')).href, args: [] as string[], skip: built ? false : 'dist/ not built (npm run build)' },
  { lib: 'src', entry: pathToFileURL(join(root, 'src/index.ts')).href, args: ['--import', pathToFileURL(require.resolve('tsx')).href], skip: false },
] as const;

for (const v of variants) {
  t.test(`an .mjs program, library from ${v.lib}: exported functions run on every scheduler`, { skip: v.skip }, async (t) => {
    const main = join(app, `main-${v.lib}.mjs`);
    writeFileSync(main, program(v.entry));
    const r = runAsUser(process.execPath, [...v.args, main], { cwd: elsewhere, timeoutMs: 180_000 });
    t.equal(r.status, 0, r.stderr);
    for (const scheduler of ['sync', 'threads', 'processes', 'distributed']) {
      const line = new RegExp(`^(RESULT|ERROR) ${scheduler} (.*)$`, 'm').exec(r.stdout);
      t.ok(line, `${scheduler} printed a line`);
      if (line === null) continue;
      t.equal(line[1], 'RESULT', `${scheduler}: ${line[2]}`);
      if (line[1] === 'RESULT') t.same(JSON.parse(line[2]), expected, `${scheduler}: the values of the exported functions`);
    }
  });
}
