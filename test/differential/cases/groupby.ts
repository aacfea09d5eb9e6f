/**
 * GroupBy cases against pandas. tsdask gives the group keys as leading columns (pandas: the
 * index, so the reference calls reset_index), and one-column aggregations as a Series indexed
 * by the key. Groups are sorted by key in both while the result is one partition (it is, at
 * this size); missing keys are dropped, as pandas does by default.
 */
import type { Case } from '../harness.js';
import type { FrameCtx } from './frame-context.js';

type C = Case<FrameCtx>;
const VALUES = ['f', 'i', 'g', 'lim'];
const FNS = ['sum', 'mean', 'count', 'min', 'max', 'std', 'var', 'nunique', 'first', 'last'] as const;

const byKey = FNS.flatMap((fn): C[] => [
  {
    id: `groupby.key.${fn}`,
    api: [`GroupBy.${fn}`, 'DataFrame.groupby', 'GroupBy.select'],
    py: `keys_first(df.groupby('key')[${JSON.stringify(VALUES)}].${fn}())`,
    ts: (c) => c.ddf.groupby('key').select(VALUES)[fn](),
  },
  {
    id: `groupby.int-key.${fn}`,
    api: [`GroupBy.${fn}`, 'DataFrame.groupby'],
    // Rows with a key: pandas 1.5 drops a text column holding missing values from min/max.
    py: `keys_first(df.dropna(subset=['key'])[['k2', 'f', 'g', 'key', 'b']].groupby('k2').${fn}(${['sum', 'mean', 'std', 'var'].includes(fn) ? 'numeric_only=True' : ''}))`,
    ts: (c) => {
      const g = c.ddf
        .dropna({ subset: ['key'] })
        .select(['k2', 'f', 'g', 'key', 'b'])
        .groupby('k2');
      return g[fn]();
    },
  },
  {
    id: `groupby.col.${fn}`,
    api: [`GroupBy.${fn}`, 'GroupBy.col'],
    py: `df.groupby('key')['f'].${fn}()`,
    ts: (c) => c.ddf.groupby('key').col('f')[fn](),
    cmp: { index: true },
  },
]);

/** median, corr and per-group nlargest/nsmallest (db-benchmark's q6, q8, q9). */
const holistic: C[] = [
  {
    id: 'groupby.median',
    api: ['GroupBy.median'],
    py: "keys_first(df.groupby('key')[['f', 'g', 'i']].median())",
    ts: (c) => c.ddf.groupby('key').select(['f', 'g', 'i']).median(),
  },
  {
    id: 'groupby.col.median',
    api: ['SeriesGroupBy.median', 'GroupBy.col'],
    py: "df.groupby('key')['g'].median()",
    ts: (c) => c.ddf.groupby('key').col('g').median(),
    cmp: { index: true },
  },
  {
    id: 'groupby.agg.median-std',
    api: ['GroupBy.agg'],
    py: "flat(df.groupby(['key', 'k2']).agg({'f': ['median', 'std'], 'lim': ['median']}))",
    ts: (c) => c.ddf.groupby(['key', 'k2']).agg({ f: ['median', 'std'], lim: ['median'] }),
  },
  {
    id: 'groupby.col.corr',
    api: ['SeriesGroupBy.corr', 'GroupBy.col'],
    py: "df.groupby('key')['f'].corr(df['g'])",
    ts: (c) => c.ddf.groupby('key').col('f').corr('g'),
    cmp: { index: true },
  },
  {
    id: 'groupby.multi-key.corr',
    api: ['SeriesGroupBy.corr'],
    py: "keys_first(df.groupby(['key', 'k2'])['g'].corr(df['i']))",
    ts: (c) => c.ddf.groupby(['key', 'k2']).col('g').corr('i'),
  },
  {
    id: 'groupby.agg.corr-named',
    api: ['GroupBy.agg'],
    py: "keys_first(df.groupby('k2')['i'].corr(df['lim']).rename('r'))",
    ts: (c) => c.ddf.groupby('k2').agg({ r: { column: 'i', agg: 'corr', other: 'lim' } }),
  },
  {
    id: 'groupby.col.nlargest',
    api: ['SeriesGroupBy.nlargest', 'GroupBy.col'],
    py: "df.groupby('key')['g'].nlargest(2).reset_index(level=0).reset_index(drop=True)",
    ts: (c) => c.ddf.groupby('key').col('g').nlargest(2),
  },
  {
    id: 'groupby.col.nsmallest',
    api: ['SeriesGroupBy.nsmallest'],
    py: "df.groupby('k2')['i'].nsmallest(3).reset_index(level=0).reset_index(drop=True)",
    ts: (c) => c.ddf.groupby('k2').col('i').nsmallest(3),
  },
];

export const groupbyCases: readonly C[] = [
  ...byKey,
  ...holistic,
  { id: 'groupby.size', api: ['GroupBy.size'], py: "df.groupby('key').size()", ts: (c) => c.ddf.groupby('key').size(), cmp: { index: true, name: false } },
  {
    id: 'groupby.int-key.size',
    api: ['GroupBy.size'],
    py: "df.groupby('k2').size()",
    ts: (c) => c.ddf.groupby('k2').size(),
    cmp: { index: true, name: false },
  },
  {
    id: 'groupby.multi-key.mean',
    api: ['GroupBy.mean', 'DataFrame.groupby'],
    py: "keys_first(df.groupby(['key', 'k2'])[['f', 'g']].mean())",
    ts: (c) => c.ddf.groupby(['key', 'k2']).select(['f', 'g']).mean(),
  },
  {
    id: 'groupby.multi-key.col',
    api: ['GroupBy.col'],
    py: "keys_first(df.groupby(['key', 'k2'])['g'].sum())",
    ts: (c) => c.ddf.groupby(['key', 'k2']).col('g').sum(),
  },
  {
    id: 'groupby.bool-key.sum',
    api: ['GroupBy.sum'],
    py: "keys_first(df.groupby('b')[['i', 'g']].sum())",
    ts: (c) => c.ddf.groupby('b').select(['i', 'g']).sum(),
  },
  {
    id: 'groupby.astral-key.count',
    api: ['GroupBy.count'],
    py: "keys_first(df.groupby('txt')[['i']].count())",
    ts: (c) => c.ddf.groupby('txt').select(['i']).count(),
  },
  {
    id: 'groupby.agg.dict',
    api: ['GroupBy.agg'],
    py: "flat(df.groupby('key').agg({'f': 'mean', 'i': ['sum', 'count'], 'g': ['min', 'max']}), keep=('f',))",
    ts: (c) => c.ddf.groupby('key').agg({ f: 'mean', i: ['sum', 'count'], g: ['min', 'max'] }),
  },
  {
    id: 'groupby.agg.named',
    api: ['GroupBy.agg'],
    py: "keys_first(df.groupby('k2').agg(AverageF=('f', 'mean'), N=('i', 'count'), Top=('g', 'max')))",
    ts: (c) => c.ddf.groupby('k2').agg({ AverageF: { column: 'f', agg: 'mean' }, N: { column: 'i', agg: 'count' }, Top: { column: 'g', agg: 'max' } }),
  },
  {
    id: 'groupby.agg.std-var',
    api: ['GroupBy.agg'],
    py: "flat(df.groupby('k2').agg({'g': ['std', 'var', 'nunique']}))",
    ts: (c) => c.ddf.groupby('k2').agg({ g: ['std', 'var', 'nunique'] }),
  },
  {
    id: 'groupby.agg.all-missing',
    api: ['GroupBy.agg'],
    py: "flat(df.groupby('k2').agg({'na': ['sum', 'mean', 'count', 'min']}))",
    ts: (c) => c.ddf.groupby('k2').agg({ na: ['sum', 'mean', 'count', 'min'] }),
  },
  {
    id: 'groupby.select.max',
    api: ['GroupBy.select', 'GroupBy.max'],
    py: "keys_first(df.dropna(subset=['s']).groupby('k2')[['d', 's', 'i']].max())",
    ts: (c) =>
      c.ddf
        .dropna({ subset: ['s'] })
        .groupby('k2')
        .select(['d', 's', 'i'])
        .max(),
  },
  {
    id: 'groupby.after-filter',
    api: ['DataFrame.groupby', 'GroupBy.mean'],
    py: "keys_first(df[df['f'] > 0].groupby('key')[['g']].mean())",
    ts: (c) => c.ddf.filter(c.ddf.col('f').gt(0)).groupby('key').select(['g']).mean(),
  },
  {
    id: 'groupby.split-out',
    api: ['DataFrame.groupby', 'GroupBy.agg'],
    // Split over 3 output partitions, keys are sorted within each only (API.md): rows compared as a set.
    py: "flat(df.groupby('i').agg({'g': ['sum', 'count']}))",
    ts: (c) => c.ddf.groupby('i', { splitOut: 3 }).agg({ g: ['sum', 'count'] }),
    cmp: { order: 'any' },
  },
  {
    id: 'groupby.dropna-false',
    api: ['DataFrame.groupby', 'GroupBy.sum'],
    py: "keys_first(df.groupby('key', dropna=False)[['g']].sum())",
    ts: (c) => c.ddf.groupby('key', { dropna: false }).select(['g']).sum(),
  },
  {
    id: 'groupby.series-key',
    api: ['DataFrame.groupby', 'GroupBy.max'],
    py: "keys_first(df.groupby(df['d'].dt.year)[['i']].max())",
    ts: (c) => c.ddf.groupby(c.ddf.col('d').dt.year()).select(['i']).max(),
  },
  {
    // Dates without missing values: the key stays int64, as in pandas.
    id: 'groupby.series-key-complete',
    api: ['DataFrame.groupby', 'GroupBy.sum', 'DataFrame.dropna'],
    py: "keys_first((lambda x: x.groupby(x['d'].dt.month)[['k2']].sum())(df.dropna(subset=['d'])))",
    ts: (c) => {
      const x = c.ddf.dropna({ subset: ['d'] });
      return x.groupby(x.col('d').dt.month()).select(['k2']).sum();
    },
  },
];
