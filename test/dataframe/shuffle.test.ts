import t from 'tap';
import { shutdownSchedulers } from '../../src/index.js';
import { materialize } from '../../src/core/collection.js';
import { Frame, getCell } from '../../src/dataframe/frame.js';
import { splitByKeys } from '../../src/dataframe/ops/shuffle.js';
import { hashRows } from '../../src/dataframe/ops/hash.js';
import { SCHEDULERS } from '../helpers/schedulers.js';
import { computeFrame, csvFrame, rows, sortedRows } from './groupby-helpers.js';

t.teardown(shutdownSchedulers);

const lines = ['k,n,v'];
for (let i = 0; i < 120; i++) lines.push(`${['red', 'green', 'blue', 'cyan', ''][i % 5]},${i % 7},${i}`);
const DATA = lines.join('\n') + '\n';

for (const scheduler of SCHEDULERS) {
  t.test(`shuffle on ${scheduler}`, async (t) => {
    const df = csvFrame(DATA, 300);
    t.ok(df.npartitions >= 4);

    t.test('hash shuffle: same rows, each key in exactly one output partition', async (t) => {
      const s = df.shuffle('k', { npartitions: 3 });
      t.equal(s.npartitions, 3);
      const graph = materialize([s.layer]);
      const count = (p: string) => [...graph.keys()].filter((k) => k.startsWith(p)).length;
      t.equal(count('shuffle-split-'), df.npartitions, 'one split task per input');
      t.equal(count('shuffle-piece-'), df.npartitions * 3, 'one piece task per input and output');
      const parts = await Promise.all([0, 1, 2].map((i) => computeFrame(s.partitions(i), scheduler)));
      const owner = new Map<string, number>();
      const split: string[] = [];
      parts.forEach((p, i) => {
        for (const k of p.values('k')) {
          const key = String(k);
          if (owner.has(key) && owner.get(key) !== i) split.push(key);
          owner.set(key, i);
        }
      });
      t.same(split, [], 'no key in two partitions');
      t.equal(owner.size, 5, 'missing keys travel together too');
      t.same(sortedRows(await computeFrame(s, scheduler)), sortedRows(await computeFrame(df, scheduler)));
    });

    t.test('shuffle on a number column; partitions emptied by a filter still flow through', async (t) => {
      const few = df.filter(df.col('v').lt(10));
      const s = few.shuffle(['n'], { npartitions: 4 });
      t.same(sortedRows(await computeFrame(s, scheduler)), sortedRows(await computeFrame(few, scheduler)));
      const g = await computeFrame(few.groupby('n', { splitOut: 3 }).agg({ v: 'sum' }), scheduler);
      t.same(
        rows(g).sort((a, b) => Number(a.n) - Number(b.n)),
        [0, 1, 2, 3, 4, 5, 6].map((n) => ({ n, v: n + (n + 7 <= 9 ? n + 7 : 0) })),
      );
    });

    t.test('distinct (drop duplicates): tree and shuffle, keep first and last', async (t) => {
      const first = await computeFrame(df.distinct({ subset: ['k', 'n'] }), scheduler);
      t.equal(first.length, 35, '5 colours x 7 residues');
      const firstV = new Map<string, number>();
      for (let i = 0; i < 120; i++) {
        const key = `${['red', 'green', 'blue', 'cyan', ''][i % 5]}|${i % 7}`;
        if (!firstV.has(key)) firstV.set(key, i);
      }
      t.same(first.values('v'), [...firstV.values()], 'first occurrences, in input order');
      const last = await computeFrame(df.dropDuplicates({ subset: ['k', 'n'], keep: 'last' }), scheduler);
      t.same((last.values('v') as number[]).sort((a, b) => a - b).slice(0, 3), [85, 86, 87]);
      const spread = df.distinct({ subset: ['k', 'n'], splitOut: 3 });
      t.equal(spread.npartitions, 3);
      t.same(sortedRows(await computeFrame(spread, scheduler)), sortedRows(first));
      t.equal((await computeFrame(df.select(['k']).distinct(), scheduler)).length, 5);
    });
  });
}

const many: string[] = ['k,n,v'];
for (let i = 0; i < 2400; i++) many.push(`${['red', 'green', 'blue', 'cyan', ''][i % 5]}${i % 97},${i % 13},${(i * 7919) % 2400}`);
const MANY = many.join('\n') + '\n';

for (const scheduler of SCHEDULERS) {
  t.test(`staged shuffle (40+ x 40 partitions) on ${scheduler}`, async (t) => {
    const df = csvFrame(MANY, 700);
    t.ok(df.npartitions >= 40, `${df.npartitions} input partitions`);
    const s = df.shuffle('k', { npartitions: 40 });
    const graph = [...materialize([s.layer]).keys()];
    const pieces = graph.filter((k) => /^shuffle-piece\d-/.test(k)).length;
    t.ok(pieces > 0 && pieces < (40 * 40) / 2, `${pieces} piece tasks in 2 stages instead of ${df.npartitions * 40}`);
    t.same(sortedRows(await computeFrame(s, scheduler)), sortedRows(await computeFrame(df, scheduler)), 'same rows');
    const parts = await Promise.all([0, 17, 39].map((i) => computeFrame(s.partitions(i), scheduler)));
    const owners = parts.map((p) => new Set(p.values('k') as string[]));
    t.same(
      owners.map((o, i) => [...o].filter((k) => owners.some((other, j) => j !== i && other.has(k)))),
      [[], [], []],
      'keys do not straddle outputs',
    );
    const tree = await computeFrame(df.groupby('k').agg({ v: ['sum', 'first', 'last'], n: 'nunique' }), scheduler);
    const staged = await computeFrame(df.groupby('k', { splitOut: 40 }).agg({ v: ['sum', 'first', 'last'], n: 'nunique' }), scheduler);
    t.same(sortedRows(staged), sortedRows(tree), 'groupby through a staged shuffle (first/last keep input order)');
    const sorted = await computeFrame(df.sortValues(['v']), scheduler);
    t.same(sorted.values('v'), [...Array(2400).keys()], 'sort through a staged range shuffle');
    const d1 = await computeFrame(df.distinct({ subset: ['n'], keep: 'last' }), scheduler);
    const d40 = await computeFrame(df.distinct({ subset: ['n'], keep: 'last', splitOut: 40 }), scheduler);
    t.same(sortedRows(d40), sortedRows(d1), 'distinct keep last through a staged shuffle');
  });
}

t.test('kernel: equal keys hash alike across dtypes and dictionaries; pieces carry only their strings', async (t) => {
  const a = Frame.fromColumns({ k: [1, 2, 3] }, { k: 'int64' });
  const b = Frame.fromColumns({ k: [3, 1, 2] }, { k: 'float64' });
  const ha = hashRows([a.col('k')], 3);
  const hb = hashRows([b.col('k')], 3);
  t.same([hb[1], hb[2], hb[0]], [ha[0], ha[1], ha[2]], 'int64 and float64 hash the same numbers alike');
  const s1 = Frame.fromColumns({ k: ['x', 'y'] });
  const s2 = Frame.fromColumns({ k: ['q', 'r', 'y', 'x'] });
  const h1 = hashRows([s1.col('k')], 2);
  const h2 = hashRows([s2.col('k')], 4);
  t.same([h2[3], h2[2]], [h1[0], h1[1]], 'strings hash by value, not code');
  const big = Frame.fromColumns({ k: Array.from({ length: 400 }, (_, i) => `v${i}`), i: Array.from({ length: 400 }, (_, i) => i) });
  const pieces = splitByKeys(big, ['k'], 4);
  t.equal(
    pieces.reduce((s, p) => s + p.length, 0),
    400,
  );
  for (const p of pieces) {
    t.equal(p.col('k').dict!.length, p.length, 'dictionary compacted to the piece');
    const is = p.values('i') as number[];
    t.same(
      is,
      [...is].sort((x, y) => x - y),
      'row order kept within a piece',
    );
    t.same(
      Array.from({ length: p.length }, (_, r) => getCell(p.col('k'), r)),
      is.map((i) => `v${i}`),
      'values intact',
    );
  }
});
