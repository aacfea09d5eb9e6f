/**
 * Exact quantiles across partitions. Each partition sends its values as sorted distinct
 * values with counts (repeated values, the common case for scores, delays and ids, collapse
 * to one entry each); combine merges the sorted runs; the final step walks the cumulative
 * counts to the ranks it needs. Interpolation is pandas' default 'linear':
 * at position q * (n - 1), between the values of its floor and ceiling ranks.
 */
import { kernel } from '../../core/kernels.js';
import { BOOL_NA, type Column, type DType, Frame } from '../frame.js';

/** Sorted distinct values and how often each occurs. */
export interface ValueRuns {
  values: Float64Array;
  counts: Float64Array;
}

function runsOf(c: Column): ValueRuns {
  if (c.dtype === 'string') throw new TypeError('quantile: not defined for string columns; select numeric columns');
  const d = c.data;
  const n = d.length;
  const xs = new Float64Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const x = d[i];
    if (x !== x || (c.dtype === 'bool' && x === BOOL_NA)) continue;
    xs[m++] = x;
  }
  const sorted = xs.subarray(0, m).sort();
  const values = new Float64Array(m);
  const counts = new Float64Array(m);
  let k = -1;
  for (let i = 0; i < m; i++) {
    if (k < 0 || sorted[i] !== values[k]) {
      values[++k] = sorted[i];
      counts[k] = 1;
    } else counts[k]++;
  }
  return { values: values.slice(0, k + 1), counts: counts.slice(0, k + 1) };
}

function mergeTwo(a: ValueRuns, b: ValueRuns): ValueRuns {
  const values = new Float64Array(a.values.length + b.values.length);
  const counts = new Float64Array(values.length);
  let i = 0;
  let j = 0;
  let k = 0;
  const av = a.values;
  const bv = b.values;
  while (i < av.length || j < bv.length) {
    let v: number;
    let c: number;
    if (j >= bv.length || (i < av.length && av[i] < bv[j])) {
      v = av[i];
      c = a.counts[i++];
    } else if (i >= av.length || bv[j] < av[i]) {
      v = bv[j];
      c = b.counts[j++];
    } else {
      v = av[i];
      c = a.counts[i++] + b.counts[j++];
    }
    values[k] = v;
    counts[k++] = c;
  }
  return { values: values.slice(0, k), counts: counts.slice(0, k) };
}

/** Merge sorted runs pairwise (balanced, so each value is copied log2(parts) times). */
export function mergeRuns(parts: readonly ValueRuns[]): ValueRuns {
  if (parts.length === 0) return { values: new Float64Array(0), counts: new Float64Array(0) };
  let level = [...parts];
  while (level.length > 1) {
    const next: ValueRuns[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? mergeTwo(level[i], level[i + 1]) : level[i]);
    level = next;
  }
  return level[0];
}

/** Quantiles of merged runs (NaN when there are no values). */
export function quantilesOf(r: ValueRuns, qs: readonly number[]): number[] {
  let total = 0;
  const cum = new Float64Array(r.counts.length);
  for (let k = 0; k < r.counts.length; k++) {
    total += r.counts[k];
    cum[k] = total;
  }
  const at = (rank: number): number => {
    // First run whose cumulative count exceeds rank.
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid] > rank) hi = mid;
      else lo = mid + 1;
    }
    return r.values[lo];
  };
  return qs.map((q) => {
    if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile: q must be between 0 and 1, got ${q}`);
    if (total === 0) return NaN;
    const pos = q * (total - 1);
    const lo = Math.floor(pos);
    const frac = pos - lo;
    const a = at(lo);
    if (frac === 0) return a;
    const b = at(lo + 1);
    return a + (b - a) * frac;
  });
}

/** Per column: sorted distinct values with counts. */
export const quantileChunk = kernel('dataframe.quantile-runs.chunk', (part: Frame, columns: readonly string[]): ValueRuns[] =>
  columns.map((c) => runsOf(part.col(c))),
);

export const quantileCombine = kernel('dataframe.quantile-runs.combine', (parts: readonly ValueRuns[][]): ValueRuns[] =>
  parts[0].map((_, j) => mergeRuns(parts.map((p) => p[j]))),
);

function asValue(x: number, dtype: DType): number | Date | null {
  if (dtype === 'datetime') return Number.isNaN(x) ? null : new Date(x);
  return x;
}

/** One column, one q: a number (a Date for datetimes). */
export const quantileScalar = kernel('dataframe.quantile-runs.scalar', (parts: readonly ValueRuns[][], q: number, dtype: DType): number | Date | null =>
  asValue(quantilesOf(mergeRuns(parts.map((p) => p[0])), [q])[0], dtype),
);

/** One column, several q: a series indexed by q. */
export const quantileSeriesByQ = kernel('dataframe.quantile-runs.by-q', (parts: readonly ValueRuns[][], qs: readonly number[], name: string, dtype: DType): Frame => {
  const v = quantilesOf(mergeRuns(parts.map((p) => p[0])), qs);
  return new Frame([name], [{ dtype: dtype === 'datetime' ? 'datetime' : 'float64', data: Float64Array.from(v) }], qs.length, {
    dtype: 'float64',
    data: Float64Array.from(qs),
  });
});

/** Several columns, one q: a series indexed by column name. Several q: a frame indexed by q. */
export const quantileFrame = kernel('dataframe.quantile-runs.frame', (parts: readonly ValueRuns[][], qs: readonly number[], columns: readonly string[], asSeries: boolean): Frame => {
  const per = columns.map((_, j) => quantilesOf(mergeRuns(parts.map((p) => p[j])), qs));
  if (asSeries) {
    return new Frame([String(qs[0])], [{ dtype: 'float64', data: Float64Array.from(per, (v) => v[0]) }], columns.length, {
      dtype: 'string',
      data: Int32Array.from(columns.keys()),
      dict: [...columns],
    });
  }
  return new Frame([...columns], per.map((v) => ({ dtype: 'float64' as const, data: Float64Array.from(v) })), qs.length, {
    dtype: 'float64',
    data: Float64Array.from(qs),
  });
});
