import t from 'tap';
import { compute, shutdownSchedulers } from '../../src/index.js';
import { Frame } from '../../src/dataframe/frame.js';
import { fromFrames } from '../../src/dataframe/index.js';
import { SCHEDULERS } from '../helpers/schedulers.js';
import { computeFrame, csvFrame, rows } from './groupby-helpers.js';

t.teardown(shutdownSchedulers);

const N = 150;
const lines = ['name,x,y'];
const data: Array<{ name: string; x: number | null; y: number }> = [];
for (let i = 0; i < N; i++) {
  const x = i % 11 === 0 ? null : (i * 7919) % 97;
  const name = `n${(i * 31) % 53}`;
  const y = i % 3;
  data.push({ name, x, y });
  lines.push(`${name},${x ?? ''},${y}`);
}
const DATA = lines.join('\n') + '\n';

/** Stable sort of the rows by hand: missing last. */
function expectSorted(key: (r: (typeof data)[number]) => number | string | null, asc: boolean) {
  return data
    .map((r, i) => ({ r, i }))
    .sort((a, b) => {
      const x = key(a.r);
      const y = key(b.r);
      if (x === y) return a.i - b.i;
      if (x === null) return 1;
      if (y === null) return -1;
      return (x < y ? -1 : 1) * (asc ? 1 : -1);
    })
    .map(({ r }) => r);
}

for (const scheduler of SCHEDULERS) {
  t.test(`sorting on ${scheduler}`, async (t) => {
    const df = csvFrame(DATA, 300);
    t.ok(df.npartitions >= 4);

    t.test('sortValues across partitions: ascending, descending, missing last, stable', async (t) => {
      const up = await computeFrame(df.sortValues('x'), scheduler);
      t.same(
        rows(up),
        expectSorted((r) => r.x, true),
      );
      const down = await computeFrame(df.sortValues('x', { ascending: false, npartitions: 3 }), scheduler);
      t.same(
        rows(down),
        expectSorted((r) => r.x, false),
      );
      const byName = await computeFrame(df.sortValues(['name', 'x'], { ascending: [true, false] }), scheduler);
      const want = data
        .map((r, i) => ({ r, i }))
        .sort((a, b) =>
          a.r.name !== b.r.name ? (a.r.name < b.r.name ? -1 : 1) : a.r.x === b.r.x ? a.i - b.i : a.r.x === null ? 1 : b.r.x === null ? -1 : b.r.x - a.r.x,
        )
        .map(({ r }) => r);
      t.same(rows(byName), want, 'strings by value, then x descending');
      const s = await computeFrame(df.col('y').sortValues({ ascending: false }), scheduler);
      t.same(
        s.values('y'),
        data.map((r) => r.y).sort((a, b) => b - a),
      );
    });

    t.test('setIndex sorts by the column and moves it to the index', async (t) => {
      const f = await computeFrame(df.setIndex('x'), scheduler);
      t.same(f.names, ['name', 'y']);
      const idx = rows(f, true).map((r) => r['(index)']);
      t.same(
        idx,
        expectSorted((r) => r.x, true).map((r) => r.x),
      );
    });

    t.test('setIndex on repeated keys: the danfo result is a clear error naming a repeated label', async (t) => {
      const err = await df
        .setIndex('x')
        .compute({ scheduler })
        .then(
          () => undefined,
          (e: Error) => e,
        );
      const m = /index repeats the label (\d+), and a danfo\.js DataFrame or Series needs unique row labels/.exec(err?.message ?? '');
      t.ok(m, `clear error: ${err?.message}`);
      t.ok(data.filter((r) => r.x === Number(m?.[1])).length > 1, 'the label named does repeat in the data');
      t.match(err?.message, /Keep the key as a column instead of setIndex/);
    });

    t.test('nlargest / nsmallest: frame and series, ties to the earlier row, missing skipped', async (t) => {
      const top = await computeFrame(df.nlargest(4, 'x'), scheduler);
      t.same(rows(top), expectSorted((r) => r.x, false).slice(0, 4));
      const low = await computeFrame(df.nsmallest(3, ['y', 'x']), scheduler);
      const want = data
        .map((r, i) => ({ r, i }))
        .filter(({ r }) => r.y !== null)
        .sort((a, b) => a.r.y - b.r.y || (a.r.x === b.r.x ? a.i - b.i : a.r.x === null ? 1 : b.r.x === null ? -1 : a.r.x - b.r.x))
        .slice(0, 3)
        .map(({ r }) => r);
      t.same(rows(low), want);
      const s = await computeFrame(df.col('x').nlargest(3), scheduler);
      t.same(
        s.values('x'),
        expectSorted((r) => r.x, false)
          .slice(0, 3)
          .map((r) => r.x),
      );
      t.throws(() => df.nlargest(2, 'name'), /string column; use sortValues/);
    });

    t.test('valueCounts and unique', async (t) => {
      const vc = await computeFrame(df.col('y').valueCounts(), scheduler);
      t.same(
        rows(vc, true),
        [
          { '(index)': 0, y: 50 },
          { '(index)': 1, y: 50 },
          { '(index)': 2, y: 50 },
        ],
        'ties keep first-seen order',
      );
      const names = await computeFrame(df.col('name').valueCounts({ normalize: true }), scheduler);
      t.ok(Math.abs((names.values(names.names[0]) as number[]).reduce((a, b) => a + b, 0) - 1) < 1e-12, 'fractions sum to 1');
      const withNa = await computeFrame(df.col('x').valueCounts({ dropna: false }), scheduler);
      t.equal(rows(withNa, true).find((r) => r['(index)'] === null)?.x, 14, 'missing counted when dropna: false');
      const u = await computeFrame(df.col('name').unique(), scheduler);
      t.same(u.values('name'), [...new Set(data.map((r) => r.name))]);
      const other = csvFrame('w,q\nn1,1\nn7,\nzz,2\nn1,3\n', 12);
      const inOther = await computeFrame(df.col('name').isin(other.col('w')), scheduler);
      t.same(
        inOther.values('name'),
        data.map((r) => r.name === 'n1' || r.name === 'n7'),
        'isin another series (by value)',
      );
      const xIn = await computeFrame(df.col('x').isin(other.col('q')), scheduler);
      t.same(
        xIn.values('x'),
        data.map((r) => r.x === 1 || r.x === 2 || r.x === 3 || r.x === null),
        'missing matches missing',
      );
      const danfo = await df.col('y').valueCounts().compute({ scheduler });
      t.same(danfo.index, [0, 1, 2]);
    });
  });
}

t.test('exact quantiles across partitions match pandas linear interpolation', async (t) => {
  // pandas: pd.Series([...]).quantile([0, .1, .25, .5, .9, 1]) on these values (NaN skipped).
  const xs = [5, 1, 9, 9, 3, NaN, 7, 2, 9, 4, 6];
  const df = fromFrames([xs.slice(0, 4), xs.slice(4, 8), xs.slice(8)].map((v) => Frame.fromColumns({ x: v })));
  const s = df.col('x');
  const got = await compute(...[0, 0.1, 0.25, 0.5, 0.9, 1].map((q) => s.quantile(q)), { scheduler: 'sync' });
  t.same(got, [1, 1.9, 3.25, 5.5, 9, 9]);
  t.equal(await s.median().compute({ scheduler: 'sync' }), 5.5);
  const empty = fromFrames([Frame.fromColumns({ x: [NaN] }), Frame.fromColumns({ x: [NaN] })]);
  t.ok(Number.isNaN(await empty.col('x').quantile(0.5).compute({ scheduler: 'sync' })), 'no values: NaN');
});
