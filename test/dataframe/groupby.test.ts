import t from 'tap';
import { shutdownSchedulers } from '../../src/index.js';
import * as dd from '../../src/dataframe/index.js';
import { Frame } from '../../src/dataframe/frame.js';
import { groupChunk, groupFinalize, type GroupSpec } from '../../src/dataframe/ops/groupby.js';
import { SCHEDULERS } from '../helpers/schedulers.js';
import { computeFrame, csvFrame, rows, sortedRows } from './groupby-helpers.js';

t.teardown(shutdownSchedulers);

// Groups by k (missing k dropped): a: x 1 3 7, y 10 30 70, s p r p
//                                  b: x 2 6,   y - 60,     s q t
//                                  c: x - 8,   y 50 80,    s - u
const DATA = 'k,g2,x,y,s\na,1,1,10,p\nb,1,2,,q\na,2,3,30,r\n,1,4,40,s\nc,2,,50,\nb,2,6,60,t\na,1,7,70,p\nc,1,8,80,u\n';

const EXPECTED_AGG = [
  { k: 'a', x: 11, y_mean: 36.666666667, y_count: 3, Owners: 2 },
  { k: 'b', x: 8, y_mean: 60, y_count: 1, Owners: 2 },
  { k: 'c', x: 8, y_mean: 65, y_count: 2, Owners: 1 },
];

for (const scheduler of SCHEDULERS) {
  t.test(`groupby on ${scheduler}`, async (t) => {
    const df = csvFrame(DATA, 24);
    t.ok(df.npartitions >= 4, 'input spans several partitions');

    t.test('agg: one fn keeps the name, a list gives col_fn, named aggregation', async (t) => {
      const spec = { x: 'sum', y: ['mean', 'count'], Owners: { column: 's', agg: 'nunique' } } as const;
      const tree = df.groupby('k').agg(spec);
      t.same(tree.columns, ['k', 'x', 'y_mean', 'y_count', 'Owners'], 'keys lead, outputs in spec order (known lazily)');
      t.equal(tree.npartitions, 1);
      t.same(rows(await computeFrame(tree, scheduler)), EXPECTED_AGG, 'tree reduction');
      const shuffled = df.groupby('k', { splitOut: 3 }).agg(spec);
      t.equal(shuffled.npartitions, 3);
      t.same(sortedRows(await computeFrame(shuffled, scheduler)), EXPECTED_AGG.map((r) => JSON.stringify(r)).sort(), 'hash shuffle into 3 outputs');
    });

    t.test('every aggregation method, by hand', async (t) => {
      const g = df.select(['k', 'x', 's']).groupby('k');
      const [mean, sum, count, min, max, std, v, nunique, first, last] = await Promise.all(
        [g.mean(), g.sum(), g.count(), g.min(), g.max(), g.std(), g.var(), g.nunique(), g.first(), g.last()].map((x) => computeFrame(x, scheduler)),
      );
      t.same(
        rows(mean),
        [
          { k: 'a', x: 3.666666667 },
          { k: 'b', x: 4 },
          { k: 'c', x: 8 },
        ],
        'mean skips NaN; string column left out',
      );
      t.same(rows(sum), [
        { k: 'a', x: 11 },
        { k: 'b', x: 8 },
        { k: 'c', x: 8 },
      ]);
      t.same(rows(count), [
        { k: 'a', x: 3, s: 3 },
        { k: 'b', x: 2, s: 2 },
        { k: 'c', x: 1, s: 1 },
      ]);
      t.same(
        rows(min),
        [
          { k: 'a', x: 1, s: 'p' },
          { k: 'b', x: 2, s: 'q' },
          { k: 'c', x: 8, s: 'u' },
        ],
        'strings compare by value',
      );
      t.same(rows(max), [
        { k: 'a', x: 7, s: 'r' },
        { k: 'b', x: 6, s: 't' },
        { k: 'c', x: 8, s: 'u' },
      ]);
      t.same(
        rows(std),
        [
          { k: 'a', x: 3.055050463 },
          { k: 'b', x: 2.828427125 },
          { k: 'c', x: null },
        ],
        'ddof 1; one value gives NaN',
      );
      t.same(rows(v), [
        { k: 'a', x: 9.333333333 },
        { k: 'b', x: 8 },
        { k: 'c', x: null },
      ]);
      t.same(rows(nunique), [
        { k: 'a', x: 3, s: 2 },
        { k: 'b', x: 2, s: 2 },
        { k: 'c', x: 1, s: 1 },
      ]);
      t.same(
        rows(first),
        [
          { k: 'a', x: 1, s: 'p' },
          { k: 'b', x: 2, s: 'q' },
          { k: 'c', x: 8, s: 'u' },
        ],
        'first non-missing',
      );
      t.same(rows(last), [
        { k: 'a', x: 7, s: 'p' },
        { k: 'b', x: 6, s: 't' },
        { k: 'c', x: 8, s: 'u' },
      ]);
      t.same(count.dtypes, ['string', 'int64', 'int64']);
    });

    t.test('series results are indexed by the key', async (t) => {
      const s = df.groupby('k').col('y').max();
      t.equal(s.name, 'y');
      t.same(rows(await computeFrame(s, scheduler), true), [
        { '(index)': 'a', y: 70 },
        { '(index)': 'b', y: 60 },
        { '(index)': 'c', y: 80 },
      ]);
      t.same(rows(await computeFrame(df.groupby('k').size(), scheduler), true), [
        { '(index)': 'a', size: 3 },
        { '(index)': 'b', size: 2 },
        { '(index)': 'c', size: 2 },
      ]);
      const danfo = await df.groupby('k').col('x').sum().compute({ scheduler });
      t.same(danfo.index, ['a', 'b', 'c'], 'danfo Series index holds the keys');
      t.same(danfo.values, [11, 8, 8]);
    });

    t.test('several keys, dropna: false, select', async (t) => {
      const two = await computeFrame(df.groupby(['k', 'g2']).agg({ x: ['sum', 'count'] }), scheduler);
      t.same(rows(two), [
        { k: 'a', g2: 1, x_sum: 8, x_count: 2 },
        { k: 'a', g2: 2, x_sum: 3, x_count: 1 },
        { k: 'b', g2: 1, x_sum: 2, x_count: 1 },
        { k: 'b', g2: 2, x_sum: 6, x_count: 1 },
        { k: 'c', g2: 1, x_sum: 8, x_count: 1 },
        { k: 'c', g2: 2, x_sum: 0, x_count: 0 },
      ]);
      const withNa = await computeFrame(df.groupby('k', { dropna: false }).select(['x']).sum(), scheduler);
      t.same(
        rows(withNa),
        [
          { k: 'a', x: 11 },
          { k: 'b', x: 8 },
          { k: 'c', x: 8 },
          { k: null, x: 4 },
        ],
        'missing key is a group, sorted last',
      );
      const sel = await computeFrame(df.groupby('g2').select(['x', 'y']).max(), scheduler);
      t.same(rows(sel), [
        { g2: 1, x: 8, y: 80 },
        { g2: 2, x: 6, y: 60 },
      ]);
    });

    t.test('a Series as the key (groupby year of a date)', async (t) => {
      const dates = csvFrame('d,v\n2001-03-01,1\n2002-01-05,5\n2001-12-31,3\n2002-06-01,2\n', 20, { parseDates: ['d'] });
      const r = await computeFrame(dates.groupby(dates.col('d').dt.year()).select(['v']).max(), scheduler);
      t.same(rows(r), [
        { d: 2001, v: 3 },
        { d: 2002, v: 5 },
      ]);
    });

    t.test('a key holding 40% of the rows, tree and shuffle agree with a direct count', async (t) => {
      const n = 600;
      const lines = ['k,v'];
      const want = new Map<number, [number, number]>();
      for (let i = 0; i < n; i++) {
        const k = i % 5 < 2 ? 0 : 1 + ((i * 7919) % 97);
        const v = (i * 31) % 17;
        lines.push(`${k},${v}`);
        const w = want.get(k) ?? [0, 0];
        want.set(k, [w[0] + v, w[1] + 1]);
      }
      const skew = csvFrame(lines.join('\n') + '\n', 500);
      t.ok(skew.npartitions >= 4);
      const expect = [...want.entries()].sort((a, b) => a[0] - b[0]).map(([k, [s, c]]) => ({ k, v_sum: s, v_count: c }));
      t.equal(expect[0].v_count, 240, 'key 0 holds 40% of the rows');
      for (const splitOut of [1, 4]) {
        const r = await computeFrame(skew.groupby('k', { splitOut }).agg({ v: ['sum', 'count'] }), scheduler);
        t.same(
          rows(r).sort((a, b) => Number(a.k) - Number(b.k)),
          expect,
          `splitOut ${splitOut}`,
        );
      }
    });
  });
}

t.test('errors name the column and the fix', async (t) => {
  const df = csvFrame(DATA, 24);
  t.throws(() => df.groupby('k').agg({ s: 'mean' }), /cannot take the mean of string column 's'/);
  t.throws(() => df.groupby('k').agg({ x: 'mode' as 'mean' }), /unknown aggregation 'mode'/);
  t.throws(() => df.groupby('nope'), /column 'nope' not found/);
  t.throws(() => df.groupby('k').agg({ k: 'count' }), /'k' is a group key/);
  t.throws(() => df.groupby('k').agg({ k2: { column: 'x', agg: 'sum' }, x: ['sum'], x_sum: 'sum' as never }), /named 'x_sum'|column 'x_sum' not found/);
  t.throws(() => df.groupby('k').agg({ k: { column: 'x', agg: 'sum' } }), /two result columns would be named 'k'/);
});

t.test('agrees with danfo.js groupby on data without missing values', async (t) => {
  const dfd = await import('danfojs-node');
  const n = 300;
  const data = {
    g: Array.from({ length: n }, (_, i) => ['x', 'y', 'z', 'w'][(i * 13) % 4]),
    a: Array.from({ length: n }, (_, i) => (i * 37) % 101),
    b: Array.from({ length: n }, (_, i) => ((i * 17) % 23) / 4),
  };
  const danfoDf = new dfd.DataFrame(data);
  const ours = dd.fromDanfo(danfoDf, { npartitions: 4 });
  const theirs = danfoDf.groupby(['g']).agg({ a: ['sum', 'count', 'max'], b: ['mean', 'min'] });
  const byKey = new Map<string, Record<string, unknown>>();
  const cols = theirs.columns;
  for (const row of theirs.values as unknown[][]) byKey.set(String(row[0]), Object.fromEntries(cols.map((c, i) => [c, row[i]])));
  for (const scheduler of SCHEDULERS) {
    const mine = await computeFrame(ours.groupby('g').agg({ a: ['sum', 'count', 'max'], b: ['mean', 'min'] }), scheduler);
    const bad = rows(mine).filter((r) => {
      const d = byKey.get(String(r.g))!;
      return (
        r.a_sum !== d.a_sum || r.a_count !== d.a_count || r.a_max !== d.a_max || Math.abs(Number(r.b_mean) - Number(d.b_mean)) > 1e-9 || r.b_min !== d.b_min
      );
    });
    t.same(bad, [], `every group equals danfo's on ${scheduler}`);
    t.equal(mine.length, byKey.size);
  }
});

t.test('kernel level: Welford-style merge of partial variances is exact across splits', async (t) => {
  const xs = Array.from({ length: 1000 }, (_, i) => 1e9 + ((i * 7919) % 1000) / 7);
  const spec: GroupSpec = { by: ['k'], outputs: [{ name: 'v', column: 'x', fn: 'var' }], dropna: true, sort: true, ddof: 1 };
  const parts = [0, 1, 2, 3].map((p) => Frame.fromColumns({ k: xs.slice(p * 250, (p + 1) * 250).map(() => 'a'), x: xs.slice(p * 250, (p + 1) * 250) }));
  const v = groupFinalize(
    parts.map((p) => groupChunk(p, spec)),
    spec,
    parts[0],
  ).values('v')[0] as number;
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const direct = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1);
  t.ok(Math.abs(v - direct) / direct < 1e-9, `variance ${v} vs ${direct} (large offset, no cancellation)`);
});
