/**
 * Shapes and types of results that must agree with pandas 1.5 (issue #10): a one-column
 * groupby aggregation over several keys keeps each key as its own typed column (item 11);
 * mapPartitions keeps dtypes in its meta and across an empty partition (13); index labels
 * keep their types: a missing key, booleans, dates (13). Expected values come from pandas on
 * the same columns; each suite runs on sync and threads.
 */
import t from 'tap';
import { shutdownSchedulers } from '../../src/index.js';
import type { DanfoDataFrame } from '../../src/dataframe/danfo.js';
import { computeFrame } from './groupby-helpers.js';
import { frameOf, pandas, plain, type Table, withPandas } from './pandas-ref.js';

t.teardown(shutdownSchedulers);

const ON = ['sync', 'threads'] as const;

/** Rows of a danfo frame as plain objects (Dates as ISO text, NaN as null). */
function rowsOf(df: DanfoDataFrame): Array<Record<string, unknown>> {
  return (df.values as unknown[][]).map((r) => Object.fromEntries(df.columns.map((c, i) => [c, plain(r[i])])));
}

const flights: Table = {
  columns: {
    Origin: ['EWR', 'JFK', 'EWR', 'LGA', 'JFK', 'EWR', 'EWR', 'LGA', 'JFK'],
    DayOfWeek: [1, 1, 2, 1, 1, 1, 2, 3, 2],
    DepDelay: [10, -3, 4.5, null, 7, 2, 30, 1, -1],
  },
  dtypes: { Origin: 'string', DayOfWeek: 'int64', DepDelay: 'float64' },
};

withPandas('groupby over several keys: one-column results keep each key as a typed column (item 11)', () => {
  const want = pandas<Record<string, unknown>>(
    `df = frame(data)
g = df.groupby(["Origin", "DayOfWeek"])
out = {"mean": g.DepDelay.mean().reset_index().to_dict("records"), "size": g.size().rename("size").reset_index().to_dict("records"),
       "count": g.Origin.count().rename("Origin_count").reset_index().to_dict("records"),
       "one": df.groupby("Origin").DepDelay.mean().to_dict()}`,
    flights,
  );
  for (const scheduler of ON) {
    t.test(scheduler, async (t) => {
      const ddf = frameOf(flights, [4, 0, 5]);
      const mean = ddf.groupby(['Origin', 'DayOfWeek']).col('DepDelay').mean();
      t.strictSame(mean.columns, ['Origin', 'DayOfWeek', 'DepDelay'], 'keys lead, then the values');
      t.strictSame(mean.dtypes, { Origin: 'string', DayOfWeek: 'int64', DepDelay: 'float64' }, 'each key keeps its dtype');
      t.strictSame(rowsOf(await mean.compute({ scheduler })), want.mean, 'mean per (Origin, DayOfWeek)');
      const raw = await computeFrame(mean, scheduler);
      t.strictSame(
        raw.columns.map((c) => c.dtype),
        ['string', 'int64', 'float64'],
        'computed dtypes',
      );
      t.strictSame(rowsOf(await ddf.groupby(['Origin', 'DayOfWeek']).size().compute({ scheduler })), want.size, 'size: the keys and `size`');
      t.strictSame(
        rowsOf(await ddf.groupby(['Origin', 'DayOfWeek']).col('Origin').count().compute({ scheduler })),
        want.count,
        'a key column aggregated is named column_fn',
      );
      const split = ddf.groupby(['Origin', 'DayOfWeek'], { splitOut: 2 }).col('DepDelay').mean();
      const sortRows = (rows: Array<Record<string, unknown>>) => rows.map((r) => JSON.stringify(r)).sort();
      t.strictSame(
        sortRows(rowsOf(await split.compute({ scheduler }))),
        sortRows(want.mean as Array<Record<string, unknown>>),
        'split over two output partitions',
      );
      const one = await ddf.groupby('Origin').col('DepDelay').mean().compute({ scheduler });
      t.strictSame(Object.fromEntries(one.index.map((k, i) => [k, one.values[i]])), want.one, 'one key: still a Series indexed by the key');
    });
  }
});

withPandas('mapPartitions keeps dtypes: in its meta and across an empty partition (item 13)', () => {
  const table: Table = {
    columns: {
      f: [1, 2, 3.5, 4, 5],
      i: [7, 8, 9, 10, 11],
      b: [true, false, true, false, true],
      d: [0, 86_400_000, 1.6e12, 1.7e12, 1.5e12],
      s: ['a', null, 'c', 'd', 'e'],
    },
    dtypes: { f: 'float64', i: 'int64', b: 'bool', d: 'datetime', s: 'string' },
  };
  const want = pandas<Record<string, unknown>>(
    `df = frame(data)
m = df.apply(lambda c: c)
out = {"dtypes": {k: str(v) for k, v in m.dtypes.items()}, "rows": m.to_dict("records"), "years": m.d.dt.year}`,
    table,
  );
  const ours: Record<string, string> = { float64: 'float64', int64: 'int64', bool: 'bool', 'datetime64[ns]': 'datetime', object: 'string' };
  for (const scheduler of ON) {
    t.test(scheduler, async (t) => {
      // The first partition's floats are whole numbers; the second partition is empty.
      const m = frameOf(table, [2, 0, 3]).mapPartitions((p) => p);
      const wantDtypes = Object.fromEntries(Object.entries(want.dtypes as Record<string, string>).map(([k, v]) => [k, ours[v]]));
      t.strictSame(m.dtypes, wantDtypes, 'meta dtypes equal the input dtypes (pandas)');
      const raw = await computeFrame(m, scheduler);
      t.strictSame(Object.fromEntries(raw.names.map((n, j) => [n, raw.columns[j].dtype])), wantDtypes, 'computed dtypes too');
      t.strictSame(rowsOf(await m.compute({ scheduler })), want.rows, 'values unchanged');
      t.strictSame(plain((await m.col('d').dt.year().compute({ scheduler })).values), want.years, 'dt.year() works on the result');
    });
  }
});

withPandas('index labels keep their types: missing, booleans, dates (item 13)', () => {
  const table: Table = {
    columns: {
      k: ['x', null, 'y', 'x', null],
      b: [true, false, true, true, false],
      d: [0, 86_400_000, 0, 1.6e12, 0],
      v: [1, 2, 3, 4, 5],
    },
    dtypes: { k: 'string', b: 'bool', d: 'datetime', v: 'int64' },
  };
  const want = pandas<Record<string, unknown[]>>(
    `df = frame(data)
out = {"missing": df.groupby("k", dropna=False).v.sum().index, "bools": df.groupby("b").v.sum().index,
       "counts": df.b.value_counts().index, "dates": df.groupby("d").v.sum().index}`,
    table,
  );
  for (const scheduler of ON) {
    t.test(scheduler, async (t) => {
      const ddf = frameOf(table, [3, 2]);
      const missing = (await ddf.groupby('k', { dropna: false }).col('v').sum().compute({ scheduler })).index;
      t.strictSame(missing, want.missing, 'a missing key is a missing label (null; pandas NaN)');
      t.equal(missing[2], null, 'not the string "null"');
      const bools = (await ddf.groupby('b').col('v').sum().compute({ scheduler })).index;
      t.strictSame(bools, want.bools, 'booleans as booleans');
      t.strictSame((await ddf.col('b').valueCounts().compute({ scheduler })).index, want.counts, 'value counts of a bool column');
      const dates = (await ddf.groupby('d').col('v').sum().compute({ scheduler })).index as unknown[];
      t.ok(
        dates.every((x) => x instanceof Date),
        'dates as Dates (pandas: Timestamp)',
      );
      t.strictSame(plain(dates), want.dates, 'the same instants');
    });
  }
});
