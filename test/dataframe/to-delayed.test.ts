/**
 * danfo objects travel: `ddf.toDelayed()` parts, danfo frames passed into tasks and returned
 * from them compute on every scheduler (they cross threads, processes and hosts as columnar
 * partitions and are rebuilt as danfo objects). Expected values come from plain code over the
 * rows the test wrote, never from tsdask.
 */
import t, { type Test } from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as dfd from 'danfojs-node';
import { Client, compute, delayed, LocalCluster, shutdownSchedulers, type ComputeOptions } from '../../src/index.js';
import { decode, encode } from '../../src/core/serialize.js';
import { type Graph, isPlainObject as isRecord, Task } from '../../src/core/graph.js';
import { LocalScheduler } from '../../src/schedulers/index.js';
import * as dd from '../../src/dataframe/index.js';
import { SCHEDULERS } from '../helpers/schedulers.js';

t.teardown(shutdownSchedulers);

interface Row {
  x: number;
  y: number;
  s: string | null;
}

// 30 rows: ints, floats with gaps (NaN), strings with gaps (null).
const rows: Row[] = Array.from({ length: 30 }, (_, i) => ({
  x: (i * 7) % 11,
  y: i % 4 === 0 ? NaN : i / 4 - 2,
  s: i % 5 === 0 ? null : `w${i % 3}`,
}));
const dir = mkdtempSync(join(tmpdir(), 'tsdask-to-delayed-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const csv = join(dir, 'rows.csv');
writeFileSync(csv, 'x,y,s\n' + rows.map((r) => `${r.x},${Number.isNaN(r.y) ? '' : r.y},${r.s ?? ''}`).join('\n') + '\n');

const source = (): dd.DataFrame => dd.readCsv(csv, { blocksize: 64 });

// Shipped by source text: each reads only its arguments (and requires danfo inside).
function partStats(df: dfd.DataFrame): { n: number; sumX: number; sumY: number; strings: number } {
  const xs = df.column('x').values as number[];
  const ys = df.column('y').values as number[];
  const ss = df.column('s').values as Array<string | null>;
  let sumY = 0;
  for (const y of ys) if (!Number.isNaN(y)) sumY += y;
  return { n: df.shape[0], sumX: xs.reduce((a, b) => a + b, 0), sumY, strings: ss.filter((v) => v !== null).length };
}

function doubled(df: dfd.DataFrame): dfd.DataFrame {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a shipped function loads what it needs inside its body
  const danfo = require('danfojs-node') as typeof dfd;
  const xs = df.column('x').values as number[];
  const ss = df.column('s').values as Array<string | null>;
  return new danfo.DataFrame({ x2: xs.map((v) => v * 2), s: ss, big: xs.map((v) => v > 5) }, { index: xs.map((_, i) => `r${i}`) });
}

function totals(frames: dfd.DataFrame[]): { rows: number; x2: number; big: number; labels: string[] } {
  let x2 = 0;
  let big = 0;
  let n = 0;
  const labels: string[] = [];
  for (const f of frames) {
    n += f.shape[0];
    for (const v of f.column('x2').values as number[]) x2 += v;
    for (const v of f.column('big').values as boolean[]) if (v === true) big++;
    for (const l of f.index) labels.push(String(l));
  }
  return { rows: n, x2, big, labels };
}

function seriesSum(s: dfd.Series): number {
  return (s.values as number[]).reduce((a, b) => a + b, 0);
}

const sumX = rows.reduce((a, r) => a + r.x, 0);
const sumY = rows.reduce((a, r) => a + (Number.isNaN(r.y) ? 0 : r.y), 0);

function suite(tt: Test, label: string, opts: () => ComputeOptions): void {
  tt.test(`${label}: toDelayed parts and danfo values travel`, async (t) => {
    const ddf = source();
    t.ok(ddf.npartitions > 1, `several partitions (${ddf.npartitions})`);

    const [stats] = await compute(
      ddf.toDelayed().map((p) => delayed(partStats)(p)),
      opts(),
    );
    t.equal(stats.length, ddf.npartitions);
    const spread: unknown[] = await compute(...ddf.toDelayed().map((p) => delayed(partStats)(p)), opts());
    t.same(spread, stats, 'the same, with the parts spread as arguments');
    t.equal(
      stats.reduce((a, s) => a + s.n, 0),
      rows.length,
      'every row is in one part',
    );
    t.equal(
      stats.reduce((a, s) => a + s.sumX, 0),
      sumX,
    );
    t.ok(Math.abs(stats.reduce((a, s) => a + s.sumY, 0) - sumY) < 1e-9, 'sum of y, NaN skipped');
    t.equal(
      stats.reduce((a, s) => a + s.strings, 0),
      rows.filter((r) => r.s !== null).length,
    );

    // The parts themselves come back as danfo frames holding the source rows, in order.
    const [parts] = await compute(ddf.toDelayed(), opts());
    t.ok(
      parts.every((p) => p instanceof dfd.DataFrame),
      'danfo DataFrames',
    );
    const got = parts.flatMap((p) => p.values as unknown[][]);
    t.same(
      got,
      rows.map((r) => [r.x, r.y, r.s]),
      'cells equal the source rows (NaN and null kept)',
    );
    t.same(parts[0].columns, ['x', 'y', 's']);

    // A task returning a danfo frame; another task taking all of them (inputs from every executor).
    const made = ddf.toDelayed().map((p) => delayed(doubled)(p));
    const [sum] = await compute(delayed(totals)(made), opts());
    t.equal(sum.rows, rows.length);
    t.equal(sum.x2, 2 * sumX);
    t.equal(sum.big, rows.filter((r) => r.x > 5).length);
    t.same(sum.labels.slice(0, 2), ['r0', 'r1'], 'the index a task set survives');
    const [back] = await compute(made, opts());
    t.ok(back.every((f) => f instanceof dfd.DataFrame));
    t.same(
      back.flatMap((f) => f.column('s').values as unknown[]),
      rows.map((r) => r.s),
    );
    t.same(back[0].dtypes, ['int32', 'string', 'boolean'], 'danfo dtypes kept');
    t.equal(await dd.fromDelayed(made).col('x2').sum().compute(opts()), 2 * sumX, 'fromDelayed over tasks returning danfo frames');

    // A danfo frame and series built here, passed into tasks.
    const local = new dfd.DataFrame(
      rows.map((r) => ({ x: r.x, y: r.y, s: r.s })),
      { columns: ['x', 'y', 's'] },
    );
    const [fromMain] = await compute(delayed(partStats)(local), opts());
    t.equal(fromMain.sumX, sumX);
    t.equal(fromMain.strings, rows.filter((r) => r.s !== null).length);
    const [ssum] = await compute(delayed(seriesSum)(new dfd.Series(rows.map((r) => r.x))), opts());
    t.equal(ssum, sumX);
  });
}

for (const scheduler of SCHEDULERS) suite(t, scheduler, () => ({ scheduler }));

t.test('distributed', async (t) => {
  const cluster = await LocalCluster.start({ nWorkers: 2, threadsPerWorker: 1, dashboardAddress: null, memoryLimit: 0 });
  const client = await Client.connect(cluster, { setAsDefault: false });
  t.teardown(() => client.shutdown());
  suite(t, 'distributed', () => ({ scheduler: client }));
});

/** Builds a danfo frame from scratch, on an executor that has loaded no dataframe code. */
function fresh(partsModule: string, n: number): { before: string[]; frame: dfd.DataFrame } {
  /* eslint-disable @typescript-eslint/no-require-imports -- a shipped function loads what it needs inside its body */
  const { loadedParts } = require(partsModule) as typeof import('../../src/core/parts.js');
  const danfo = require('danfojs-node') as typeof dfd;
  /* eslint-enable @typescript-eslint/no-require-imports -- end of the body's requires */
  const before = loadedParts();
  return { before, frame: new danfo.DataFrame({ k: Array.from({ length: n }, (_, i) => i * i) }) };
}

for (const kind of ['thread', 'process'] as const) {
  t.test(`a danfo frame built in a task on a bare ${kind} executor comes back (its part loads on the way out)`, async (t) => {
    const scheduler = new LocalScheduler(kind === 'thread' ? 'threads' : 'processes', kind);
    t.teardown(() => scheduler.close());
    const graph: Graph = new Map([['fresh', new Task(fresh, [require.resolve('../../src/core/parts.ts'), 4])]]);
    const [got] = await scheduler.run(graph, ['fresh'], { callbacks: [], numWorkers: 1 });
    t.ok(isRecord(got));
    if (!isRecord(got)) return;
    t.notOk(Array.isArray(got.before) && got.before.includes('dataframe'), 'the dataframe part was not loaded when the task ran');
    t.ok(got.frame instanceof dfd.DataFrame);
    if (got.frame instanceof dfd.DataFrame) t.same(got.frame.column('k').values, [0, 1, 4, 9]);
  });
}

t.test('the danfo codec rebuilds the same object: columns, dtypes, index, cells', async (t) => {
  const when = new Date(Date.UTC(2020, 1, 29, 12));
  const df = new dfd.DataFrame(
    [
      [1.5, -0, 'a', true, when, 'x'],
      [NaN, 2, null, false, null, 3],
      [3.25, 4, 'c', true, when, undefined],
    ],
    { columns: ['f', 'i', 's', 'b', 'd', 'mixed'], index: ['p', 'q', 'r'], dtypes: ['float32', 'int32', 'string', 'boolean', 'datetime', 'string'] },
  );
  const back = decode(encode(df, 'a frame'));
  t.ok(back instanceof dfd.DataFrame);
  if (!(back instanceof dfd.DataFrame)) return;
  t.same(back.columns, df.columns);
  t.same(back.dtypes, df.dtypes);
  t.same(back.index, ['p', 'q', 'r']);
  const cells = back.values as unknown[][];
  t.same(cells, df.values);
  t.ok(Object.is(cells[0][1], -0), '-0 stays -0');
  t.ok(cells[0][4] instanceof Date && cells[0][4].getTime() === when.getTime(), 'Dates stay Dates');
  t.equal(cells[2][5], undefined, 'undefined stays undefined');
  t.equal(cells[1][5], 3, 'a mixed column keeps its numbers');

  const s = new dfd.Series([3, 1, NaN], { index: [10, 20, 30], columns: ['v'] });
  const sb = decode(encode(s, 'a series'));
  t.ok(sb instanceof dfd.Series);
  if (!(sb instanceof dfd.Series)) return;
  t.same(sb.values, [3, 1, NaN]);
  t.same(sb.index, [10, 20, 30]);
  t.same(sb.columns, ['v']);

  const empty = decode(encode(new dfd.DataFrame([], { columns: ['a', 'b'] }), 'an empty frame'));
  t.ok(empty instanceof dfd.DataFrame);
  if (empty instanceof dfd.DataFrame)
    t.same(
      [empty.shape, empty.columns],
      [
        [0, 2],
        ['a', 'b'],
      ],
    );
});
