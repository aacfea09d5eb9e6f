/**
 * The DataFrame, Series, GroupBy, Bag and Array surface of API.md (the public contract), item
 * by item, as the cases name them. coverage.test.ts fails when an item here has no case, when
 * a case names an item that is neither here nor in EXTRA, and when an item names a member the
 * code does not have. When API.md gains an item, add it here and give it a case.
 */
export const API_ITEMS: readonly string[] = [
  // dd.*
  'dd.readCsv',
  'dd.fromDanfo',
  'dd.fromDelayed',
  'dd.concat',
  'dd.merge',
  'dd.toDatetime',
  'dd.toNumeric',
  // DataFrame
  'DataFrame.npartitions',
  'DataFrame.columns',
  'DataFrame.dtypes',
  'String(ddf)',
  'DataFrame.head',
  'DataFrame.tail',
  'DataFrame.length',
  'DataFrame.col',
  'DataFrame.select',
  'DataFrame.filter',
  'DataFrame.loc',
  'DataFrame.iloc',
  'DataFrame.assign',
  'DataFrame.drop',
  'DataFrame.rename',
  'DataFrame.isna',
  'DataFrame.notna',
  'DataFrame.fillna',
  'DataFrame.dropna',
  'DataFrame.count',
  'DataFrame.sum',
  'DataFrame.mean',
  'DataFrame.min',
  'DataFrame.max',
  'DataFrame.std',
  'DataFrame.var',
  'DataFrame.nunique',
  'DataFrame.describe',
  'DataFrame.quantile',
  'DataFrame.median',
  'DataFrame.groupby',
  'DataFrame.merge',
  'DataFrame.nlargest',
  'DataFrame.nsmallest',
  'DataFrame.sortValues',
  'DataFrame.setIndex',
  'DataFrame.sample',
  'DataFrame.selectDtypes',
  'DataFrame.mapPartitions',
  'DataFrame.partitions',
  'DataFrame.repartition',
  'DataFrame.toCsv',
  'DataFrame.toDelayed',
  'DataFrame.compute',
  'DataFrame.persist',
  'DataFrame.visualize',
  // Series
  'Series.name',
  'Series.dtype',
  ...['add', 'sub', 'mul', 'div', 'mod', 'pow', 'neg'].map((m) => `Series.${m}`),
  ...['gt', 'ge', 'lt', 'le', 'eq', 'ne', 'and', 'or', 'not'].map((m) => `Series.${m}`),
  ...['isna', 'notna', 'isin', 'between', 'fillna', 'astype'].map((m) => `Series.${m}`),
  ...['sum', 'mean', 'min', 'max', 'std', 'var', 'count', 'nunique', 'median', 'quantile', 'any', 'all'].map((m) => `Series.${m}`),
  ...['valueCounts', 'unique', 'nlargest', 'nsmallest', 'map'].map((m) => `Series.${m}`),
  ...['year', 'month', 'day', 'dayofweek', 'hour'].map((m) => `Series.dt.${m}`),
  ...['lower', 'upper', 'contains', 'len'].map((m) => `Series.str.${m}`),
  'Series.compute',
  'Series.head',
  // Scalar
  'Scalar.compute',
  'Scalar.operand',
  // GroupBy
  ...['agg', 'mean', 'sum', 'count', 'min', 'max', 'std', 'var', 'size', 'nunique', 'first', 'last', 'col', 'select', 'median'].map((m) => `GroupBy.${m}`),
  // SeriesGroupBy (g.col(c)): its own items where it differs from GroupBy
  ...['median', 'corr', 'nlargest', 'nsmallest'].map((m) => `SeriesGroupBy.${m}`),
  // Bag
  'db.fromSequence',
  'db.readText',
  ...['map', 'filter', 'flatten', 'pluck', 'count', 'sum', 'frequencies', 'topk', 'foldby', 'distinct', 'take', 'compute'].map((m) => `Bag.${m}`),
  // Array
  'da.ones',
  'da.zeros',
  'da.fromArray',
  'da.random.normal',
  'da.random.random',
  ...['sum', 'mean', 'std', 'max', 'T', 'add', 'dot', 'rechunk', 'compute'].map((m) => `Array.${m}`),
];

/** Members beyond API.md that cases exercise too. */
export const EXTRA: readonly string[] = [
  ...['Array.min', 'Array.var', 'Array.sub', 'Array.mul', 'Array.div', 'Array.pow'],
  ...['minute', 'second', 'dayofyear', 'quarter'].map((m) => `Series.dt.${m}`),
  ...['Series.dropna', 'Series.filter'],
];
