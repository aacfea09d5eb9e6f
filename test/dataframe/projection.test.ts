/**
 * Column projection of CSV reads: a column set parses only its columns, and column sets of
 * one readCsv computed together share one read per block (each file opened once, counted by
 * wrapping fs.openSync, which the block reader opens files with, in the sync scheduler).
 * Expected values come from plain code parsing the CSV text separately.
 */
import t from 'tap';
import fs, { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as dd from '../../src/dataframe/index.js';
import { compute, shutdownSchedulers } from '../../src/index.js';
import { SCHEDULERS } from '../helpers/schedulers.js';

const dir = mkdtempSync(join(tmpdir(), 'tsdask-projection-'));
t.teardown(async () => {
  rmSync(dir, { recursive: true, force: true });
  await shutdownSchedulers();
});
const sync = { scheduler: 'sync' } as const;

// Three files; column `bad` is declared int64 but holds 'oops' in one row of the second
// file, so any read that parses `bad` fails.
const KEYS = ['a', 'b', 'c', 'd'];
const files: string[] = [];
for (let f = 0; f < 3; f++) {
  const lines = ['k,x,y,bad'];
  for (let i = 0; i < 40; i++) {
    const r = f * 40 + i;
    const y = r % 7 === 0 ? '' : String((r * 1.25) % 9);
    lines.push(`${KEYS[(r * 3) % 4]},${r},${y},${f === 1 && i === 30 ? 'oops' : r % 5}`);
  }
  const p = join(dir, `part-${f}.csv`);
  writeFileSync(p, lines.join('\n') + '\n');
  files.push(p);
}
const glob = join(dir, 'part-*.csv');
const opts = { dtype: { bad: 'int64' } } as const;

/** The rows, parsed here without the library. */
const rows = files.flatMap((p) =>
  fs
    .readFileSync(p, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [k, x, y] = line.split(',');
      return { k, x: Number(x), y: y === '' ? NaN : Number(y) };
    }),
);
const sumX = rows.reduce((s, r) => s + r.x, 0);
const ys = rows.map((r) => r.y).filter((y) => !Number.isNaN(y));
const meanY = ys.reduce((s, y) => s + y, 0) / ys.length;

/** Opens of the CSV files while `run` runs, per file. */
async function opensDuring(run: () => Promise<unknown>): Promise<{ perFile: number[]; total: number }> {
  const real = fs.openSync;
  const counts = new Map<string, number>();
  fs.openSync = (path: fs.PathLike, ...rest: unknown[]) => {
    const p = String(path);
    if (p.startsWith(dir)) counts.set(p, (counts.get(p) ?? 0) + 1);
    return (real as (...a: unknown[]) => number)(path, ...rest);
  };
  try {
    await run();
  } finally {
    fs.openSync = real;
  }
  const perFile = files.map((p) => counts.get(p) ?? 0);
  return { perFile, total: perFile.reduce((a, b) => a + b, 0) };
}

t.test('two column sets of one readCsv read each file once', async (t) => {
  const ddf = dd.readCsv(glob, { ...opts, blocksize: null });
  t.equal(ddf.npartitions, 3, 'one partition per file');
  let got: unknown[] = [];
  const opens = await opensDuring(async () => {
    got = await compute(ddf.col('x').sum(), ddf.col('y').mean(), sync);
  });
  t.same(opens.perFile, [1, 1, 1], 'each file opened once');
  t.equal(got[0], sumX, 'sum of x');
  t.ok(Math.abs((got[1] as number) - meanY) < 1e-9, 'mean of y');

  // Frames (not only series) over different column sets, and the same values on every scheduler.
  for (const scheduler of SCHEDULERS) {
    const [count, sums] = await compute(ddf.select(['k', 'x']).count(), ddf.select(['y']).sum(), { scheduler });
    t.same(count.values, [rows.length, rows.length], `${scheduler}: count of k and x`);
    t.ok(Math.abs((sums.values as number[])[0] - ys.reduce((s, y) => s + y, 0)) < 1e-9, `${scheduler}: sum of y`);
  }
});

t.test('with several blocks per file, each block is read once', async (t) => {
  const ddf = dd.readCsv(glob, { ...opts, blocksize: 200 });
  t.ok(ddf.npartitions > 6, `${ddf.npartitions} partitions`);
  let got: unknown[] = [];
  const opens = await opensDuring(async () => {
    got = await compute(ddf.col('x').sum(), ddf.col('y').mean(), ddf.select(['k', 'y']).count(), sync);
  });
  t.equal(opens.total, ddf.npartitions, 'one open per partition');
  t.equal(got[0], sumX);
  t.ok(Math.abs((got[1] as number) - meanY) < 1e-9);
});

t.test('a single column set parses only its columns', async (t) => {
  const ddf = dd.readCsv(glob, { ...opts, blocksize: null });
  await t.rejects(ddf.col('bad').sum().compute(sync), /'bad'.*oops/s, 'the bad value fails when bad is parsed');
  await t.rejects(ddf.compute(sync), /oops/, 'and when the whole frame is read');
  const opens = await opensDuring(async () => {
    t.equal(await ddf.col('x').sum().compute(sync), sumX, 'x alone never parses bad');
  });
  t.same(opens.perFile, [1, 1, 1]);
  // groupby selects its key and value columns first, so it reads only k and x.
  const g = await ddf.groupby('k').agg({ x: 'sum' }).compute(sync);
  const want = new Map<string, number>();
  for (const r of rows) want.set(r.k, (want.get(r.k) ?? 0) + r.x);
  t.same(g.column('k').values, [...want.keys()].sort());
  t.same(
    g.column('x').values,
    [...want.keys()].sort().map((k) => want.get(k)),
  );
});

t.test('merge inputs project, and share the read with other column sets', async (t) => {
  const ddf = dd.readCsv(glob, { ...opts, blocksize: null });
  const right = dd
    .readCsv(join(dir, 'part-0.csv'), { usecols: ['k'] })
    .distinct()
    .assign({ w: 2 });
  const m = ddf.merge(right, { on: 'k' });
  let got: unknown[] = [];
  const opens = await opensDuring(async () => {
    got = await compute(m.col('x').sum(), ddf.col('y').mean(), sync);
  });
  t.same(opens.perFile, [2, 1, 1], 'the left side once per file (part-0 also once more for the right side)');
  const keys = new Set(rows.slice(0, 40).map((r) => r.k));
  t.equal(
    got[0],
    rows.filter((r) => keys.has(r.k)).reduce((s, r) => s + r.x, 0),
  );
  t.ok(Math.abs((got[1] as number) - meanY) < 1e-9);
});

t.test('a persisted frame uses what is in memory', async (t) => {
  const p = await dd
    .readCsv(glob, { ...opts, blocksize: null })
    .select(['x', 'y'])
    .persist(sync);
  let got: unknown[] = [];
  const opens = await opensDuring(async () => {
    got = await compute(p.col('x').sum(), p.col('y').mean(), sync);
  });
  t.equal(opens.total, 0, 'no file opened');
  t.equal(got[0], sumX);
  t.ok(Math.abs((got[1] as number) - meanY) < 1e-9);
});

t.test('without optimization each column set reads on its own', async (t) => {
  const ddf = dd.readCsv(glob, { ...opts, blocksize: null });
  const opens = await opensDuring(() => compute(ddf.col('x').sum(), ddf.col('y').mean(), { ...sync, optimize: false }));
  t.same(opens.perFile, [2, 2, 2], 'optimize: false keeps the graph as built');
});
