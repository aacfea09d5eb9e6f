import t from 'tap';
import { shutdownSchedulers } from '../../src/index.js';
import * as dd from '../../src/dataframe/index.js';
import { materialize } from '../../src/core/collection.js';
import type { Task } from '../../src/core/graph.js';
import { Frame } from '../../src/dataframe/frame.js';
import { hashJoin } from '../../src/dataframe/ops/merge.js';
import { SCHEDULERS } from '../helpers/schedulers.js';
import { computeFrame, csvFrame, rows, sortedRows } from './groupby-helpers.js';

t.teardown(shutdownSchedulers);

const LEFT = 'k,v,w\na,1,1\nb,2,1\na,3,1\nz,5,1\nb,6,1\nq,7,1\n';
const RIGHT = 'k,w\nb,10\na,20\nc,30\na,50\nq,70\n';

// By hand: matches a->{20,50}, b->{10}, q->{70}; left-only z; right-only c.
const INNER = [
  { k: 'a', v: 1, w_x: 1, w_y: 20 },
  { k: 'a', v: 1, w_x: 1, w_y: 50 },
  { k: 'b', v: 2, w_x: 1, w_y: 10 },
  { k: 'a', v: 3, w_x: 1, w_y: 20 },
  { k: 'a', v: 3, w_x: 1, w_y: 50 },
  { k: 'b', v: 6, w_x: 1, w_y: 10 },
  { k: 'q', v: 7, w_x: 1, w_y: 70 },
];
const LEFT_ONLY = { k: 'z', v: 5, w_x: 1, w_y: null };
const RIGHT_ONLY = { k: 'c', v: null, w_x: null, w_y: 30 };
const WANT: Record<string, object[]> = {
  inner: INNER,
  left: [...INNER, LEFT_ONLY],
  right: [...INNER, RIGHT_ONLY],
  outer: [...INNER, LEFT_ONLY, RIGHT_ONLY],
};
const sorted = (xs: object[]) => xs.map((r) => JSON.stringify(r)).sort();

for (const scheduler of SCHEDULERS) {
  t.test(`merge on ${scheduler}`, async (t) => {
    const left = csvFrame(LEFT, 16);
    const right = csvFrame(RIGHT, 14);
    const rightOne = csvFrame(RIGHT, 1 << 20);
    t.ok(left.npartitions >= 3 && right.npartitions >= 3 && rightOne.npartitions === 1);

    for (const how of ['inner', 'left', 'right', 'outer'] as const) {
      t.test(`${how}: hash join (both sides shuffled) and broadcast agree with the hand answer`, async (t) => {
        const shuffled = left.merge(right, { on: 'k', how });
        t.same(shuffled.columns, ['k', 'v', 'w_x', 'w_y']);
        t.same(sortedRows(await computeFrame(shuffled, scheduler)), sorted(WANT[how]), 'shuffle plan');
        const one = dd.merge({ left, right: rightOne, on: 'k', how });
        t.same(
          sortedRows(await computeFrame(one, scheduler)),
          sorted(WANT[how]),
          how === 'outer' || how === 'right' ? 'shuffle plan (cannot broadcast)' : 'broadcast plan',
        );
      });
    }

    t.test('a left join keeps left order in each partition and types the right side for missing rows', async (t) => {
      const f = await computeFrame(left.merge(rightOne, { on: 'k', how: 'left' }), scheduler);
      t.same(f.values('v'), [1, 1, 2, 3, 3, 5, 6, 7]);
      t.same(f.dtypes, ['string', 'int64', 'int64', 'float64'], 'ints of the side that may miss rows are float64');
    });

    t.test('several keys, leftOn/rightOn with different names, int64 against float64 keys', async (t) => {
      const a = csvFrame('id,yr,x\n1,2000,a\n2,2000,b\n1,2001,c\n3,2001,d\n', 18);
      const b = csvFrame('qid,year,y\n1.0,2000,P\n1.0,2001,Q\n2.0,2001,R\n3.0,2001,S\n', 20);
      const r = a.merge(b, { leftOn: ['id', 'yr'], rightOn: ['qid', 'year'] });
      t.same(r.columns, ['id', 'yr', 'x', 'qid', 'year', 'y'], 'both key columns kept when names differ');
      t.same(
        sortedRows(await computeFrame(r, scheduler)),
        sorted([
          { id: 1, yr: 2000, x: 'a', qid: 1, year: 2000, y: 'P' },
          { id: 1, yr: 2001, x: 'c', qid: 1, year: 2001, y: 'Q' },
          { id: 3, yr: 2001, x: 'd', qid: 3, year: 2001, y: 'S' },
        ]),
      );
    });
  });
}

t.test('errors', async (t) => {
  const left = csvFrame(LEFT, 16);
  const right = csvFrame(RIGHT, 14);
  const nums = csvFrame('k,n\n1,2\n', 100);
  t.throws(() => left.merge(nums, { on: 'k' }), /cannot match string key 'k' with int64 key 'k'/);
  t.throws(() => left.merge(right, { on: 'nope' }), /left frame has no column 'nope'/);
  t.throws(() => left.merge(right, { on: 'k', how: 'outer', broadcast: true }), /neither side can be broadcast/);
  t.throws(() => left.merge(right, { leftOn: 'k' }), /leftOn and rightOn go together/);
  t.throws(() => left.merge(right, { on: 'k', suffixes: ['', ''] }), /two columns named 'w'/);
});

t.test('kernel: missing keys match missing keys; dictionaries differ per side', async (t) => {
  const l = Frame.fromColumns({ k: ['x', null, 'y'], a: [1, 2, 3] });
  const r = Frame.fromColumns({ k: ['y', 'x', null, 'x'], b: [10, 20, 30, 40] });
  const j = hashJoin(l, r, { how: 'inner', leftOn: ['k'], rightOn: ['k'], suffixes: ['_x', '_y'] });
  t.same(rows(j), [
    { k: 'x', a: 1, b: 20 },
    { k: 'x', a: 1, b: 40 },
    { k: null, a: 2, b: 30 },
    { k: 'y', a: 3, b: 10 },
  ]);
});

t.test('agrees with danfo.js merge', async (t) => {
  const dfd = await import('danfojs-node');
  const n = 200;
  const L = new dfd.DataFrame({ key: Array.from({ length: n }, (_, i) => `k${(i * 7) % 23}`), a: Array.from({ length: n }, (_, i) => i) });
  const R = new dfd.DataFrame({ key: Array.from({ length: 40 }, (_, i) => `k${(i * 3) % 31}`), b: Array.from({ length: 40 }, (_, i) => i * 10) });
  for (const how of ['inner', 'left'] as const) {
    const theirs = dfd.merge({ left: L, right: R, on: ['key'], how });
    const norm = (v: unknown) => (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v)) ? null : v);
    const theirRows = (theirs.values as unknown[][]).map((r) => JSON.stringify([r[0], r[1], norm(r[2])])).sort();
    for (const scheduler of SCHEDULERS) {
      const mine = await computeFrame(dd.fromDanfo(L, { npartitions: 3 }).merge(dd.fromDanfo(R, { npartitions: 2 }), { on: 'key', how }), scheduler);
      t.same(
        rows(mine)
          .map((r) => JSON.stringify([r.key, r.a, r.b]))
          .sort(),
        theirRows,
        `${how} on ${scheduler}`,
      );
    }
  }
});

t.test('column projection reaches the CSV reader and both sides of a merge', async (t) => {
  const left = csvFrame(LEFT, 16);
  const right = csvFrame(RIGHT, 14);
  const readTasks = (df: dd.DataFrame) =>
    [...materialize([df.layer]).entries()].filter(([k]) => k.startsWith('read-csv-')).map(([, node]) => (node as Task).args[4] as { kinds: string[] });
  const v = left.select(['v']);
  t.same(
    readTasks(v).map((s) => s.kinds),
    readTasks(v).map(() => ['skip', 'int64', 'skip']),
    'only v is parsed',
  );
  const g = left.merge(right, { on: 'k', how: 'left' }).groupby('k').agg({ v: 'sum' });
  t.ok(
    readTasks(g).every((s) => !s.kinds.includes('int64') || s.kinds.filter((k) => k !== 'skip').length <= 2),
    'merge inputs read k, v (and w for suffixes) only',
  );
  const [lp, rp] = [await left.persist({ scheduler: 'sync' }), await right.persist({ scheduler: 'sync' })];
  const plain = lp.merge(rp, { on: 'k', how: 'left' }).groupby('k').agg({ v: 'sum', w_y: 'max' });
  const projected = left.merge(right, { on: 'k', how: 'left' }).groupby('k').agg({ v: 'sum', w_y: 'max' });
  t.same(rows(await computeFrame(projected, 'sync')), rows(await computeFrame(plain, 'sync')), 'same answer with and without projection');
});
