/**
 * Series and Scalar cases: API.md's Series members against pandas on the messy frame's
 * columns (f: float with NaN and -0.0; g: float; i, k2, lim: int; big: int up to 2^53 - 1;
 * b: bool; key, s, txt, numstr: text with missing; d: datetime with missing; na: all missing).
 */
import type { Case } from '../harness.js';
import type { FrameCtx } from './frame-context.js';

type C = Case<FrameCtx>;

const arith = (['add', 'sub', 'mul', 'div', 'mod', 'pow'] as const).flatMap((op): C[] => {
  const py = { add: '+', sub: '-', mul: '*', div: '/', mod: '%', pow: '**' }[op];
  return [
    { id: `${op}.float-series`, api: [`Series.${op}`], py: `df['f'] ${py} df['g']`, ts: (c) => c.ddf.col('f')[op](c.ddf.col('g')), cmp: { name: false } },
    { id: `${op}.int-scalar`, api: [`Series.${op}`], py: `df['i'] ${py} ${op === 'pow' ? 2 : 7}`, ts: (c) => c.ddf.col('i')[op](op === 'pow' ? 2 : 7) },
    { id: `${op}.negative-float`, api: [`Series.${op}`], py: `df['g'] ${py} -2.5`, ts: (c) => c.ddf.col('g')[op](-2.5) },
    // k2 holds 0: int / 0 and int % 0 in pandas are inf and NaN (float64); k2 ** k2 stays small.
    {
      id: `${op}.int-series`,
      api: [`Series.${op}`],
      py: `df['${op === 'pow' ? 'k2' : 'i'}'] ${py} df['k2']`,
      ts: (c) => c.ddf.col(op === 'pow' ? 'k2' : 'i')[op](c.ddf.col('k2')),
      cmp: { name: false },
    },
  ];
});

const compare = (['gt', 'ge', 'lt', 'le', 'eq', 'ne'] as const).flatMap((op): C[] => {
  const py = { gt: '>', ge: '>=', lt: '<', le: '<=', eq: '==', ne: '!=' }[op];
  return [
    { id: `${op}.float-nan`, api: [`Series.${op}`], py: `df['f'] ${py} 0`, ts: (c) => c.ddf.col('f')[op](0) },
    { id: `${op}.series`, api: [`Series.${op}`], py: `df['f'] ${py} df['g']`, ts: (c) => c.ddf.col('f')[op](c.ddf.col('g')), cmp: { name: false } },
    { id: `${op}.string`, api: [`Series.${op}`], py: `df['key'] ${py} 'gamma'`, ts: (c) => c.ddf.col('key')[op]('gamma') },
  ];
});

const reductions = (['sum', 'mean', 'min', 'max', 'std', 'var', 'count', 'nunique', 'median'] as const).flatMap((fn): C[] =>
  ['f', 'i', 'b', 'na', 'g'].map((col) => ({
    id: `${fn}.${col}`,
    api: [`Series.${fn}`, 'Scalar.compute'],
    py: `df['${col}'].${fn}()`,
    ts: (c) => c.ddf.col(col)[fn](),
  })),
);

const cases: readonly C[] = [
  { id: 'name', api: ['Series.name'], py: "df['f'].name", ts: (c) => c.ddf.col('f').name },
  {
    id: 'dtype',
    api: ['Series.dtype'],
    py: "[str(df[c].dtype) for c in ['f', 'i', 'b', 'key', 'd', 'na']]",
    ts: (c) =>
      ['f', 'i', 'b', 'key', 'd', 'na'].map(
        (n) =>
          ({ int64: 'int64', int32: 'int64', float64: 'float64', bool: 'bool', string: 'object', object: 'object', datetime: 'datetime64[ns]' })[
            c.ddf.col(n).dtype
          ],
      ),
  },
  { id: 'compute', api: ['Series.compute'], py: "df['d']", ts: (c) => c.ddf.col('d') },
  { id: 'head', api: ['Series.head'], py: "df['s'].head(9)", ts: (c, o) => c.ddf.col('s').head(9, o) },

  ...arith,
  // % 0: NaN in every row (float64), also for the empty partition; a divisor without zeros keeps int64.
  { id: 'mod.zero-scalar', api: ['Series.mod'], py: "df['i'] % 0", ts: (c) => c.ddf.col('i').mod(0) },
  {
    id: 'mod.nonzero-series',
    api: ['Series.mod'],
    py: "df['i'] % (df['k2'] + 1)",
    ts: (c) => c.ddf.col('i').mod(c.ddf.col('k2').add(1)),
    cmp: { name: false },
  },
  // Zeros in the other side matter to % only: int - int stays int64.
  {
    id: 'sub.int-series-zeros',
    api: ['Series.sub'],
    py: "df['i'] - df['k2']",
    ts: (c) => c.ddf.col('i').sub(c.ddf.col('k2')),
    cmp: { name: false },
  },
  { id: 'add.big-int', api: ['Series.add'], py: "df['big'] + 2", ts: (c) => c.ddf.col('big').add(2) },
  { id: 'add.int32-limits', api: ['Series.add'], py: "df['lim'] + df['lim']", ts: (c) => c.ddf.col('lim').add(c.ddf.col('lim')), cmp: { name: false } },
  { id: 'pow.int32-limits', api: ['Series.pow'], py: "df['lim'] ** 2", ts: (c) => c.ddf.col('lim').pow(2) },
  { id: 'add.string-number', api: ['Series.add'], py: "df['key'] + df['i']", ts: (c) => c.ddf.col('key').add(c.ddf.col('i')) },
  { id: 'add.scalar-operand', api: ['Series.add', 'Scalar.operand'], py: "df['g'] - df['g'].mean()", ts: (c) => c.ddf.col('g').sub(c.ddf.col('g').mean()) },
  { id: 'neg', api: ['Series.neg'], py: "-df['f']", ts: (c) => c.ddf.col('f').neg() },
  { id: 'neg.int', api: ['Series.neg'], py: "-df['lim']", ts: (c) => c.ddf.col('lim').neg() },

  ...compare,
  { id: 'lt.scalar-operand', api: ['Series.lt', 'Scalar.operand'], py: "df['f'] < df['f'].mean()", ts: (c) => c.ddf.col('f').lt(c.ddf.col('f').mean()) },
  { id: 'gt.dates', api: ['Series.gt'], py: "df['d'] > pd.Timestamp('2010-01-01')", ts: (c) => c.ddf.col('d').gt(new Date(Date.UTC(2010, 0, 1))) },
  { id: 'and', api: ['Series.and'], py: "df['b'] & (df['f'] > 0)", ts: (c) => c.ddf.col('b').and(c.ddf.col('f').gt(0)), cmp: { name: false } },
  { id: 'or', api: ['Series.or'], py: "df['b'] | (df['k2'] == 2)", ts: (c) => c.ddf.col('b').or(c.ddf.col('k2').eq(2)), cmp: { name: false } },
  { id: 'not', api: ['Series.not'], py: "~df['b']", ts: (c) => c.ddf.col('b').not() },

  { id: 'isna.float', api: ['Series.isna'], py: "df['f'].isna()", ts: (c) => c.ddf.col('f').isna() },
  { id: 'isna.string', api: ['Series.isna'], py: "df['key'].isna()", ts: (c) => c.ddf.col('key').isna() },
  { id: 'isna.date', api: ['Series.isna'], py: "df['d'].isna()", ts: (c) => c.ddf.col('d').isna() },
  { id: 'notna', api: ['Series.notna'], py: "df['s'].notna()", ts: (c) => c.ddf.col('s').notna() },
  { id: 'isin.list', api: ['Series.isin'], py: "df['key'].isin(['x', 'a,b', '😀 smile'])", ts: (c) => c.ddf.col('key').isin(['x', 'a,b', '😀 smile']) },
  { id: 'isin.ints', api: ['Series.isin'], py: "df['k2'].isin([1, 3])", ts: (c) => c.ddf.col('k2').isin([1, 3]) },
  { id: 'isin.series', api: ['Series.isin'], py: "df['key'].isin(right['key'])", ts: (c) => c.ddf.col('key').isin(c.right.col('key')) },
  { id: 'between', api: ['Series.between'], py: "df['f'].between(-1, 100)", ts: (c) => c.ddf.col('f').between(-1, 100) },
  { id: 'between.int', api: ['Series.between'], py: "df['i'].between(-10000, 10000)", ts: (c) => c.ddf.col('i').between(-10000, 10000) },
  { id: 'fillna.float', api: ['Series.fillna'], py: "df['f'].fillna(0.5)", ts: (c) => c.ddf.col('f').fillna(0.5) },
  { id: 'fillna.string', api: ['Series.fillna'], py: "df['key'].fillna('?')", ts: (c) => c.ddf.col('key').fillna('?') },
  { id: 'astype.float', api: ['Series.astype'], py: "df['i'].astype('float64')", ts: (c) => c.ddf.col('i').astype('float64') },
  { id: 'astype.int', api: ['Series.astype'], py: "df['g'].astype('int64')", ts: (c) => c.ddf.col('g').astype('int64') },
  { id: 'astype.bool', api: ['Series.astype'], py: "df['k2'].astype('bool')", ts: (c) => c.ddf.col('k2').astype('bool') },
  { id: 'astype.string-from-int', api: ['Series.astype'], py: "df['i'].astype(str)", ts: (c) => c.ddf.col('i').astype('string') },
  { id: 'astype.string-from-float', api: ['Series.astype'], py: "df['g'].astype(str)", ts: (c) => c.ddf.col('g').astype('string') },
  {
    id: 'astype.string-floats',
    api: ['Series.astype'],
    py: "df['f'].dropna().loc[lambda s: s.abs() > 1].astype(str)",
    ts: (c) =>
      c.ddf
        .col('f')
        .filter(c.ddf.col('f').gt(1).or(c.ddf.col('f').lt(-1)))
        .astype('string'),
  },
  {
    id: 'astype.string-negative-zero',
    api: ['Series.astype'],
    py: "df['f'][df['f'] == 0].astype(str)",
    ts: (c) => c.ddf.col('f').filter(c.ddf.col('f').eq(0)).astype('string'),
  },
  { id: 'astype.string-missing', api: ['Series.astype'], py: "df['f'].astype(str)", ts: (c) => c.ddf.col('f').astype('string') },
  { id: 'astype.object-dtype', api: ['Series.astype'], py: "str(df['k2'].astype('object').dtype)", ts: (c) => c.ddf.col('k2').astype('object').dtype },

  ...reductions,
  { id: 'min.string', api: ['Series.min'], py: "df['key'].min()", ts: (c) => c.ddf.col('key').min() },
  { id: 'max.string', api: ['Series.max'], py: "df['key'].max()", ts: (c) => c.ddf.col('key').max() },
  { id: 'max.astral-text', api: ['Series.max'], py: "df['txt'].max()", ts: (c) => c.ddf.col('txt').max() },
  { id: 'min.date', api: ['Series.min'], py: "df['d'].min()", ts: (c) => c.ddf.col('d').min() },
  { id: 'max.date', api: ['Series.max'], py: "df['d'].max()", ts: (c) => c.ddf.col('d').max() },
  { id: 'min.bool', api: ['Series.min'], py: "df['b'].min()", ts: (c) => c.ddf.col('b').min() },
  { id: 'sum.big-int', api: ['Series.sum'], py: "df['big'].sum()", ts: (c) => c.ddf.col('big').sum() },
  { id: 'sum.int32-limits', api: ['Series.sum'], py: "df['lim'].sum()", ts: (c) => c.ddf.col('lim').sum() },
  { id: 'sum.infinity', api: ['Series.sum'], py: "pd.to_numeric(df['fi']).sum()", ts: (c) => c.ddf.col('fi').sum() },
  { id: 'count.string', api: ['Series.count'], py: "df['key'].count()", ts: (c) => c.ddf.col('key').count() },
  { id: 'nunique.string', api: ['Series.nunique'], py: "df['key'].nunique()", ts: (c) => c.ddf.col('key').nunique() },
  { id: 'nunique.negative-zero', api: ['Series.nunique'], py: "df['f'].nunique()", ts: (c) => c.ddf.col('f').nunique() },
  { id: 'std.ddof0', api: ['Series.std'], py: "df['g'].std(ddof=0)", ts: (c) => c.ddf.col('g').std({ ddof: 0 }) },
  ...[0, 0.25, 0.5, 0.9, 1].map((q): C => ({
    id: `quantile.${q}`,
    api: ['Series.quantile'],
    py: `df['f'].quantile(${q})`,
    ts: (c) => c.ddf.col('f').quantile(q),
  })),
  { id: 'quantile.int', api: ['Series.quantile'], py: "df['i'].quantile(0.3)", ts: (c) => c.ddf.col('i').quantile(0.3) },
  { id: 'median.all-missing', api: ['Series.median'], py: "df['na'].median()", ts: (c) => c.ddf.col('na').median() },
  { id: 'any', api: ['Series.any'], py: "df['b'].any()", ts: (c) => c.ddf.col('b').any() },
  { id: 'any.none', api: ['Series.any'], py: "(df['i'] > 10**9).any()", ts: (c) => c.ddf.col('i').gt(1e9).any() },
  { id: 'all', api: ['Series.all'], py: "(df['k2'] >= 0).all()", ts: (c) => c.ddf.col('k2').ge(0).all() },
  { id: 'all.false', api: ['Series.all'], py: "df['b'].all()", ts: (c) => c.ddf.col('b').all() },
  { id: 'all.float-nan', api: ['Series.all'], py: "df['f'].all()", ts: (c) => c.ddf.col('f').all() },

  {
    id: 'valueCounts',
    api: ['Series.valueCounts'],
    // Ties in count have no defined order: compare (value, count) pairs, then the descending counts.
    py: "df['key'].value_counts()",
    ts: (c) => c.ddf.col('key').valueCounts(),
    cmp: { index: true, order: 'any', name: false },
  },
  {
    id: 'valueCounts.sorted',
    api: ['Series.valueCounts'],
    py: "df['key'].value_counts().tolist()",
    ts: async (c, o) => (await c.ddf.col('key').valueCounts().compute(o)).values,
  },
  {
    id: 'valueCounts.normalize',
    api: ['Series.valueCounts'],
    py: "df['k2'].value_counts(normalize=True)",
    ts: (c) => c.ddf.col('k2').valueCounts({ normalize: true }),
    cmp: { index: true, order: 'any', name: false },
  },
  {
    id: 'valueCounts.dropna-false',
    api: ['Series.valueCounts'],
    py: "df['key'].value_counts(dropna=False)",
    ts: (c) => c.ddf.col('key').valueCounts({ dropna: false }),
    cmp: { index: true, order: 'any', name: false },
  },
  { id: 'unique.int', api: ['Series.unique'], py: "df['k2'].unique()", ts: (c) => c.ddf.col('k2').unique(), cmp: { valuesOnly: true } },
  { id: 'unique.string', api: ['Series.unique'], py: "df['key'].unique()", ts: (c) => c.ddf.col('key').unique(), cmp: { valuesOnly: true } },
  {
    id: 'unique.date',
    api: ['Series.unique'],
    py: "df['d'].unique()[:50]",
    ts: async (c, o) => (await c.ddf.col('d').unique().compute(o)).values.slice(0, 50),
    cmp: { valuesOnly: true },
  },
  { id: 'nlargest', api: ['Series.nlargest'], py: "df['f'].nlargest(6)", ts: (c) => c.ddf.col('f').nlargest(6), cmp: { valuesOnly: true } },
  { id: 'nsmallest', api: ['Series.nsmallest'], py: "df['i'].nsmallest(6)", ts: (c) => c.ddf.col('i').nsmallest(6), cmp: { valuesOnly: true } },
  { id: 'nlargest.string', api: ['Series.nlargest'], py: "df['key'].nlargest(4)", ts: (c) => c.ddf.col('key').nlargest(4), cmp: { valuesOnly: true } },
  { id: 'map.int', api: ['Series.map'], py: "df['i'].map(lambda x: x * 3 - 1)", ts: (c) => c.ddf.col('i').map((x) => Number(x) * 3 - 1) },
  { id: 'map.int-to-float', api: ['Series.map'], py: "df['k2'].map(lambda x: x / 2.5)", ts: (c) => c.ddf.col('k2').map((x) => Number(x) / 2.5) },
  {
    id: 'map.string',
    api: ['Series.map'],
    py: "df['key'].map(lambda s: None if pd.isna(s) else s[:3])",
    ts: (c) => c.ddf.col('key').map((s) => (s === null ? null : Array.from(String(s)).slice(0, 3).join(''))),
  },
  ...(['year', 'month', 'day', 'dayofweek', 'hour'] as const).map((f): C => ({
    id: `dt.${f}`,
    api: [`Series.dt.${f}`],
    py: `df['d'].dt.${f}`,
    ts: (c) => c.ddf.col('d').dt[f](),
  })),
  // The other fields: NaN for a missing date, so float64 (like the fields above).
  ...(['minute', 'second', 'dayofyear', 'quarter'] as const).map((f): C => ({
    id: `dt.${f}`,
    api: [`Series.dt.${f}`],
    py: `df['d'].dt.${f}`,
    ts: (c) => c.ddf.col('d').dt[f](),
  })),
  // Dates without missing values: int64 fields, as pandas keeps them.
  { id: 'dt.year.dropna', api: ['Series.dt.year', 'Series.dropna'], py: "df['d'].dropna().dt.year", ts: (c) => c.ddf.col('d').dropna().dt.year() },
  {
    id: 'dt.hour.filter-notna',
    api: ['Series.dt.hour', 'Series.filter', 'Series.notna'],
    py: "df['d'][df['d'].notna()].dt.hour",
    ts: (c) => c.ddf.col('d').filter(c.ddf.col('d').notna()).dt.hour(),
  },
  {
    id: 'dt.month.fillna',
    api: ['Series.dt.month', 'Series.fillna'],
    py: "df['d'].fillna(pd.Timestamp('2001-02-03')).dt.month",
    ts: (c) =>
      c.ddf
        .col('d')
        .fillna(new Date(Date.UTC(2001, 1, 3)))
        .dt.month(),
  },
  // A field of a field: the year's NaN stays NaN, so float64 on.
  { id: 'dt.year.add', api: ['Series.dt.year', 'Series.add'], py: "df['d'].dt.year + 1", ts: (c) => c.ddf.col('d').dt.year().add(1) },
  // The text of a float64 year in every partition ('2010.0'), also one without missing dates (the missing rows: s.astype.string-missing).
  {
    id: 'dt.year.astype-string',
    api: ['Series.dt.year', 'Series.astype'],
    py: "df['d'].dt.year.astype(str).where(df['d'].notna())",
    ts: (c) => c.ddf.col('d').dt.year().astype('string'),
  },
  ...(['lower', 'upper', 'len'] as const).map((f): C => ({
    id: `str.${f}`,
    api: [`Series.str.${f}`],
    py: `df['key'].str.${f}()`,
    ts: (c) => c.ddf.col('key').str[f](),
  })),
  {
    id: 'str.len.no-missing',
    api: ['Series.str.len'],
    py: "df['key'].dropna().str.len()",
    ts: (c) => c.ddf.col('key').filter(c.ddf.col('key').notna()).str.len(),
  },
  { id: 'str.len.dropna', api: ['Series.str.len', 'Series.dropna'], py: "df['key'].dropna().str.len()", ts: (c) => c.ddf.col('key').dropna().str.len() },
  {
    id: 'str.len.fillna',
    api: ['Series.str.len', 'Series.fillna'],
    py: "df['key'].fillna('??').str.len()",
    ts: (c) => c.ddf.col('key').fillna('??').str.len(),
  },
  // str.len of a string column: its missing values stay NaN through lower().
  {
    id: 'str.lower.len',
    api: ['Series.str.lower', 'Series.str.len'],
    py: "df['key'].str.lower().str.len()",
    ts: (c) => c.ddf.col('key').str.lower().str.len(),
  },
  { id: 'str.lower.long', api: ['Series.str.lower'], py: "df['s'].str.lower()", ts: (c) => c.ddf.col('s').str.lower() },
  { id: 'str.contains', api: ['Series.str.contains'], py: "df['key'].str.contains('a')", ts: (c) => c.ddf.col('key').str.contains('a') },
  {
    id: 'str.contains.no-missing',
    api: ['Series.str.contains'],
    py: "df['key'].dropna().str.contains('a')",
    ts: (c) => c.ddf.col('key').filter(c.ddf.col('key').notna()).str.contains('a'),
  },
];

/** Ids carry the owner (`s.`): KNOWN and DIFFERENCES are keyed over every suite. */
export const seriesCases = cases.map((c) => ({ ...c, id: `s.${c.id}` }));
