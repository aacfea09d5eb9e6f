/**
 * Reductions: of a frame, a series indexed by column name (count, sum, ..., nunique, any/all,
 * quantile, describe); of a series, a single value.
 */
import { Frame } from '../frame.js';
import { anyAllChunk, anyAllCombine, anyAllScalar, anyAllSeries } from '../ops/anyall.js';
import { distinctChunk, distinctCombine, distinctValues, nuniqueScalar, nuniqueSeries } from '../ops/nunique.js';
import { momentsChunk, momentsCombine, momentsScalar, momentsSeries, numericColumns, type StatOp } from '../ops/stats.js';
import { quantiles } from './quantile.js';
import { onePartition, reductionMeta, treeReduce } from './reduce.js';
import type { FrameSpec, ScalarSpec } from './spec.js';

export type { StatOp };

// ---- frames: a series indexed by column name ----

/** count covers every column; the others the numeric ones (and bools). */
export function frameStat(f: FrameSpec<'frame'>, op: StatOp, ddof = 1): FrameSpec<'series'> {
  const names = op === 'count' ? [...f.meta.names] : numericColumns(f.meta);
  const r = treeReduce(`${op}`, f, {
    chunk: momentsChunk,
    chunkArgs: [names, op === 'var' || op === 'std'],
    combine: momentsCombine,
    aggregate: momentsSeries,
    aggregateArgs: [op, names, ddof],
  });
  return onePartition('series', op, r, reductionMeta(op === 'count' ? 'int64' : 'float64'));
}

export function frameNunique(f: FrameSpec<'frame'>): FrameSpec<'series'> {
  const r = treeReduce('nunique', f, { chunk: distinctChunk, combine: distinctCombine, aggregate: nuniqueSeries, aggregateArgs: [[...f.meta.names]] });
  return onePartition('series', 'nunique', r, reductionMeta('int64'));
}

export function frameAnyAll(f: FrameSpec<'frame'>, op: 'any' | 'all'): FrameSpec<'series'> {
  const r = treeReduce(op, f, {
    chunk: anyAllChunk,
    chunkArgs: [op],
    combine: anyAllCombine,
    combineArgs: [op],
    aggregate: anyAllSeries,
    aggregateArgs: [op, [...f.meta.names]],
  });
  return onePartition('series', op, r, reductionMeta('bool'));
}

/** Numeric columns quantiles and describe cover (bools excluded). */
function quantileColumns(f: FrameSpec<'frame'>): string[] {
  return numericColumns(f.meta).filter((n) => f.meta.col(n).dtype !== 'bool');
}

/** Exact quantile of the numeric columns: a series indexed by column. */
export function frameQuantile(f: FrameSpec<'frame'>, q: number): FrameSpec<'series'> {
  return onePartition('series', 'quantile', quantiles(f, quantileColumns(f), [q], 'series'), reductionMeta('float64'));
}

/** Exact quantiles of the numeric columns: a frame indexed by q. */
export function frameQuantiles(f: FrameSpec<'frame'>, qs: readonly number[]): FrameSpec<'frame'> {
  const names = quantileColumns(f);
  const meta = new Frame(
    names,
    names.map(() => ({ dtype: 'float64' as const, data: new Float64Array(0) })),
    0,
    { dtype: 'float64', data: new Float64Array(0) },
  );
  return onePartition('frame', 'quantile', quantiles(f, names, [...qs], 'frame'), meta);
}

/** count, mean, std, min, 25%, 50%, 75%, max of the numeric columns (exact quartiles). */
export function describe(f: FrameSpec<'frame'>, percentiles: readonly number[] = [0.25, 0.5, 0.75]): FrameSpec<'frame'> {
  const names = quantileColumns(f);
  if (names.length === 0) throw new TypeError('describe: the frame has no numeric columns');
  const s = quantiles(f, names, [...percentiles], 'describe');
  const meta = new Frame(
    names,
    names.map(() => ({ dtype: 'float64' as const, data: new Float64Array(0) })),
    0,
    { dtype: 'string', data: new Int32Array(0), dict: [] },
  );
  return onePartition('frame', 'describe', s, meta);
}

// ---- series: one value ----

export function seriesStat(s: FrameSpec<'series'>, op: StatOp, ddof = 1): ScalarSpec {
  const name = s.meta.names[0];
  const dtype = s.meta.columns[0].dtype;
  if (dtype === 'string' && op !== 'count') throw new TypeError(`${op}() is not defined for string series '${name}'`);
  return treeReduce(
    `series-${op}`,
    s,
    {
      chunk: momentsChunk,
      chunkArgs: [[name], op === 'var' || op === 'std'],
      combine: momentsCombine,
      aggregate: momentsScalar,
      aggregateArgs: [op, dtype, ddof],
    },
    dtype === 'datetime' && (op === 'min' || op === 'max') ? new Date(0) : 0,
  );
}

export function seriesAnyAll(s: FrameSpec<'series'>, op: 'any' | 'all'): ScalarSpec {
  return treeReduce(
    `series-${op}`,
    s,
    { chunk: anyAllChunk, chunkArgs: [op], combine: anyAllCombine, combineArgs: [op], aggregate: anyAllScalar, aggregateArgs: [op] },
    false,
  );
}

export function seriesNunique(s: FrameSpec<'series'>): ScalarSpec {
  return treeReduce('series-nunique', s, { chunk: distinctChunk, combine: distinctCombine, aggregate: nuniqueScalar }, 0);
}

/** Distinct non-missing values as a lazy list. */
export function distinctList(s: FrameSpec<'series'>): ScalarSpec {
  return treeReduce('series-distinct', s, { chunk: distinctChunk, combine: distinctCombine, aggregate: distinctValues }, []);
}

/** Exact quantile (linear interpolation, like pandas). */
export function seriesQuantile(s: FrameSpec<'series'>, q: number): ScalarSpec {
  return quantiles(s, [s.meta.names[0]], [q], 'scalar');
}
