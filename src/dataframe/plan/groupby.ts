/**
 * Groupby. `groupby(frame, 'k')` records the keys (a GroupByPlan); an aggregation builds the graph:
 *
 *  - splitOut = 1 (few groups, the default for few partitions): a tree reduction of
 *    per-partition partial aggregates into one output partition;
 *  - splitOut > 1 (many groups): each partition's partial aggregate is hash-split by key and
 *    shuffled into splitOut output partitions, each finishing its own groups.
 *
 * Either way a partition is reduced to one row per group before anything moves, so a key
 * holding 40% of the rows costs one row per partition, not 40% of the data. Only the key and
 * value columns are selected first, so a CSV source reads only those.
 * Results: a frame with the group keys as leading columns, then the aggregates, sorted by key
 * within each output partition; series aggregations (`g.col('x').min()`, `g.size()`) give a
 * series indexed by the key when there is one key, and a frame with the keys as leading
 * columns when there are several.
 */
import { type Frame, isNumberLike } from '../frame.js';
import {
  AGG_NAMES,
  type AggName,
  type AggOutput,
  groupbyChunk,
  groupbyChunkSplit,
  groupbyCombine,
  groupbyFinalize,
  groupbyResplit,
  groupChunk,
  groupFinalize,
  type GroupSpec,
  validateSpec,
} from '../ops/groupby.js';
import { groupbyToSeries } from '../ops/groupby-series.js';
import { groupbyTopNChunk, groupbyTopNCombine, groupbyTopNFinalize, topNChunk, topNFinalize, type TopNSpec } from '../ops/groupby-topn.js';
import { derive, inferMeta } from './blockwise.js';
import { assign, rename, select } from './columns.js';
import { onePartition, treeReduce } from './reduce.js';
import { shuffle } from './shuffle.js';
import { type FrameSpec, isSeriesSpec } from './spec.js';

export type { AggName };

/** A named aggregation: `{ AverageScore: { column: 'Score', agg: 'mean' } }`. */
export interface NamedAgg {
  column: string;
  agg: AggName;
  /** corr only: the column `column` is correlated with. */
  other?: string;
}

/** Per column: one function (keeps the column name), a list (`col_fn` names), or a named aggregation. */
export type AggSpec = Readonly<Record<string, AggName | readonly AggName[] | NamedAgg>>;

export interface GroupByOptions {
  /** Drop groups whose key is missing (default true, as pandas). */
  dropna?: boolean;
  /** Sort groups by key (default true; with splitOut > 1, within each output partition). */
  sort?: boolean;
  /**
   * Output partitions. 1 = tree reduction into one partition; more = hash shuffle of partial
   * aggregates (use for many groups). Default: 1 below 16 input partitions, then one output
   * per 15 inputs (Dask's rule of thumb).
   */
  splitOut?: number;
  /** Partials combined per tree level (default 8). */
  splitEvery?: number;
}

/** A grouping, before any aggregation. */
export interface GroupByPlan {
  /** The frame grouped (a series key is assigned to it as a column first). */
  readonly frame: FrameSpec<'frame'>;
  /** Key columns in `frame`. */
  readonly keys: readonly string[];
  /** Key columns as results show them. */
  readonly by: readonly string[];
  readonly opts: GroupByOptions;
  /** Value columns (a `select`); all non-key columns when undefined. */
  readonly columns?: readonly string[];
}

export function groupby(
  frame: FrameSpec<'frame'>,
  by: string | readonly string[] | FrameSpec<'series'>,
  opts: GroupByOptions = {},
  columns?: readonly string[],
  /** Result names of hidden key columns (set by `select` on a series-keyed groupby). */
  shownAs?: readonly string[],
): GroupByPlan {
  let g: GroupByPlan;
  if (isSeriesSpec(by)) {
    // groupby(ddf.col('Date').dt.year()): the series becomes a key column named after it;
    // a hidden name while grouping keeps it apart from a data column of the same name.
    const name = by.meta.names[0];
    const hidden = frame.meta.has(name) ? `\u0002${name}` : name;
    g = { frame: assign(frame, { [hidden]: by }), keys: [hidden], by: [name], opts, columns };
  } else {
    const keys = typeof by === 'string' ? [by] : [...by];
    g = { frame, keys, by: shownAs ?? keys, opts, columns };
  }
  if (g.keys.length === 0) throw new TypeError('groupby: give at least one key column');
  for (const k of g.keys) if (!g.frame.meta.has(k)) g.frame.meta.col(k);
  for (const c of columns ?? []) if (!g.frame.meta.has(c)) g.frame.meta.col(c);
  return g;
}

/** Only these value columns: `g.select(['a', 'b'])`. */
export function selectColumns(g: GroupByPlan, columns: readonly string[]): GroupByPlan {
  return groupby(g.frame, g.keys, g.opts, [...columns], g.by);
}

/** Checks that `column` exists (for `g.col(column)`). */
export function checkColumn(g: GroupByPlan, column: string): void {
  if (!g.frame.meta.has(column)) g.frame.meta.col(column);
}

/** Value columns an aggregation covers. */
function valueColumns(g: GroupByPlan): string[] {
  return (g.columns ?? g.frame.meta.names).filter((n) => !g.keys.includes(n));
}

/** Run a list of outputs; the core every other aggregation goes through. */
export function aggregate(g: GroupByPlan, outputs: readonly AggOutput[]): FrameSpec<'frame'> {
  if (outputs.length === 0) throw new TypeError('groupby: nothing to aggregate (no value columns)');
  const spec: GroupSpec = { by: g.keys, outputs: [...outputs], dropna: g.opts.dropna ?? true, sort: g.opts.sort ?? true, ddof: 1 };
  const used = outputs.filter((o) => o.fn !== 'size').flatMap((o) => (o.other === undefined ? [o.column] : [o.column, o.other]));
  const input = select(g.frame, [...new Set([...g.keys, ...used])]);
  const schema = input.meta;
  validateSpec(spec, schema);
  const meta = inferMeta('groupby-agg', (m: Frame) => groupFinalize([groupChunk(m, spec)], spec, schema), [input]);
  const n = input.npartitions;
  const splitOut = g.opts.splitOut ?? (n < 16 ? 1 : Math.ceil(n / 15));
  if (splitOut === 1) {
    const r = treeReduce('groupby-agg', input, {
      chunk: groupbyChunk,
      chunkArgs: [spec],
      combine: groupbyCombine,
      combineArgs: [spec],
      aggregate: groupbyFinalize,
      aggregateArgs: [spec, schema],
      splitEvery: g.opts.splitEvery,
    });
    return showKeys(g, onePartition('frame', 'groupby-agg', r, meta), outputs);
  }
  const shuffled = shuffle(
    'frame',
    input,
    {
      name: 'groupby-agg',
      nOut: splitOut,
      split: groupbyChunkSplit,
      splitArgs: [spec, splitOut],
      resplit: groupbyResplit,
      merge: groupbyCombine,
      mergeArgs: [spec],
      combine: groupbyFinalize,
      combineArgs: [spec, schema],
    },
    meta,
  );
  return showKeys(g, shuffled, outputs);
}

/** Hidden key names back to the names users see. */
function showKeys(g: GroupByPlan, df: FrameSpec<'frame'>, outputs: readonly AggOutput[]): FrameSpec<'frame'> {
  const mapping: Record<string, string> = {};
  g.keys.forEach((k, j) => {
    if (k !== g.by[j]) {
      if (outputs.some((o) => o.name === g.by[j])) {
        throw new TypeError(`groupby: the key '${g.by[j]}' and an output column share a name; rename the key series (s.rename('year')) or the output`);
      }
      mapping[k] = g.by[j];
    }
  });
  return Object.keys(mapping).length === 0 ? df : rename(df, mapping);
}

/**
 * `{ Score: 'mean' }` keeps the name; `{ AnswerCount: ['sum', 'count'] }` gives
 * AnswerCount_sum, AnswerCount_count; `{ AverageScore: { column: 'Score', agg: 'mean' } }`
 * names the output. A single function or list applies to every value column.
 */
export function agg(g: GroupByPlan, spec: AggSpec | AggName | readonly AggName[]): FrameSpec<'frame'> {
  const outputs: AggOutput[] = [];
  if (typeof spec === 'string' || Array.isArray(spec)) {
    const fns = (typeof spec === 'string' ? [spec] : spec) as AggName[];
    if (fns.includes('corr'))
      throw new TypeError("groupby.agg: corr pairs two columns; use g.col('a').corr('b') or { r: { column: 'a', agg: 'corr', other: 'b' } }");
    const cols = columnsFor(g, fns);
    for (const c of cols)
      for (const fn of fns) outputs.push({ name: fns.length === 1 && typeof spec === 'string' ? c : `${c}_${fn}`, column: c, fn: checkFn(fn, c) });
    return aggregate(g, outputs);
  }
  for (const [name, v] of Object.entries(spec as AggSpec)) {
    if (typeof v === 'string') outputs.push({ name, column: name, fn: checkFn(v, name) });
    else if (Array.isArray(v)) for (const fn of v as AggName[]) outputs.push({ name: `${name}_${fn}`, column: name, fn: checkFn(fn, name) });
    else if (v !== null && typeof v === 'object' && typeof (v as NamedAgg).column === 'string') {
      const na = v as NamedAgg;
      if (na.other !== undefined && typeof na.other !== 'string')
        throw new TypeError(`groupby.agg: '${name}'.other must be a column name; got ${JSON.stringify(na.other)}`);
      outputs.push({ name, column: na.column, fn: checkFn(na.agg, name), ...(na.other === undefined ? {} : { other: na.other }) });
    } else {
      throw new TypeError(`groupby.agg: '${name}' must be an aggregation name, a list of them, or { column, agg }; got ${JSON.stringify(v)}`);
    }
  }
  for (const o of outputs) {
    if (o.other !== undefined && g.keys.includes(o.other)) {
      throw new TypeError(`groupby.agg: '${o.other}' is a group key; correlate another column`);
    }
    if (g.keys.includes(o.column) && o.fn !== 'size') {
      throw new TypeError(`groupby.agg: '${o.column}' is a group key; aggregate another column (keys come back as leading columns)`);
    }
  }
  return aggregate(g, outputs);
}

/** Value columns a whole-frame aggregation covers: numbers only for sum/mean/std/var (pandas' numeric_only). */
function columnsFor(g: GroupByPlan, fns: readonly AggName[]): string[] {
  const numericOnly = fns.some((f) => f === 'sum' || f === 'mean' || f === 'std' || f === 'var' || f === 'median');
  const cols = valueColumns(g);
  return numericOnly ? cols.filter((c) => isNumberLike(g.frame.meta.col(c).dtype)) : cols;
}

/** One function over every value column it applies to. */
export function aggAll(g: GroupByPlan, fn: AggName): FrameSpec<'frame'> {
  return aggregate(
    g,
    columnsFor(g, [fn]).map((c) => ({ name: c, column: c, fn })),
  );
}

/** Rows per group, as a series indexed by the key (like pandas). */
export function size(g: GroupByPlan): FrameSpec<'series'> {
  return seriesOf(aggregate(g, [{ name: 'size', column: '', fn: 'size' }]), g.by, 'size');
}

/** One function of one column, as a series indexed by the key. */
export function aggColumn(g: GroupByPlan, column: string, fn: AggName): FrameSpec<'series'> {
  checkFn(fn, column);
  // g.col('Origin').count() when grouping by Origin: the output needs a name apart from the key.
  const out = g.by.includes(column) ? `${column}\u0003` : column;
  return seriesOf(aggregate(g, [{ name: out, column, fn }]), g.by, out, column);
}

/**
 * One function of one column as a frame: the keys as leading columns, each with its own dtype,
 * then the values named after the column (`column_fn` when the column is itself a key).
 * What several keys give, as danfo has no multi-level index.
 */
export function aggColumnFrame(g: GroupByPlan, column: string, fn: AggName): FrameSpec<'frame'> {
  checkFn(fn, column);
  return aggregate(g, [{ name: g.by.includes(column) ? `${column}_${fn}` : column, column, fn }]);
}

/**
 * Correlation of `column` with `other` per group (pandas' `g[column].corr(df[other])`): the
 * keys, then the correlation named after `column`; corrSeries: a series indexed by the key.
 */
export function corrFrame(g: GroupByPlan, column: string, other: string): FrameSpec<'frame'> {
  checkColumn(g, other);
  if (g.keys.includes(other) || g.keys.includes(column))
    throw new TypeError(`groupby corr: '${g.keys.includes(other) ? other : column}' is a group key; correlate two value columns`);
  return aggregate(g, [{ name: column, column, fn: 'corr', other }]);
}

export function corrSeries(g: GroupByPlan, column: string, other: string): FrameSpec<'series'> {
  return seriesOf(corrFrame(g, column, other), g.by, column);
}

/**
 * The n largest (or smallest) values of `column` in each group: the keys, then the column,
 * up to n rows per group; groups sorted by key, best value first (pandas' `g[col].nlargest(n)`
 * with its group level reset). A tree reduction: each partition keeps n rows per group.
 */
export function topN(g: GroupByPlan, column: string, n: number, largest: boolean): FrameSpec<'frame'> {
  const what = largest ? 'nlargest' : 'nsmallest';
  if (!Number.isInteger(n) || n < 1) throw new TypeError(`groupby ${what}: n must be a positive integer; got ${String(n)}`);
  checkColumn(g, column);
  if (g.keys.includes(column)) throw new TypeError(`groupby ${what}: '${column}' is a group key; pick a value column`);
  const t = g.frame.meta.col(column).dtype;
  if (!(isNumberLike(t) || t === 'datetime') || t === 'bool')
    throw new TypeError(`groupby ${what}: '${column}' is ${t}; nlargest/nsmallest take a numeric or datetime column`);
  const spec: TopNSpec = { by: g.keys, column, n, largest, dropna: g.opts.dropna ?? true };
  const input = select(g.frame, [...g.keys, column]);
  const meta = inferMeta('groupby-topn', (m: Frame) => topNFinalize([topNChunk(m, spec)], spec), [input]);
  const r = treeReduce('groupby-topn', input, {
    chunk: groupbyTopNChunk,
    chunkArgs: [spec],
    combine: groupbyTopNCombine,
    combineArgs: [spec],
    aggregate: groupbyTopNFinalize,
    aggregateArgs: [spec],
    splitEvery: g.opts.splitEvery,
  });
  return showKeys(g, onePartition('frame', 'groupby-topn', r, meta), []);
}

/** Rows per group as a frame: the keys, then `size`. */
export function sizeFrame(g: GroupByPlan): FrameSpec<'frame'> {
  return aggregate(g, [{ name: 'size', column: '', fn: 'size' }]);
}

/** Several functions of one column: keys and one column per function. */
export function aggColumnAll(g: GroupByPlan, column: string, fns: readonly AggName[]): FrameSpec<'frame'> {
  return aggregate(
    g,
    fns.map((f) => ({ name: f, column, fn: checkFn(f, column) })),
  );
}

function checkFn(fn: string, column: string): AggName {
  if (!(AGG_NAMES as readonly string[]).includes(fn)) {
    throw new TypeError(`groupby: unknown aggregation '${fn}' for '${column}'; use one of ${AGG_NAMES.join(', ')}`);
  }
  return fn as AggName;
}

function seriesOf(df: FrameSpec<'frame'>, by: readonly string[], value: string, name = value): FrameSpec<'series'> {
  return derive('series', 'groupby-series', groupbyToSeries, [df, [...by], value, name]);
}
