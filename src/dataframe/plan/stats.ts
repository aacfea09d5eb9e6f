/**
 * Reductions: of a frame, a series indexed by column name (count, sum, ..., nunique, any/all,
 * quantile, describe); of a series, a single value.
 */
import { Frame } from '../frame.js';
import { anyAllChunk, anyAllCombine, anyAllScalar, anyAllSeries } from '../ops/anyall.js';
import { distinctChunk, distinctCombine, distinctValues, nuniqueScalar, nuniqueSeries } from '../ops/nunique.js';
import { type ExtremeOp, extremesChunk, extremesCombine, extremesDType, extremesScalar, extremesSeries } from '../ops/extremes.js';
import { momentsChunk, momentsCombine, momentsScalar, momentsSeries, numericColumns, type StatOp } from '../ops/stats.js';
import { quantiles } from './quantile.js';
import { onePartition, reductionMeta, treeReduce } from './reduce.js';
import type { FrameSpec, ScalarSpec } from './spec.js';

export type { StatOp };

// ---- frames: a series indexed by column name ----

/** count, min and max cover every column; the others the numeric ones (and bools). */
export function frameStat(f: FrameSpec<'frame'>, op: StatOp, ddof = 1): FrameSpec<'series'> {
  if (op === 'min' || op === 'max') return frameExtremes(f, op);
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

/**
 * min / max of every column, strings, bools and dates included (pandas keeps them). The
 * series' dtype is the columns' common one (ops/extremes.ts): bools alone stay bools, dates
 * dates, strings strings; numbers with strings or dates become strings, as tsdask has no
 * object dtype to hold both.
 */
function frameExtremes(f: FrameSpec<'frame'>, op: ExtremeOp): FrameSpec<'series'> {
  const names = [...f.meta.names];
  const dtypes = f.meta.columns.map((c) => c.dtype);
  const out = extremesDType(dtypes);
  const r = treeReduce(op, f, {
    chunk: extremesChunk,
    chunkArgs: [names, op],
    combine: extremesCombine,
    combineArgs: [op],
    aggregate: extremesSeries,
    aggregateArgs: [op, names, dtypes, out],
  });
  return onePartition('series', op, r, reductionMeta(out));
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

/**
 * The quantiles describe reports: the given ones in order, with the median always among them
 * (as pandas adds 50% to any list); each in [0, 1], no duplicates.
 */
export function describePercentiles(percentiles: readonly number[]): number[] {
  const seen = new Set<number>();
  for (const q of percentiles) {
    if (typeof q !== 'number' || !(q >= 0 && q <= 1)) {
      throw new RangeError(
        `describe: percentiles must be numbers in [0, 1], got ${String(q)}${typeof q === 'number' && q > 1 && q <= 100 ? ` (for ${q}% write ${q / 100})` : ''}`,
      );
    }
    if (seen.has(q)) throw new RangeError(`describe: percentiles contain ${q} twice; give each once`);
    seen.add(q);
  }
  seen.add(0.5);
  return [...seen].sort((a, b) => a - b);
}

/** count, mean, std, min, the percentiles (default 25%, 50%, 75%; 50% always), max of the numeric columns (exact). */
export function describe(f: FrameSpec<'frame'>, percentiles: readonly number[] = [0.25, 0.5, 0.75]): FrameSpec<'frame'> {
  const names = quantileColumns(f);
  if (names.length === 0) throw new TypeError('describe: the frame has no numeric columns');
  const s = quantiles(f, names, describePercentiles(percentiles), 'describe');
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
  if (op === 'min' || op === 'max') {
    const standIn = dtype === 'string' ? '' : dtype === 'bool' ? false : dtype === 'datetime' ? new Date(0) : 0;
    return treeReduce(
      `series-${op}`,
      s,
      { chunk: extremesChunk, chunkArgs: [[name], op], combine: extremesCombine, combineArgs: [op], aggregate: extremesScalar, aggregateArgs: [op, dtype] },
      standIn,
    );
  }
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
    0,
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
