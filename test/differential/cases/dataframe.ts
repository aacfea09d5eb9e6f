/**
 * DataFrame cases: API.md's `dd.*` functions and DataFrame members, each against pandas on
 * the messy frame. `py` sees `df` (the files read by pandas and concatenated), `right`,
 * `files`, `out`, `NUM` and the helpers of reference.py.
 */
import { join } from 'node:path';
import { compute } from '../../../src/core/compute.js';
import * as dd from '../../../src/dataframe/index.js';
import { danfoModule } from '../../../src/dataframe/danfo.js';
import { delayed } from '../../../src/index.js';
import { sortKey } from '../compare.js';
import type { Encoded } from '../encode.js';
import type { Case } from '../harness.js';
import { type FrameCtx, NUM, NUMQ, uniqueTable } from './frame-context.js';

const num = [...NUM];
const numq = [...NUMQ];

/** The rows of a frame result as canonical texts (compare.ts's sortKey: missing as one, floats to 9 digits), for subset checks. */
function rowTexts(e: Encoded): string[] {
  if (!('kind' in e) || e.kind !== 'frame') return [];
  const n = e.data[e.columns[0]]?.length ?? 0;
  const rows: string[] = [];
  for (let i = 0; i < n; i++) rows.push(e.columns.map((c) => sortKey(e.data[c][i])).join(' | '));
  return rows;
}

/** sample(): every sampled row is a row of the frame (as many times as it occurs, without replacement) and about frac of them. */
function sampleCheck(frac: number, replace: boolean) {
  return (got: Encoded, want: Encoded): string[] => {
    if ('$error' in got) return [got.$error];
    const all = new Map<string, number>();
    for (const r of rowTexts(want)) all.set(r, (all.get(r) ?? 0) + 1);
    const rows = rowTexts(got);
    const out: string[] = [];
    const n = rowTexts(want).length;
    if (Math.abs(rows.length - frac * n) > 0.1 * n) out.push(`${rows.length} rows sampled of ${n} with frac ${frac}`);
    for (const r of rows) {
      const left = all.get(r);
      if (left === undefined || (!replace && left === 0)) {
        out.push(`sampled row not in the frame${replace ? '' : ' (or drawn twice)'}: ${r.slice(0, 120)}`);
        break;
      }
      if (!replace) all.set(r, left - 1);
    }
    return out;
  };
}

const cases: ReadonlyArray<Case<FrameCtx>> = [
  // ---- reading and building ----
  { id: 'readCsv.whole', api: ['dd.readCsv', 'DataFrame.compute'], py: 'df', ts: (c) => c.ddf },
  { id: 'readCsv.infinity', api: ['dd.readCsv'], py: "infdf['x']", ts: (c) => dd.readCsv(c.m.inf).col('x') },
  { id: 'readCsv.int64-limits', api: ['dd.readCsv'], py: "df['big']", ts: (c) => c.ddf.col('big') },
  {
    id: 'readCsv.empty-first-file',
    api: ['dd.readCsv'],
    // pandas reads a header-only file as object columns and concat keeps object: the reference
    // skips files without rows, as load() does (item 14: infer from the first rows that exist).
    py: 'pd.concat([p for p in (pd.read_csv(f) for f in empty_first) if len(p)], ignore_index=True)',
    ts: (c) => dd.readCsv(c.m.emptyFirst),
  },
  {
    id: 'readCsv.dtype-object',
    api: ['dd.readCsv', 'DataFrame.dtypes'],
    py: "{c: str(t) for c, t in pd.read_csv(files[0], dtype={'k2': 'object'}).dtypes.items()}",
    // tsdask names its text dtype 'string' where pandas says object; 'object' asked for stays 'object'.
    ts: (c) =>
      Object.fromEntries(Object.entries(dd.readCsv(c.m.files, { dtype: { k2: 'object' } }).dtypes).map(([k, v]) => [k, v === 'string' ? 'object' : v])),
  },
  {
    id: 'fromDanfo',
    api: ['dd.fromDanfo'],
    py: "df[['k2', 'i', 'g', 'key']]",
    ts: async (c, o) => {
      const whole = await c.ddf.select(['k2', 'i', 'g', 'key']).compute(o);
      return dd.fromDanfo(whole, { npartitions: 3 }).compute(o);
    },
  },
  {
    id: 'fromDelayed',
    api: ['dd.fromDelayed'],
    py: "pd.DataFrame({'a': [1, 2, 3, 4], 'b': ['x', None, 'z', 'w']})",
    ts: (_c, o) => {
      const part = (a: number[], b: Array<string | null>) => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- runs inside the task, wherever it is
        const dfd = require('danfojs-node') as typeof import('danfojs-node');
        return new dfd.DataFrame({ a, b });
      };
      const parts = [delayed(part)([1, 2], ['x', null]), delayed(part)([3, 4], ['z', 'w'])];
      return dd.fromDelayed(parts, { meta: { a: 'int64', b: 'string' } }).compute(o);
    },
  },
  {
    id: 'concat',
    api: ['dd.concat', 'DataFrame.head'],
    py: "pd.concat([df[['key', 'i']], df[['key', 'i']].head(7)], ignore_index=True)",
    ts: async (c, o) => {
      const h = await c.ddf.select(['key', 'i']).head(7, o);
      return dd.concat([c.ddf.select(['key', 'i']), dd.fromDanfo(h)]);
    },
  },
  ...(['inner', 'left', 'right', 'outer'] as const).map((how): Case<FrameCtx> => ({
    id: `merge.${how}`,
    api: ['dd.merge', 'DataFrame.merge'],
    py: `df[['key', 'k2', 'i']].merge(right, on=['key', 'k2'], how='${how}')`,
    ts: (c) => dd.merge({ left: c.ddf.select(['key', 'k2', 'i']), right: c.right, on: ['key', 'k2'], how }),
    cmp: { order: 'any' },
  })),
  {
    id: 'merge.suffixes',
    api: ['DataFrame.merge'],
    py: "df[['k2', 'i']].merge(right[['k2', 'w']].rename(columns={'w': 'i'}), on='k2', suffixes=('_l', '_r'))",
    ts: (c) => c.ddf.select(['k2', 'i']).merge(c.right.select(['k2', 'w']).rename({ w: 'i' }), { on: 'k2', suffixes: ['_l', '_r'] }),
    cmp: { order: 'any' },
  },
  {
    id: 'merge.leftOn-rightOn',
    api: ['DataFrame.merge'],
    py: "df[['k2', 'i']].merge(right[['key', 'w']].assign(j=right['k2']), left_on='k2', right_on='j')",
    ts: (c) => c.ddf.select(['k2', 'i']).merge(c.right.select(['key', 'w']).assign({ j: c.right.col('k2') }), { leftOn: 'k2', rightOn: 'j' }),
    cmp: { order: 'any' },
  },
  {
    id: 'toDatetime',
    api: ['dd.toDatetime'],
    py: "pd.to_datetime(df['d'].dt.strftime('%Y-%m-%d %H:%M:%S'))",
    ts: (c) => dd.toDatetime(c.ddf.col('d').astype('string')),
  },
  {
    id: 'toDatetime.format',
    api: ['dd.toDatetime'],
    py: "pd.to_datetime(df['d'].dt.strftime('%d/%m/%Y'), format='%d/%m/%Y')",
    ts: (c) =>
      dd.toDatetime(
        c.ddf
          .col('d')
          .dt.date()
          .astype('string')
          .map((s) => (s === null ? null : `${String(s).slice(8, 10)}/${String(s).slice(5, 7)}/${String(s).slice(0, 4)}`), { meta: 'string' }),
        { format: '%d/%m/%Y' },
      ),
  },
  {
    id: 'toDatetime.int-digits',
    api: ['dd.toDatetime'],
    py: "pd.to_datetime(pd.Series([6202009, 12312010, 1011999]), format='%m%d%Y')",
    ts: () => dd.toDatetime(dd.fromDanfo(new (danfoModule().DataFrame)({ x: [6202009, 12312010, 1011999] })).col('x'), { format: '%m%d%Y' }),
    cmp: { name: false },
  },
  {
    id: 'toDatetime.coerce',
    api: ['dd.toDatetime'],
    py: "pd.to_datetime(df['numstr'], errors='coerce', format='%Y-%m-%d')",
    ts: (c) => dd.toDatetime(c.ddf.col('numstr'), { errors: 'coerce', format: '%Y-%m-%d' }),
  },
  {
    id: 'toNumeric.coerce',
    api: ['dd.toNumeric'],
    py: "pd.to_numeric(df['numstr'], errors='coerce')",
    ts: (c) => dd.toNumeric(c.ddf.col('numstr'), { errors: 'coerce' }),
  },
  // Whole numbers as text, no missing value: int64 (as pandas); with missing values: float64.
  { id: 'toNumeric.int-text', api: ['dd.toNumeric'], py: "pd.to_numeric(df['i'].astype(str))", ts: (c) => dd.toNumeric(c.ddf.col('i').astype('string')) },
  {
    id: 'toNumeric.coerce-missing',
    api: ['dd.toNumeric', 'Series.str.len'],
    py: "pd.to_numeric(df['key'].str.len().astype(str).where(df['key'].notna()), errors='coerce')",
    ts: (c) => dd.toNumeric(c.ddf.col('key').str.len().astype('string'), { errors: 'coerce' }),
  },
  { id: 'toNumeric.raise', api: ['dd.toNumeric'], py: "pd.to_numeric(df['numstr'])", ts: (c) => dd.toNumeric(c.ddf.col('numstr')) },

  // ---- structure, known without computing ----
  { id: 'columns', api: ['DataFrame.columns'], py: 'list(df.columns)', ts: (c) => c.ddf.columns },
  {
    id: 'dtypes',
    api: ['DataFrame.dtypes'],
    py: '{c: str(t) for c, t in df.dtypes.items()}',
    ts: (c) =>
      Object.fromEntries(
        Object.entries(c.ddf.dtypes).map(([k, v]) => [
          k,
          { int64: 'int64', int32: 'int64', float64: 'float64', bool: 'bool', string: 'object', object: 'object', datetime: 'datetime64[ns]' }[v],
        ]),
      ),
  },
  {
    id: 'npartitions',
    api: ['DataFrame.npartitions'],
    // One partition per file (each far below the default blocksize), the empty one included.
    py: 'len(files)',
    ts: (c) => c.ddf.npartitions,
  },
  {
    id: 'toString',
    api: ['String(ddf)'],
    py: "result = [f'npartitions={len(files)}'] + [c for c in df.columns]",
    ts: (c) => {
      const text = String(c.ddf);
      return [`npartitions=${/npartitions=(\d+)/.exec(text)?.[1]}`, ...c.ddf.columns.filter((n) => new RegExp(`^\\s+${n}\\s+\\w+$`, 'm').test(text))];
    },
  },

  // ---- rows ----
  { id: 'head', api: ['DataFrame.head'], py: 'df.head(5)', ts: (c, o) => c.ddf.head(5, o) },
  { id: 'head.past-empty-partition', api: ['DataFrame.head'], py: 'df.head(700)', ts: (c, o) => c.ddf.head(700, o) },
  { id: 'tail', api: ['DataFrame.tail'], py: 'df.tail(5)', ts: (c, o) => c.ddf.tail(5, o) },
  { id: 'length', api: ['DataFrame.length'], py: 'len(df)', ts: (c, o) => c.ddf.length(o) },
  { id: 'col', api: ['DataFrame.col'], py: "df['key']", ts: (c) => c.ddf.col('key') },
  { id: 'select', api: ['DataFrame.select'], py: "df[['s', 'd', 'b']]", ts: (c) => c.ddf.select(['s', 'd', 'b']) },
  { id: 'filter', api: ['DataFrame.filter'], py: "df[df['f'] > 0]", ts: (c) => c.ddf.filter(c.ddf.col('f').gt(0)) },
  { id: 'filter.none', api: ['DataFrame.filter'], py: "df[df['i'] > 10**9]", ts: (c) => c.ddf.filter(c.ddf.col('i').gt(1e9)) },
  { id: 'loc', api: ['DataFrame.loc'], py: "df.loc[df['key'] == 'x', ['key', 'f', 'd']]", ts: (c) => c.ddf.loc(c.ddf.col('key').eq('x'), ['key', 'f', 'd']) },
  { id: 'loc.all-rows', api: ['DataFrame.loc'], py: "df.loc[:, ['i', 'txt']]", ts: (c) => c.ddf.loc(null, ['i', 'txt']) },
  { id: 'iloc', api: ['DataFrame.iloc'], py: 'df.iloc[:, [1, 3]]', ts: (c) => c.ddf.iloc(null, [1, 3]) },
  {
    id: 'iloc.rows',
    api: ['DataFrame.iloc'],
    py: 'df.iloc[[0, 1], [1]]',
    ts: (c) => (c.ddf.iloc as unknown as (rows: number[], cols: number[]) => dd.DataFrame)([0, 1], [1]),
  },

  // ---- column edits ----
  {
    id: 'assign',
    api: ['DataFrame.assign'],
    py: "df.assign(twice=df['k2'] * 2, z=lambda d: d['i'] + 1, c=3.5)",
    ts: (c) => c.ddf.assign({ twice: c.ddf.col('k2').mul(2), z: (df) => df.col('i').add(1), c: 3.5 }),
  },
  { id: 'drop', api: ['DataFrame.drop'], py: "df.drop(columns=['s', 'txt'])", ts: (c) => c.ddf.drop(['s', 'txt']) },
  { id: 'rename', api: ['DataFrame.rename'], py: "df.rename(columns={'f': 'F', 'key': 'K'})", ts: (c) => c.ddf.rename({ f: 'F', key: 'K' }) },

  // ---- missing values ----
  { id: 'isna', api: ['DataFrame.isna'], py: 'df.isna()', ts: (c) => c.ddf.isna() },
  { id: 'notna', api: ['DataFrame.notna'], py: 'df.notna()', ts: (c) => c.ddf.notna() },
  { id: 'fillna.number', api: ['DataFrame.fillna'], py: "df[['f', 'na', 'g']].fillna(0)", ts: (c) => c.ddf.select(['f', 'na', 'g']).fillna(0) },
  { id: 'fillna.mixed', api: ['DataFrame.fillna'], py: 'df.fillna(0)', ts: (c) => c.ddf.fillna(0) },
  { id: 'fillna.dict', api: ['DataFrame.fillna'], py: "df.fillna({'f': -1.5, 'key': '?'})", ts: (c) => c.ddf.fillna({ f: -1.5, key: '?' }) },
  { id: 'dropna', api: ['DataFrame.dropna'], py: 'df.dropna()', ts: (c) => c.ddf.dropna() },
  { id: 'dropna.subset', api: ['DataFrame.dropna'], py: "df.dropna(subset=['f', 'key'])", ts: (c) => c.ddf.dropna({ subset: ['f', 'key'] }) },

  // ---- reductions: a Series indexed by column ----
  { id: 'count', api: ['DataFrame.count'], py: 'df.count()', ts: (c) => c.ddf.count(), cmp: { index: true } },
  ...(['sum', 'mean', 'min', 'max', 'std', 'var'] as const).map((fn): Case<FrameCtx> => ({
    id: `${fn}.numeric`,
    api: [`DataFrame.${fn}`],
    py: `df[NUM].${fn}()`,
    ts: (c) => c.ddf.select(num)[fn](),
    cmp: { index: true },
  })),
  ...(['min', 'max'] as const).map((fn): Case<FrameCtx> => ({
    id: `${fn}.strings`,
    api: [`DataFrame.${fn}`],
    // pandas 1.5 drops a text column holding missing values from min/max: these rows have none.
    py: `df.dropna(subset=['key', 's'])[['key', 's', 'i']].${fn}()`,
    ts: (c) => {
      const f = c.ddf.dropna({ subset: ['key', 's'] }).select(['key', 's', 'i']);
      return fn === 'min' ? f.min() : f.max();
    },
    cmp: { index: true, dtype: false },
  })),
  { id: 'sum.whole', api: ['DataFrame.sum'], py: 'df.sum(numeric_only=True)', ts: (c) => c.ddf.sum(), cmp: { index: true } },
  { id: 'nunique', api: ['DataFrame.nunique'], py: 'df.nunique()', ts: (c) => c.ddf.nunique(), cmp: { index: true } },
  { id: 'describe', api: ['DataFrame.describe'], py: 'df[NUM].describe()', ts: (c) => c.ddf.select(num).describe(), cmp: { index: true } },
  { id: 'describe.whole', api: ['DataFrame.describe'], py: 'df.describe()', ts: (c) => c.ddf.describe(), cmp: { index: true } },
  {
    id: 'describe.percentiles',
    api: ['DataFrame.describe'],
    py: "df[['f', 'i']].describe(percentiles=[0.1, 0.9])",
    ts: (c) => c.ddf.select(['f', 'i']).describe({ percentiles: [0.1, 0.9] }),
    cmp: { index: true },
  },
  { id: 'quantile', api: ['DataFrame.quantile'], py: 'df[NUMQ].quantile(0.3)', ts: (c) => c.ddf.select(numq).quantile(0.3), cmp: { index: true, name: false } },
  {
    id: 'quantile.bool',
    api: ['DataFrame.quantile'],
    py: "df[['i', 'b']].quantile(0.3)",
    ts: (c) => c.ddf.select(['i', 'b']).quantile(0.3),
    cmp: { index: true, name: false },
  },
  {
    id: 'quantile.list',
    api: ['DataFrame.quantile'],
    py: "df[['f', 'i', 'g']].quantile([0.1, 0.5, 0.99])",
    ts: (c) => c.ddf.select(['f', 'i', 'g']).quantile([0.1, 0.5, 0.99]),
    cmp: { index: true },
  },
  { id: 'median', api: ['DataFrame.median'], py: 'df[NUMQ].median()', ts: (c) => c.ddf.select(numq).median(), cmp: { index: true, name: false } },
  {
    id: 'median.bool',
    api: ['DataFrame.median'],
    py: "df[['i', 'b']].median()",
    ts: (c) => c.ddf.select(['i', 'b']).median(),
    cmp: { index: true, name: false },
  },

  // ---- ordering ----
  { id: 'nlargest', api: ['DataFrame.nlargest'], py: "df.nlargest(7, 'f')", ts: (c) => c.ddf.nlargest(7, 'f') },
  { id: 'nlargest.columns', api: ['DataFrame.nlargest'], py: "df.nlargest(7, ['k2', 'i'])", ts: (c) => c.ddf.nlargest(7, ['k2', 'i']) },
  { id: 'nsmallest', api: ['DataFrame.nsmallest'], py: "df.nsmallest(7, 'i')", ts: (c) => c.ddf.nsmallest(7, 'i') },
  { id: 'nsmallest.columns', api: ['DataFrame.nsmallest'], py: "df.nsmallest(9, ['k2', 'g'])", ts: (c) => c.ddf.nsmallest(9, ['k2', 'g']) },
  // Rows with equal keys have no defined order: the rows as a set, then the key column in order.
  { id: 'sortValues', api: ['DataFrame.sortValues'], py: "df.sort_values('i')", ts: (c) => c.ddf.sortValues('i'), cmp: { order: 'any' } },
  { id: 'sortValues.order', api: ['DataFrame.sortValues'], py: "df.sort_values('i')['i']", ts: (c) => c.ddf.sortValues('i').col('i') },
  {
    id: 'sortValues.float-nan',
    api: ['DataFrame.sortValues'],
    // Ties (-0.0 and 0.0, NaN) have no defined order: compare the sorted column itself.
    py: "df.sort_values('f', ascending=False)['f']",
    ts: (c) => c.ddf.sortValues('f', { ascending: false }).col('f'),
  },
  {
    id: 'sortValues.columns',
    api: ['DataFrame.sortValues'],
    py: "df.sort_values(['k2', 'i'], ascending=[True, False])[['k2', 'i']]",
    ts: (c) => c.ddf.sortValues(['k2', 'i'], { ascending: [true, false] }).select(['k2', 'i']),
  },
  {
    id: 'sortValues.strings',
    api: ['DataFrame.sortValues'],
    py: "df.sort_values(['key', 'i'])[['key', 'i']]",
    ts: (c) => c.ddf.sortValues(['key', 'i']).select(['key', 'i']),
  },
  {
    id: 'sortValues.astral-text',
    api: ['DataFrame.sortValues'],
    py: "df.sort_values(['txt', 'i'])[['txt', 'i']]",
    ts: (c) => c.ddf.sortValues(['txt', 'i']).select(['txt', 'i']),
  },
  {
    id: 'setIndex',
    api: ['DataFrame.setIndex'],
    py: "pd.DataFrame(uniq).set_index('id').sort_index()",
    ts: (_c) => dd.fromDanfo(new (danfoModule().DataFrame)(uniqueTable()), { npartitions: 3 }).setIndex('id'),
    cmp: { index: true },
  },
  {
    id: 'setIndex.duplicate-keys',
    api: ['DataFrame.setIndex'],
    py: "df[['k2', 'i', 'key']].set_index('k2').sort_index()",
    ts: (c) => c.ddf.select(['k2', 'i', 'key']).setIndex('k2'),
    cmp: { index: true, order: 'any' },
  },

  // ---- partitions ----
  {
    id: 'sample',
    api: ['DataFrame.sample'],
    py: "df[['key', 'i', 'f']]",
    ts: (c) => c.ddf.select(['key', 'i', 'f']).sample({ frac: 0.5, randomState: 7 }),
    check: sampleCheck(0.5, false),
  },
  {
    id: 'sample.replace',
    api: ['DataFrame.sample'],
    py: "df[['key', 'i', 'f']]",
    ts: (c) => c.ddf.select(['key', 'i', 'f']).sample({ frac: 0.3, replace: true, randomState: 7 }),
    check: sampleCheck(0.3, true),
  },
  {
    id: 'sample.reproducible',
    api: ['DataFrame.sample'],
    py: 'True',
    ts: async (c, o) => {
      const a = await c.ddf.select(['i']).sample({ frac: 0.4, randomState: 3 }).compute(o);
      const b = await c.ddf.select(['i']).sample({ frac: 0.4, randomState: 3 }).compute(o);
      return JSON.stringify(a.values) === JSON.stringify(b.values);
    },
  },
  {
    id: 'selectDtypes.include',
    api: ['DataFrame.selectDtypes'],
    py: "df.select_dtypes(include='number')",
    ts: (c) => c.ddf.selectDtypes({ include: 'number' }),
  },
  {
    id: 'selectDtypes.exclude',
    api: ['DataFrame.selectDtypes'],
    py: "df.select_dtypes(exclude=['object', 'bool'])",
    ts: (c) => c.ddf.selectDtypes({ exclude: ['object', 'bool'] }),
  },
  { id: 'mapPartitions.identity', api: ['DataFrame.mapPartitions'], py: 'df', ts: (c) => c.ddf.mapPartitions((p) => p) },
  {
    id: 'mapPartitions.new-column',
    api: ['DataFrame.mapPartitions'],
    py: "df[['i', 'g']].assign(h=df['i'] * 2.5)",
    ts: (c) =>
      c.ddf.select(['i', 'g']).mapPartitions(
        (p) => {
          const q = p.copy();
          q.addColumn(
            'h',
            (p.column('i').values as number[]).map((v) => v * 2.5),
            { inplace: true },
          );
          return q;
        },
        { meta: { i: 'int64', g: 'float64', h: 'float64' } },
      ),
  },
  { id: 'partitions', api: ['DataFrame.partitions'], py: 'pd.read_csv(files[2], parse_dates=["d"])', ts: (c) => c.ddf.partitions(2) },
  {
    id: 'partitions.list',
    api: ['DataFrame.partitions'],
    py: 'pd.concat([pd.read_csv(files[i], parse_dates=["d"]) for i in (3, 0)], ignore_index=True)',
    ts: (c) => c.ddf.partitions([3, 1, 0]),
  },
  { id: 'repartition', api: ['DataFrame.repartition'], py: 'df', ts: (c) => c.ddf.repartition({ npartitions: 2 }) },
  { id: 'repartition.more', api: ['DataFrame.repartition'], py: "df[['key', 'i']]", ts: (c) => c.ddf.select(['key', 'i']).repartition({ npartitions: 7 }) },
  {
    id: 'toCsv',
    api: ['DataFrame.toCsv'],
    py: 'df',
    pyActual:
      "result = pd.concat([p for p in (pd.read_csv(f, parse_dates=['d']) for f in sorted(__import__('glob').glob(out + '/{scheduler}/*.csv'))) if len(p)], ignore_index=True)",
    ts: (c, o) => c.ddf.toCsv(join(c.out, o.scheduler, 'part-*.csv'), { scheduler: o.scheduler }),
  },
  {
    id: 'toDelayed',
    api: ['DataFrame.toDelayed'],
    py: "df[['key', 'i']]",
    ts: async (c, o) => {
      const parts = c.ddf.select(['key', 'i']).toDelayed();
      const frames = await compute(parts, o);
      return dd.concat(frames[0].map((f) => dd.fromDanfo(f))).compute({ scheduler: 'sync' });
    },
  },
  {
    id: 'persist',
    api: ['DataFrame.persist'],
    py: "df.loc[df['k2'] == 3, ['k2', 'i', 'key']]",
    ts: async (c, o) => {
      const p = await c.ddf.filter(c.ddf.col('k2').eq(3)).select(['k2', 'i', 'key']).persist(o);
      return p.compute(o);
    },
  },
  {
    id: 'visualize',
    api: ['DataFrame.visualize'],
    // One read task per file in the drawn graph (the files are far below the default blocksize).
    py: 'len(files)',
    ts: async (c) => {
      const dot = await c.ddf.visualize({ format: 'dot' });
      return new Set(dot.match(/read-csv-[0-9a-f]+#\d+/g) ?? []).size;
    },
  },
];

/** Ids carry the owner (`df.`): KNOWN and DIFFERENCES are keyed over every suite. */
export const dataframeCases = cases.map((c) => ({ ...c, id: `df.${c.id}` }));
