/**
 * Element-wise ops, selection and reductions on a small frame split into 3 partitions,
 * against hand-computed answers and danfo's own results, on every registered scheduler.
 * Each scheduler computes everything in ONE graph (one compute call) to keep the suite fast.
 */
import t from 'tap';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compute, shutdownSchedulers } from '../../src/index.js';
import * as dd from '../../src/dataframe/index.js';
import { danfoModule, type DanfoDataFrame, type DanfoSeries } from '../../src/dataframe/danfo.js';
import { SCHEDULERS } from '../helpers/schedulers.js';

t.teardown(shutdownSchedulers);

const dfd = danfoModule();
const pdf = new dfd.DataFrame({
  a: [1, 2, 3, 4, 5, 6, 7],
  b: [10.5, NaN, 30, 40, -5, NaN, 70],
  s: ['x', 'y', null, 'x', 'zz', 'y', 'x'],
  f: [true, false, true, true, false, false, true],
});
const ddf = dd.fromDanfo(pdf, { npartitions: 3 });
const a = ddf.col('a');
const b = ddf.col('b');
const s = ddf.col('s');

const vals = (x: unknown): unknown[] => (x as DanfoSeries).values;
const close = (x: number, y: number) => Math.abs(x - y) < 1e-9 || (Number.isNaN(x) && Number.isNaN(y));

t.test('structure is known without computing', async (t) => {
  t.equal(ddf.npartitions, 3);
  t.same(ddf.columns, ['a', 'b', 's', 'f']);
  t.same(ddf.dtypes, { a: 'int64', b: 'float64', s: 'string', f: 'bool' });
  t.match(String(ddf), /npartitions=3[\s\S]*a\s+int64[\s\S]*s\s+string[\s\S]*Tasks: 3 \(from-danfo\)/);
  t.equal(a.name, 'a');
  t.equal(a.dtype, 'int64');
  t.equal(a.div(2).dtype, 'float64');
  t.equal(a.add(1).dtype, 'int64');
  t.equal(a.gt(1).dtype, 'bool');
  t.same(ddf.selectDtypes({ include: 'number' }).columns, ['a', 'b']);
  t.same(ddf.selectDtypes({ exclude: ['number', 'bool'] }).columns, ['s']);
  t.same(ddf.select(['s', 'a']).columns, ['s', 'a']);
  t.same(ddf.drop(['b']).columns, ['a', 's', 'f']);
  t.same(ddf.rename({ a: 'A' }).columns, ['A', 'b', 's', 'f']);
  t.same(ddf.iloc(null, [1, 3]).columns, ['b', 'f']);
  t.throws(() => ddf.iloc([1, 3] as never), /iloc: selecting rows by position is not supported/);
  t.throws(() => ddf.col('nope'), /column 'nope' not found/);
  t.throws(() => a.str.lower(), /'a' is int64, not string/);
  t.throws(() => a.dt.year(), /convert it with dd.toDatetime/);
});

for (const scheduler of SCHEDULERS) {
  t.test(`results on ${scheduler}`, async (t) => {
    const lazy = {
      add: a.add(b),
      sub: a.sub(1),
      mul: a.mul(a),
      div: b.div(a),
      mod: a.mod(3),
      pow: a.pow(2),
      neg: a.neg(),
      gt: a.gt(3),
      le: b.le(30),
      eqs: s.eq('x'),
      nes: s.ne('x'),
      ltMean: a.lt(a.mean()),
      and: a.gt(2).and(a.lt(6)),
      or: a.lt(2).or(a.gt(6)),
      not: ddf.col('f').not(),
      isna: b.isna(),
      notna: s.notna(),
      fillna: b.fillna(0),
      isin: s.isin(['x', 'zz']),
      isinSeries: a.isin(a.filter(a.gt(5))),
      between: b.between(10.5, 40),
      astype: a.astype('float64').div(2),
      asStr: a.astype('string'),
      lower: s.str.upper(),
      len: s.str.len(),
      contains: s.str.contains('z'),
      filtered: ddf.filter(a.gt(4)),
      loc: ddf.loc(b.gt(b.mean()), ['a', 's']),
      assigned: ddf.assign({ c: a.mul(10), k: 1, d: (df: dd.DataFrame) => df.col('a').add(df.col('b')) }),
      dropna: ddf.dropna(),
      dropnaSub: ddf.dropna({ subset: ['s'] }),
      fillFrame: ddf.fillna({ b: -1, s: '?' }),
      isnaFrame: ddf.isna(),
      sum: a.sum(),
      mean: b.mean(),
      min: b.min(),
      max: b.max(),
      std: b.std(),
      var: a.var(),
      count: b.count(),
      countS: s.count(),
      nunique: s.nunique(),
      any: ddf.col('f').any(),
      all: ddf.col('f').all(),
      median: b.median(),
      q: a.quantile(0.25),
      len7: ddf.lengthLazy(),
      fsum: ddf.sum(),
      fcount: ddf.count(),
      fmean: ddf.mean(),
      fnunique: ddf.nunique(),
      fstd: ddf.std(),
      fmin: ddf.select(['a', 'b', 'f']).min(),
      describe: ddf.describe(),
      fmedian: ddf.median(),
      ratio: a.sum().div(a.count()),
    };
    const [r] = (await compute(lazy, { scheduler })) as unknown as [Record<string, unknown>];
    // arithmetic against danfo
    const pa = pdf.column('a');
    const pb = pdf.column('b');
    t.same(vals(r.add), vals(pa.add(pb)));
    t.same(vals(r.sub), [0, 1, 2, 3, 4, 5, 6]);
    t.same(vals(r.mul), vals(pa.mul(pa)));
    t.same(vals(r.div), vals(pb.div(pa)));
    t.same(vals(r.mod), [1, 2, 0, 1, 2, 0, 1]);
    t.same(vals(r.pow), [1, 4, 9, 16, 25, 36, 49]);
    t.same(vals(r.neg), [-1, -2, -3, -4, -5, -6, -7]);
    t.same(vals(r.gt), vals(pa.gt(3)));
    t.same(vals(r.le), [true, false, true, false, true, false, false]);
    t.same(vals(r.eqs), [true, false, false, true, false, false, true]);
    t.same(vals(r.nes), [false, true, true, false, true, true, false]);
    t.same(vals(r.ltMean), [true, true, true, false, false, false, false]);
    t.same(vals(r.and), [false, false, true, true, true, false, false]);
    t.same(vals(r.or), [true, false, false, false, false, false, true]);
    t.same(vals(r.not), [false, true, false, false, true, true, false]);
    // missing values and membership
    t.same(vals(r.isna), vals(pb.isNa()));
    t.same(vals(r.notna), [true, true, false, true, true, true, true]);
    t.same(vals(r.fillna), [10.5, 0, 30, 40, -5, 0, 70]);
    t.same(vals(r.isin), [true, false, false, true, true, false, true]);
    t.same(vals(r.isinSeries), [false, false, false, false, false, true, true]);
    t.same(vals(r.between), [true, false, true, true, false, false, false]);
    t.same(vals(r.astype), [0.5, 1, 1.5, 2, 2.5, 3, 3.5]);
    t.same(vals(r.asStr), ['1', '2', '3', '4', '5', '6', '7']);
    t.same(vals(r.lower), ['X', 'Y', null, 'X', 'ZZ', 'Y', 'X']);
    t.same(vals(r.len), [1, 1, NaN, 1, 2, 1, 1]);
    t.same(vals(r.contains), [false, false, null, false, true, false, false], 'a missing value stays missing, as in pandas');
    // frames
    const filtered = r.filtered as DanfoDataFrame;
    t.same(filtered.column('a').values, [5, 6, 7]);
    t.same(filtered.column('s').values, ['zz', 'y', 'x']);
    const loc = r.loc as DanfoDataFrame;
    t.same(loc.columns, ['a', 's']);
    t.same(loc.column('a').values, [3, 4, 7], 'rows where b > mean(b) = 29.1');
    const assigned = r.assigned as DanfoDataFrame;
    t.same(assigned.columns, ['a', 'b', 's', 'f', 'c', 'k', 'd']);
    t.same(assigned.column('c').values, [10, 20, 30, 40, 50, 60, 70]);
    t.same(assigned.column('k').values, [1, 1, 1, 1, 1, 1, 1]);
    t.same(assigned.column('d').values, vals(pa.add(pb)));
    t.same((r.dropna as DanfoDataFrame).column('a').values, [1, 4, 5, 7]);
    t.same((r.dropnaSub as DanfoDataFrame).column('a').values, [1, 2, 4, 5, 6, 7]);
    t.same((r.fillFrame as DanfoDataFrame).column('b').values, [10.5, -1, 30, 40, -5, -1, 70]);
    t.same((r.fillFrame as DanfoDataFrame).column('s').values, ['x', 'y', '?', 'x', 'zz', 'y', 'x']);
    t.same((r.isnaFrame as DanfoDataFrame).column('s').values, [false, false, true, false, false, false, false]);
    // reductions: hand-computed and danfo
    t.equal(r.sum, 28);
    t.ok(close(r.mean as number, pb.mean()));
    t.equal(r.min, -5);
    t.equal(r.max, 70);
    t.ok(close(r.std as number, pb.dropNa().std()));
    t.ok(close(r.var as number, pa.var()));
    t.equal(r.count, 5);
    t.equal(r.countS, 6);
    t.equal(r.nunique, 3);
    t.equal(r.any, true);
    t.equal(r.all, false);
    t.equal(r.median, 30, 'median of 10.5, 30, 40, -5, 70');
    t.equal(r.q, 2.5, 'linear interpolation like pandas');
    t.equal(r.len7, 7);
    t.equal(r.ratio, 4);
    const fsum = r.fsum as DanfoSeries;
    t.same(fsum.index, ['a', 'b', 'f'], 'numeric columns (bools count as numbers)');
    t.same(fsum.values, [28, 145.5, 4]);
    t.same((r.fcount as DanfoSeries).values, [7, 5, 6, 7]);
    t.same((r.fcount as DanfoSeries).index, ['a', 'b', 's', 'f']);
    t.same((r.fnunique as DanfoSeries).values, [7, 5, 3, 2]);
    t.ok(close((r.fmean as DanfoSeries).values[1] as number, 29.1));
    t.ok(close((r.fstd as DanfoSeries).values[0] as number, pa.std()));
    t.same((r.fmin as DanfoSeries).values, [1, -5, 0]);
    const desc = r.describe as DanfoDataFrame;
    t.same(desc.index, ['count', 'mean', 'std', 'min', '25%', '50%', '75%', 'max']);
    t.same(desc.columns, ['a', 'b']);
    t.same(
      desc.column('a').values.map((x) => Math.round((x as number) * 1e9) / 1e9),
      [7, 4, 2.160246899, 1, 2.5, 4, 5.5, 7],
    );
    t.same(desc.column('b').values.slice(3), [-5, 10.5, 30, 40, 70]);
    t.same((r.fmedian as DanfoSeries).values, [4, 30]);
  });
}

t.test('partitions, head/tail, repartition, sample, mapPartitions, toDelayed, fromDelayed, concat, toCsv', async (t) => {
  const sync = { scheduler: 'sync' } as const;
  t.same((await ddf.partitions(1).compute(sync)).column('a').values, [4, 5, 6]);
  t.same((await ddf.partitions([2, 0]).compute(sync)).column('a').values, [7, 1, 2, 3]);
  t.throws(() => ddf.partitions(3), /there are 3 partitions/);
  t.same((await ddf.head(2, sync)).column('a').values, [1, 2]);
  t.same((await ddf.head(5, sync)).column('a').values, [1, 2, 3, 4, 5], 'head reads further partitions when the first is short');
  t.same((await ddf.tail(2, sync)).column('a').values, [6, 7]);
  t.same((await a.head(3, sync)).values, [1, 2, 3]);
  for (const n of [1, 2, 5, 7]) {
    const r = ddf.repartition({ npartitions: n });
    t.equal(r.npartitions, n);
    t.same((await r.col('a').compute(sync)).values, [1, 2, 3, 4, 5, 6, 7], `repartition to ${n}`);
  }
  const smp = ddf.sample({ frac: 0.5, randomState: 3 });
  const s1 = (await smp.col('a').compute(sync)).values as number[];
  const s2 = (await smp.col('a').compute({ scheduler: SCHEDULERS[SCHEDULERS.length - 1] })).values as number[];
  t.same(s1, s2, 'the same sample on any scheduler');
  t.equal(s1.length, 5, 'round(frac * rows) per partition of 3, 3 and 1 rows: 2 + 2 + 1');
  t.ok(s1.every((x) => x >= 1 && x <= 7 && new Set(s1).size === s1.length));
  const mapped = ddf.mapPartitions((part: DanfoDataFrame) => part.addColumn('twice', part.column('a').mul(2), { inplace: false }));
  t.same(mapped.columns, ['a', 'b', 's', 'f', 'twice']);
  t.same((await mapped.col('twice').compute(sync)).values, [2, 4, 6, 8, 10, 12, 14]);
  const parts = ddf.toDelayed();
  t.equal(parts.length, 3);
  const first = await parts[0].compute(sync);
  t.same(first.column('a').values, [1, 2, 3]);
  const back = dd.fromDelayed(parts);
  t.same(back.columns, ddf.columns);
  t.equal(await back.length(sync), 7);
  const both = dd.concat([ddf, ddf.select(['a']).assign({ extra: 1 })]);
  t.same(both.columns, ['a', 'b', 's', 'f', 'extra']);
  t.equal(both.npartitions, 6);
  const bothDf = await both.compute(sync);
  t.equal(bothDf.shape[0], 14);
  t.same(bothDf.column('extra').values.slice(5, 9), [NaN, NaN, 1, 1]);
  const out = mkdtempSync(join(tmpdir(), 'tsdask-tocsv-'));
  t.teardown(() => rmSync(out, { recursive: true, force: true }));
  const files = await ddf.toCsv(join(out, 'part-*.csv'), sync);
  t.equal(files.length, 3);
  t.equal(readFileSync(files[1], 'utf8'), 'a,b,s,f\n4,40,x,True\n5,-5,zz,False\n6,,y,False\n');
  const again = dd.readCsv(join(out, 'part-*.csv'));
  t.same((await again.compute(sync)).column('b').values, pdf.column('b').values, 'toCsv -> readCsv round-trips');
});

t.test('dates: toDatetime with and without format, .dt fields, toNumeric', async (t) => {
  const sync = { scheduler: 'sync' } as const;
  const f = dd.fromDanfo(
    new dfd.DataFrame({
      d: ['2016-01-03 10:20:30', '2016-02-29', 'bad', null],
      e: ['03/01/2016', '29/02/2016', '31/12/1999', null],
      n: ['1', '2.5', 'x', null],
    }),
    { npartitions: 2 },
  );
  await t.rejects(dd.toDatetime(f.col('d')).compute(sync), /cannot parse 'bad' in 'd'.*errors: 'coerce'/);
  const d = dd.toDatetime(f.col('d'), { errors: 'coerce' });
  t.equal(d.dtype, 'datetime');
  const [year, month, day, dow, hour] = await compute(d.dt.year(), d.dt.month(), d.dt.day(), d.dt.dayofweek(), d.dt.hour(), sync);
  t.same(year.values, [2016, 2016, NaN, NaN]);
  t.same(month.values, [1, 2, NaN, NaN]);
  t.same(day.values, [3, 29, NaN, NaN]);
  t.same(dow.values, [6, 0, NaN, NaN], '2016-01-03 was a Sunday, 2016-02-29 a Monday');
  t.same(hour.values, [10, 0, NaN, NaN]);
  const e = dd.toDatetime(f.col('e'), { format: '%d/%m/%Y' });
  t.same((await e.compute(sync)).values, [new Date(Date.UTC(2016, 0, 3)), new Date(Date.UTC(2016, 1, 29)), new Date(Date.UTC(1999, 11, 31)), null]);
  await t.rejects(dd.toNumeric(f.col('n')).compute(sync), /cannot parse 'x' in 'n'/);
  t.same((await dd.toNumeric(f.col('n'), { errors: 'coerce' }).compute(sync)).values, [1, 2.5, NaN, NaN]);
  t.same(await d.min().compute(sync), new Date(Date.UTC(2016, 0, 3, 10, 20, 30)));
  t.same(await d.max().compute(sync), new Date(Date.UTC(2016, 1, 29)));
});

t.test('errors say what to do', async (t) => {
  const sync = { scheduler: 'sync' } as const;
  t.throws(() => ddf.filter(a), /filter: the mask must be a bool series/);
  t.throws(() => a.add(dd.fromDanfo(pdf, { npartitions: 2 }).col('a')), /inputs have 3 and 2 partitions/);
  t.throws(() => s.sum(), /sum\(\) is not defined for string series 's'/);
  t.throws(() => a.quantile(2), /q must be between 0 and 1/);
  t.throws(() => ddf.mapPartitions(() => 42), /could not infer the output schema.*pass \{ meta/);
  await t.rejects(ddf.mapPartitions(() => 42, { meta: { a: 'int64' } }).compute(sync), /must return a danfo.DataFrame or danfo.Series, got number/);
});

t.test('map ships a user function; persist keeps partitions for later computes', async (t) => {
  const doubled = a.map((v) => (v as number) * 2);
  t.equal(doubled.dtype, 'int64');
  const label = s.map((v) => (v === null ? 'none' : `<${String(v)}>`));
  t.equal(label.dtype, 'string');
  for (const scheduler of SCHEDULERS) {
    const [d, l] = await compute(doubled, label, { scheduler });
    t.same(d.values, [2, 4, 6, 8, 10, 12, 14], scheduler);
    t.same(l.values, ['<x>', '<y>', 'none', '<x>', '<zz>', '<y>', '<x>'], scheduler);
  }
  const factor = 3;
  await t.rejects(
    async () =>
      compute(
        a.map((v) => (v as number) * factor),
        { scheduler: SCHEDULERS[SCHEDULERS.length - 1] },
      ),
    /factor/,
    'a closure over a local is refused, naming it',
  );
  const persisted = await ddf.assign({ c: a.mul(2) }).persist({ scheduler: 'sync' });
  t.equal(persisted.npartitions, 3);
  t.equal(persisted.taskCount(), 3, 'persisted partitions are data, not tasks');
  t.equal(await persisted.col('c').sum().compute({ scheduler: 'sync' }), 56);
  const svg = await ddf.col('a').sum().visualize({ format: 'dot' });
  t.match(svg, /from-danfo/);
});
