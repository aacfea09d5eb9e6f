/**
 * The package as users reach it: CommonJS and ESM entries (one shared instance), the bin,
 * ts-node and tsx scripts using the project's tsconfig, and the Node REPL with top-level await.
 */
import t from 'tap';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAsUser } from './helpers/user-process.js';

const root = join(__dirname, '..');
const node = process.execPath;
const run = (args: string[], opts: { input?: string; env?: Record<string, string> } = {}) =>
  runAsUser(args[0] === 'node' ? node : args[0], args.slice(1), { cwd: root, ...opts });

t.test('CommonJS and ESM entries share one module instance', async (t) => {
  const script = `
    import { createRequire } from 'node:module';
    import * as esm from 'tsdask';
    const cjs = createRequire(import.meta.url)('tsdask');
    cjs.config.set({ numWorkers: 7 });
    const [v] = await esm.compute(esm.delayed((x) => x * 2)(21), { scheduler: 'sync' });
    console.log(JSON.stringify([esm.config.get('numWorkers'), v, esm.delayed === cjs.delayed]));`;
  const r = run(['node', '--input-type=module', '-e', script]);
  t.equal(r.stderr, '');
  t.equal(r.stdout.trim(), '[7,42,true]');
});

t.test('bin: version, help and unknown commands', async (t) => {
  const v = run(['node', 'bin/tsdask.js', 'version']);
  t.match(v.stdout, /^\d+\.\d+\.\d+/);
  const u = run(['node', 'bin/tsdask.js', 'frobnicate']);
  t.equal(u.status, 2);
  t.match(u.stderr, /unknown command 'frobnicate'/);
});

for (const [runner, args] of [
  ['ts-node', [join(root, 'node_modules/.bin/ts-node'), 'examples/delayed.ts']],
  ['tsx', [join(root, 'node_modules/.bin/tsx'), 'examples/delayed.ts']],
] as const) {
  t.test(`examples/delayed.ts under ${runner}`, async (t) => {
    const r = run([...args, 'sync']);
    t.equal(r.status, 0, r.stderr);
    t.match(r.stdout, /total = 50/);
    t.match(r.stdout, /nested = \[\[2,3\],\[8\]\]/);
    t.equal(r.stdout.match(/±/g)?.length, 10, 'ten calcMean replicates');
  });
}

t.test('Node REPL with top-level await', async (t) => {
  const input = [
    "const { delayed, compute } = require('tsdask')",
    'const inc = (x) => x + 1',
    "await compute([1, 2, 3].map((x) => delayed(inc)(x)), { scheduler: 'sync' }).then((r) => console.log('RESULT', JSON.stringify(r)))",
    '.exit',
  ].join('\n');
  const r = run(['node', '--interactive'], { input, env: { NODE_NO_READLINE: '1' } });
  t.match(r.stdout, /RESULT \[\[2,3,4\]\]/, r.stderr);
});

t.test('npm start: the demo runs the seed analysis on a local cluster', async (t) => {
  const dir = join(tmpdir(), `tsdask-demo-test-${process.pid}`);
  const r = run(['node', 'bin/tsdask.js', 'demo', '--questions', '3000', '--dir', dir]);
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /generated 3,000 questions/);
  t.match(r.stdout, /<Client: scheduler='tcp:\/\/127\.0\.0\.1:\d+' workers=2 threads=2/);
  t.match(r.stdout, /dashboard: http:\/\/127\.0\.0\.1:\d+\/status/);
  for (const task of [1, 2, 3, 4, 5, 6]) t.match(r.stdout, new RegExp(`Task ${task}:`));
  t.match(r.stdout, /javascript/);
  t.match(r.stdout, /then sum = 50/);
  rmSync(dir, { recursive: true, force: true });
});
