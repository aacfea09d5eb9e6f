/**
 * Values that must agree with pandas 1.5 (issue #10): map's dtype widening (item 3), missing
 * values through `str` methods (10), string order by code point (13), and arithmetic type
 * errors, min/max of strings and bools, describe's 50% row (15). Expected values come from
 * pandas on the same columns; each suite runs on sync and threads.
 */
import t, { type Test } from 'tap';
import { shutdownSchedulers } from '../../src/index.js';
import type { DanfoSeries } from '../../src/dataframe/danfo.js';
import { computeFrame } from './groupby-helpers.js';
import { frameOf, pandas, plain, type Table, withPandas } from './pandas-ref.js';

t.teardown(shutdownSchedulers);

const ON = ['sync', 'threads'] as const;
const values = (s: unknown): unknown[] => plain((s as DanfoSeries).values) as unknown[];

withPandas('map without meta widens to what the values need (item 3)', () => {
  const table: Table = { columns: { a: [-28, 10, 3, 4, -5, 6, 7] }, dtypes: { a: 'int64' } };
  // Stand-ins 1 and 2 give ints, so the graph expects int64; the negative rows give fractions.
  const want = pandas<{ values: number[]; dtype: string }>(
    `s = frame(data).a.map(lambda v: v * 0.8 if v < 0 else v)
out = {"values": s, "dtype": str(s.dtype)}`,
    table,
  );
  for (const scheduler of ON) {
    t.test(scheduler, async (t) => {
      const m = frameOf(table, [3, 0, 4])
        .col('a')
        .map((v) => (typeof v === 'number' && v < 0 ? v * 0.8 : v));
      t.strictSame(values(await m.compute({ scheduler })), want.values, 'values equal pandas');
      t.equal((await computeFrame(m, scheduler)).columns[0].dtype, want.dtype, 'float64, as pandas');
      t.equal(
        await m.sum().compute({ scheduler }),
        want.values.reduce((x, y) => x + y, 0),
        'a reduction over the widened partitions',
      );
    });
  }
  t.test('a given meta the values do not fit is a clear error', async (t) => {
    const m = frameOf(table, [7])
      .col('a')
      .map((v) => (typeof v === 'number' ? v / 3 : v), { meta: 'int64' });
    await t.rejects(m.compute({ scheduler: 'sync' }), /map on 'a'.*do not fit meta 'int64'/);
  });
});

withPandas('str methods: missing in, missing out; `na` fills (item 10)', () => {
  const table: Table = { columns: { s: ['apple', null, ' Banana ', 'cherry', null, 'date', 'an'] }, dtypes: { s: 'string' } };
  const want = pandas<Record<string, unknown[]>>(
    `s = frame(data).s
out = {
  "contains": s.str.contains("an"), "containsCase": s.str.contains("AN", case=False), "containsLiteral": s.str.contains("a.", regex=False),
  "startswith": s.str.startswith(" B"), "endswith": s.str.endswith("e"), "lower": s.str.lower(), "upper": s.str.upper(), "len": s.str.len(),
  "strip": s.str.strip(), "replace": s.str.replace("a", "o", regex=False), "slice": s.str.slice(1, 3),
  "filtered": frame(data)[s.str.contains("an", na=False)].s,
  "containsNa": s.str.contains("an", na=False), "startswithAny": s.str.startswith(("a", "c")), "endswithNa": s.str.endswith("e", na=True),
  "match": s.str.match("[a-c]"), "matchCase": s.str.match(" b", case=False, na=False),
}`,
    table,
  );
  const check = async (t: Test, got: Record<string, { compute(o: object): Promise<unknown> }>, scheduler: string) => {
    for (const [name, lazy] of Object.entries(got)) t.strictSame(values(await lazy.compute({ scheduler })), want[name], name);
  };
  for (const scheduler of ON) {
    t.test(`${scheduler}: missing stays missing`, async (t) => {
      const ddf = frameOf(table, [3, 0, 4]);
      const s = ddf.col('s');
      await check(
        t,
        {
          contains: s.str.contains('an'),
          containsCase: s.str.contains('AN', { case: false }),
          containsLiteral: s.str.contains('a.', { regex: false }),
          startswith: s.str.startswith(' B'),
          endswith: s.str.endswith('e'),
          lower: s.str.lower(),
          upper: s.str.upper(),
          len: s.str.len(),
          strip: s.str.strip(),
          replace: s.str.replace('a', 'o'),
          slice: s.str.slice(1, 3),
          // A missing test result masks as false (pandas' nullable boolean); pandas' object
          // result needs na=False here, which gives the same rows.
          filtered: ddf.filter(s.str.contains('an')).col('s'),
        },
        scheduler,
      );
    });
    t.test(`${scheduler}: na, several prefixes, match`, async (t) => {
      const s = frameOf(table, [3, 0, 4]).col('s');
      await check(
        t,
        {
          containsNa: s.str.contains('an', { na: false }),
          startswithAny: s.str.startswith(['a', 'c']),
          endswithNa: s.str.endswith('e', { na: true }),
          match: s.str.match('[a-c]'),
          matchCase: s.str.match(' b', { case: false, na: false }),
        },
        scheduler,
      );
    });
  }
});

withPandas('strings order by code point: sort, min/max, comparisons, group keys (item 13)', () => {
  // Astral characters (surrogate pairs in UTF-16) against U+E000-U+FFFF: UTF-16 order puts
  // the astral ones first, code points (Python) last.
  const words = ['z', '\u{1F600}', '\uFF21', '\uE000', 'a', '\u{1F600}b', '\uFFFFx', 'Z', '\uFF21', '\u{10000}'];
  const table: Table = { columns: { s: words, n: words.map((_, i) => i) }, dtypes: { s: 'string', n: 'int64' } };
  const want = pandas<Record<string, unknown>>(
    `df = frame(data)
s = df.s
out = {"sorted": s.sort_values(kind="stable"), "desc": df.sort_values("s", ascending=False, kind="stable").n, "min": s.min(), "max": s.max(),
       "gt": s > "\\uFF21", "le": s <= "\\U0001F600",
       "keys": df.groupby("s").n.sum().index}`,
    table,
  );
  for (const scheduler of ON) {
    t.test(scheduler, async (t) => {
      const ddf = frameOf(table, [4, 3, 3]);
      const s = ddf.col('s');
      t.strictSame(values(await s.sortValues().compute({ scheduler })), want.sorted, 'sortValues');
      const desc = await ddf.sortValues('s', { ascending: false, npartitions: 2 }).compute({ scheduler });
      t.strictSame(desc.column('n').values, want.desc, 'distributed sortValues, descending');
      t.strictSame(values(await s.gt('\uFF21').compute({ scheduler })), want.gt, 'gt a literal');
      t.strictSame(values(await s.le('\u{1F600}').compute({ scheduler })), want.le, 'le a literal');
      t.strictSame((await ddf.groupby('s').col('n').sum().compute({ scheduler })).index, want.keys, 'group keys in order');
      t.equal(await s.min<string>().compute({ scheduler }), want.min, 'min');
      t.equal(await s.max<string>().compute({ scheduler }), want.max, 'max');
    });
  }
});

withPandas('arithmetic between strings and numbers fails when the graph is built (item 15)', () => {
  const table: Table = {
    columns: { Origin: ['EWR', 'JFK'], DepDelay: [1.5, -2], Dest: ['LGA', 'BOS'] },
    dtypes: { Origin: 'string', DepDelay: 'float64', Dest: 'string' },
  };
  const want = pandas<{ error: string; joined: string[] }>(
    `df = frame(data)
try:
    df.Origin + df.DepDelay
    error = "none"
except TypeError:
    error = "TypeError"
out = {"error": error, "joined": df.Origin + df.Dest}`,
    table,
  );
  t.test('sync', async (t) => {
    const ddf = frameOf(table, [1, 1]);
    t.equal(want.error, 'TypeError', 'pandas raises TypeError');
    t.throws(() => ddf.col('Origin').add(ddf.col('DepDelay')), { name: 'TypeError', message: /string column 'Origin' and float64 column 'DepDelay'/ });
    t.throws(() => ddf.col('DepDelay').add(ddf.col('Origin')), { name: 'TypeError', message: /float64 column 'DepDelay' and string column 'Origin'/ });
    t.throws(() => ddf.col('Origin').mul(2), { name: 'TypeError', message: /string column 'Origin' and the number 2/ });
    t.throws(() => ddf.col('Origin').add(ddf.col('DepDelay').sum()), { name: 'TypeError', message: /string column 'Origin' and a number Scalar/ });
    t.strictSame(values(await ddf.col('Origin').add(ddf.col('Dest')).compute({ scheduler: 'sync' })), want.joined, 'two string sides still join');
  });
});

withPandas('min/max keep string and bool columns; bools stay bools; describe keeps 50% (item 15)', () => {
  const table: Table = {
    columns: { s: ['pear', 'apple', 'fig', 'kiwi', 'date'], t: ['b', 'a', 'c', 'b', 'a'], b: [true, false, true, true, true], x: [3, -1.5, 8, 2, 0.25] },
    dtypes: { s: 'string', t: 'string', b: 'bool', x: 'float64' },
  };
  const want = pandas<Record<string, unknown>>(
    `df = frame(data)
out = {"strMin": df[["s", "t"]].min(), "strMax": df[["s", "t"]].max(), "strIndex": df[["s", "t"]].max().index,
       "allIndex": df.min().index, "allMin": df.min(), "allMax": df.max(), "bMin": df.b.min(), "bMax": df.b.max(), "bools": df[["b"]].max(),
       "describe": df.describe(percentiles=[0.1, 0.9]).x, "describeIndex": df.describe(percentiles=[0.1, 0.9]).index,
       "thirds": df.describe(percentiles=[0.333, 0.9]).index, "none": df.describe(percentiles=[]).index}`,
    table,
  );
  for (const scheduler of ON) {
    t.test(scheduler, async (t) => {
      const ddf = frameOf(table, [2, 0, 3]);
      const strMax = await ddf.select(['s', 't']).max().compute({ scheduler });
      t.strictSame(strMax.index, want.strIndex, 'string columns are kept');
      t.strictSame(values(strMax), want.strMax, 'max of strings');
      t.strictSame(values(await ddf.select(['s', 't']).min().compute({ scheduler })), want.strMin, 'min of strings');
      const allMin = await ddf.min().compute({ scheduler });
      t.strictSame(allMin.index, want.allIndex, 'every column is kept');
      // pandas holds each value in an object Series; tsdask has no object dtype, so a frame
      // mixing strings with numbers gives the values as text (a documented difference).
      t.strictSame(
        allMin.values,
        (want.allMin as unknown[]).map((v) => String(v).toLowerCase()),
        'mixed kinds: the values as text',
      );
      t.equal(await ddf.col('b').min<boolean>().compute({ scheduler }), want.bMin, 'bool min is False');
      t.equal(await ddf.col('b').max<boolean>().compute({ scheduler }), want.bMax, 'bool max is True');
      t.strictSame(values(await ddf.select(['b']).max().compute({ scheduler })), want.bools, 'a bool-only frame gives bools');
      const d = await ddf.describe({ percentiles: [0.1, 0.9] }).compute({ scheduler });
      t.strictSame(d.index, want.describeIndex, 'describe adds 50% as pandas');
      t.strictSame(
        (d.column('x').values as number[]).map((v) => Math.round(v * 1e9) / 1e9),
        (want.describe as number[]).map((v) => Math.round(v * 1e9) / 1e9),
        'describe values',
      );
      t.strictSame((await ddf.describe({ percentiles: [0.333, 0.9] }).compute({ scheduler })).index, want.thirds, "pandas' labels");
      t.strictSame((await ddf.describe({ percentiles: [] }).compute({ scheduler })).index, want.none, 'no percentiles: still 50%');
    });
  }
  t.test('bad percentiles are clear errors', async (t) => {
    const ddf = frameOf(table, [5]);
    t.throws(() => ddf.describe({ percentiles: [25] }), /percentiles must be numbers in \[0, 1\], got 25 \(for 25% write 0.25\)/);
    t.throws(() => ddf.describe({ percentiles: [0.1, 0.1] }), /contain 0.1 twice/);
  });
});
