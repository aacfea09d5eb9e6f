/**
 * `client.uploadFile(path)` makes a module importable on every worker, CommonJS, ES module and
 * TypeScript alike, including workers whose working directory and file system differ from the
 * client's. To prove the worker loaded the uploaded copy and not the client's file (the
 * workers here share the client's disk), each original is rewritten after the upload: a worker
 * that read the disk would answer 'disk', the uploaded copy answers 'upload'. Each worker runs
 * in its own temporary directory, and tasks are pinned to each worker by a resource.
 */
import t from 'tap';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client, compute } from '../../src/index.js';
import * as db from '../../src/bag/index.js';
import { startScheduler, startWorkers, stop } from './procs.js';

type Answer = [number, string, string];
type Fn = (xs: number[]) => Answer;

const dir = mkdtempSync(join(tmpdir(), 'tsdask-upload-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

/** The module's function: the mean, through a helper local to the module, plus where it came from and the worker's cwd. */
const sources = {
  cjs: (tag: string) =>
    `function sum(xs) { return xs.reduce((a, b) => a + b, 0); }\n` +
    `exports.calcMean = function calcMean(xs) { return [sum(xs) / xs.length, '${tag}', process.cwd()]; };\n`,
  esm: (tag: string) =>
    `function sum(xs) { return xs.reduce((a, b) => a + b, 0); }\n` + `export function esmMean(xs) { return [sum(xs) / xs.length, '${tag}', process.cwd()]; }\n`,
  ts: (tag: string) =>
    `function sum(xs: number[]): number { return xs.reduce((a, b) => a + b, 0); }\n` +
    `export function tsMean(xs: number[]): [number, string, string] { return [sum(xs) / xs.length, '${tag}', process.cwd()]; }\n`,
};

const pkgDir = join(dir, 'esm-package');
mkdirSync(pkgDir);
writeFileSync(join(pkgDir, 'package.json'), '{ "type": "module" }\n');
const files = {
  cjs: join(dir, 'calc_mean.js'),
  mjs: join(dir, 'esm_mean.mjs'),
  pkg: join(pkgDir, 'pkg_mean.js'),
  ts: join(dir, 'ts_mean.ts'),
};
writeFileSync(files.cjs, sources.cjs('upload'));
writeFileSync(files.mjs, sources.esm('upload'));
writeFileSync(files.pkg, sources.esm('upload').replace('esmMean', 'pkgMean'));
writeFileSync(files.ts, sources.ts('upload'));

function exported(mod: unknown, name: string): Fn {
  const fn: unknown = mod !== null && typeof mod === 'object' ? (mod as Record<string, unknown>)[name] : undefined;
  if (typeof fn !== 'function') throw new Error(`the test module has no function '${name}'`);
  return fn as Fn;
}

const fns: Record<string, Fn> = {};

t.test('uploadFile makes CommonJS, ES and TypeScript modules importable on every worker', async (t) => {
  const sched = await startScheduler(['--no-dashboard']);
  t.teardown(() => stop(sched.proc));
  const cwds = ['A', 'B'].map((name) => {
    const d = join(dir, `worker-${name}-cwd`);
    mkdirSync(d);
    return d;
  });
  const workers = await Promise.all(
    ['A', 'B'].map((name, i) => startWorkers(sched.address, ['--nworkers', '1', '--nthreads', '1', '--resources', `${name}=1`], {}, { cwd: cwds[i] })),
  );
  t.teardown(() => Promise.all(workers.map((w) => stop(w))));
  const client = await Client.connect(sched.address, { setAsDefault: false });
  t.teardown(() => client.close());
  await client.waitForWorkers(2);

  // As a user's program loads them: CommonJS and TypeScript by require, ES modules by import.
  /* eslint-disable @typescript-eslint/no-require-imports -- paths made at run time */
  fns.cjs = exported(require(files.cjs), 'calcMean');
  fns.ts = exported(require(files.ts), 'tsMean');
  /* eslint-enable @typescript-eslint/no-require-imports -- end of the user's requires */
  fns.mjs = exported(await import(pathToFileURL(files.mjs).href), 'esmMean');
  fns.pkg = exported(await import(pathToFileURL(files.pkg).href), 'pkgMean');
  t.equal(require.cache[files.mjs], undefined, 'the ES modules were imported, not required: no CommonJS table lists them');
  t.equal(require.cache[files.pkg], undefined);
  t.equal(fns.cjs([1, 2, 3, 6])[1], 'upload', 'the client loaded its own copy');
  for (const path of Object.values(files)) await client.uploadFile(path);
  // Now the client's disk says 'disk': only an uploaded copy answers 'upload'.
  writeFileSync(files.cjs, sources.cjs('disk'));
  writeFileSync(files.mjs, sources.esm('disk'));
  writeFileSync(files.pkg, sources.esm('disk').replace('esmMean', 'pkgMean'));
  writeFileSync(files.ts, sources.ts('disk'));

  const xs = [1, 2, 3, 6];
  for (const [kind, fn] of Object.entries(fns)) {
    for (const [i, name] of ['A', 'B'].entries()) {
      const got = await client.submitWith({ resources: { [name]: 1 }, pure: false }, fn, xs).result();
      t.same(got, [3, 'upload', cwds[i]], `${kind} module on worker ${name}: the uploaded copy, run from the worker's own directory`);
    }
  }
  // A module function inside a task's arguments (a bag's map) resolves to the upload too.
  const [means] = await compute(
    db.fromSequence([[2, 4], [1, 2, 3, 6], [10]], { npartitions: 3 }).map((v: number[], f: Fn) => f(v)[1], fns.mjs),
    { scheduler: client },
  );
  t.same(means, ['upload', 'upload', 'upload'], 'ES module function passed as an argument');
  const [direct] = await compute(db.fromSequence([[2, 4], [10]], { npartitions: 2 }).map(fns.pkg), { scheduler: client });
  t.same(
    direct,
    [
      [3, 'upload', direct[0][2]],
      [10, 'upload', direct[1][2]],
    ],
    'ES module function mapped over a bag',
  );
  t.ok(
    direct.every((r) => cwds.includes(r[2])),
    'ran on the workers',
  );
});
