/**
 * A submission that fails midway (a closure, an unsendable value) must leave every executor
 * consistent: the notebook path "it raised ClosureError, fix the function, run the cell again"
 * works for the rest of the session, on every scheduler. Before the fix the function table of
 * the caller counted specs as sent that never left (the batch or graph message carrying them
 * was dropped with the error), so every later compute failed with "unknown function id".
 */
import t, { type Test } from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, compute, delayed, LocalCluster, shutdownSchedulers, type ComputeOptions } from '../../src/index.js';
import * as db from '../../src/bag/index.js';
import * as dd from '../../src/dataframe/index.js';
import { SCHEDULERS } from '../helpers/schedulers.js';

t.teardown(shutdownSchedulers);

const dir = mkdtempSync(join(tmpdir(), 'tsdask-failed-submission-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const lines = ['alpha', 'be', 'gamma ray', 'd', 'epsilon'];
const textFile = join(dir, 'lines.txt');
writeFileSync(textFile, lines.join('\n') + '\n');
const xs = [4, -1, 7, 10, 2, 3];
const csvFile = join(dir, 'values.csv');
writeFileSync(csvFile, 'x,label\n' + xs.map((x, i) => `${x},r${i}`).join('\n') + '\n');

/** A value the wire refuses: a class instance with no codec. */
class Opaque {
  constructor(readonly v: number) {}
}

async function failure(p: Promise<unknown>): Promise<Error | undefined> {
  return p.then(
    () => undefined,
    (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
  );
}

function suite(tt: Test, label: string, opts: () => ComputeOptions, ships: boolean): void {
  tt.test(`${label}: a failed submission leaves the executors consistent`, async (t) => {
    t.test('readText pipeline: ClosureError, then the fixed function runs', async (t) => {
      const offset = 100;
      const bad = db.readText(textFile).map((s: string) => s.length + offset);
      const err = await failure(bad.compute(opts()));
      if (ships) {
        t.equal(err?.name, 'ClosureError', 'the closure is refused at submit');
        t.match(err?.message, /'offset'/);
      } else t.equal(err, undefined, 'sync runs any function in the caller');
      const lens = lines.map((s) => s.length);
      t.same(
        await db
          .readText(textFile)
          .map((s: string) => s.length)
          .compute(opts()),
        lens,
        'the fixed cell computes',
      );
      t.same(
        await db
          .readText(textFile)
          .map((s: string, k: number) => s.length + k, offset)
          .compute(opts()),
        lens.map((n) => n + offset),
        'the fix with the value passed as an argument',
      );
      t.equal(await db.readText(textFile).count().compute(opts()), lines.length, 'and so does a later pipeline on the same source');
    });

    t.test('readCsv pipeline: ClosureError, then the fixed function runs', async (t) => {
      const k = 10;
      const err = await failure(
        dd
          .readCsv(csvFile)
          .col('x')
          .map((v) => Number(v) + k)
          .sum()
          .compute(opts()),
      );
      if (ships) t.equal(err?.name, 'ClosureError');
      else t.equal(err, undefined);
      const expected = xs.reduce((a, x) => a + x * 2, 0);
      t.equal(
        await dd
          .readCsv(csvFile)
          .col('x')
          .map((v) => Number(v) * 2)
          .sum()
          .compute(opts()),
        expected,
      );
      t.equal(
        await dd.readCsv(csvFile).col('x').sum().compute(opts()),
        xs.reduce((a, x) => a + x, 0),
      );
    });

    t.test('one graph: a task that encodes, then one that fails (its function is never sent)', async (t) => {
      const k = 3;
      const triple = (x: number): number => x * 3;
      const a = delayed(triple)(5);
      const b = delayed((x: number) => x + k)(a);
      const err = await failure(compute(a, b, opts()));
      if (ships) t.equal(err?.name, 'ClosureError');
      else t.equal(err, undefined);
      t.same(await compute(delayed(triple)(7), opts()), [21], 'a function of the failed graph runs in the next one');
    });

    t.test('an unsendable argument fails the submission, later computes still run', async (t) => {
      const half = (x: number): number => x / 2;
      const unwrap = (o: { v: number }): number => o.v;
      const err = await failure(compute(delayed(half)(8), delayed(unwrap)(new Opaque(4)), opts()));
      if (ships) t.equal(err?.name, 'SerializationError', String(err?.message));
      else t.equal(err, undefined);
      t.same(await compute(delayed(half)(10), delayed(unwrap)({ v: 6 }), opts()), [5, 6]);
    });
  });
}

for (const scheduler of SCHEDULERS) suite(t, scheduler, () => ({ scheduler }), scheduler !== 'sync');

t.test('distributed', async (t) => {
  // Two threads per worker: the worker's task threads keep function tables too.
  const cluster = await LocalCluster.start({ nWorkers: 1, threadsPerWorker: 2, dashboardAddress: null, memoryLimit: 0 });
  const client = await Client.connect(cluster);
  t.teardown(() => client.shutdown());
  suite(t, 'distributed', () => ({ scheduler: client }), true);
});
