/**
 * Tree-reduction kernels for count / sum / mean / min / max / var / std. A chunk turns a
 * partition into per-column moments; combine merges moments (Chan et al.'s pairwise update,
 * stable for variance); aggregate turns moments into the answer.
 */
import { kernel } from '../../core/kernels.js';
import { BOOL_NA, type Column, exactIntSum, Frame, int64Overflow, isNumberLike, MAX_EXACT } from '../frame.js';

export interface Moments {
  /** Per column: non-missing count, sum, min, max, mean, sum of squared deviations. */
  count: Float64Array;
  sum: Float64Array;
  min: Float64Array;
  max: Float64Array;
  m2: Float64Array;
  /**
   * Per column: 1 for integer columns, whose sum must be exact; 2 once an input was already beyond
   * 2^53. Their exact sum is sum + extra (extra: what rounding `sum` lost), so partial sums may
   * pass 2^53 in a tree and come back; sum() fails if the final one is beyond, mean() may round.
   */
  ints: Uint8Array;
  extra: Float64Array;
  /** The columns, for messages. */
  names: readonly string[];
}

const INT = 1;
const OVERFLOW = 2;

/** Store an exact integer sum as a double and what the double lost. */
function setExact(m: Moments, j: number, exact: bigint): void {
  const sum = Number(exact);
  m.sum[j] = sum;
  m.extra[j] = Number(exact - BigInt(sum));
}

export type StatOp = 'count' | 'sum' | 'mean' | 'min' | 'max' | 'var' | 'std';

function columnMoments(c: Column, n: number, needM2: boolean, m: Moments, j: number): void {
  const d = c.data;
  if (c.dtype === 'string') {
    let cnt = 0;
    for (let i = 0; i < n; i++) if (d[i] >= 0) cnt++;
    m.count[j] = cnt;
    m.sum[j] = NaN;
    return;
  }
  const na = c.dtype === 'bool' ? BOOL_NA : NaN;
  let cnt = 0;
  let sum = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = d[i];
    if (x !== x || x === na) continue;
    cnt++;
    sum += x;
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  m.count[j] = cnt;
  m.sum[j] = sum;
  m.min[j] = lo;
  m.max[j] = hi;
  if (c.dtype === 'int64' || c.dtype === 'int32') {
    m.ints[j] = INT;
    // A double sum is exact while the sum of magnitudes stays below 2^53; else recount exactly.
    if (cnt > 0 && cnt * Math.max(Math.abs(lo), Math.abs(hi)) > MAX_EXACT) {
      const exact = exactIntSum(d, n);
      if (exact === undefined) m.ints[j] = OVERFLOW;
      else setExact(m, j, exact);
    }
  }
  if (needM2 && cnt > 0) {
    const mean = sum / cnt;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const x = d[i];
      if (x !== x || x === na) continue;
      const dx = x - mean;
      s2 += dx * dx;
    }
    m.m2[j] = s2;
  }
}

function emptyMoments(names: readonly string[]): Moments {
  const k = names.length;
  return {
    count: new Float64Array(k),
    sum: new Float64Array(k),
    min: new Float64Array(k).fill(Infinity),
    max: new Float64Array(k).fill(-Infinity),
    m2: new Float64Array(k),
    ints: new Uint8Array(k),
    extra: new Float64Array(k),
    names,
  };
}

export const momentsChunk = kernel('dataframe.moments.chunk', (part: Frame, names: readonly string[], needM2: boolean): Moments => {
  const m = emptyMoments(names);
  names.forEach((name, j) => columnMoments(part.col(name), part.length, needM2, m, j));
  return m;
});

function merge(parts: readonly Moments[]): Moments {
  const k = parts[0].count.length;
  const out = emptyMoments(parts[0].names);
  for (let j = 0; j < k; j++) {
    let ints = 0;
    let bound = 0;
    let n = 0;
    let sum = 0;
    let m2 = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (const p of parts) {
      const nb = p.count[j];
      if (nb === 0) continue;
      if (n > 0 && !Number.isNaN(p.sum[j])) {
        const delta = p.sum[j] / nb - sum / n;
        m2 += p.m2[j] + (delta * delta * n * nb) / (n + nb);
      } else m2 += p.m2[j];
      n += nb;
      sum += p.sum[j];
      ints |= p.ints[j];
      bound += Math.abs(p.sum[j]) + Math.abs(p.extra[j]);
      if (p.min[j] < lo) lo = p.min[j];
      if (p.max[j] > hi) hi = p.max[j];
    }
    out.count[j] = n;
    out.sum[j] = sum;
    out.ints[j] = ints;
    if (ints === INT && bound > MAX_EXACT) {
      let exact = 0n;
      for (const p of parts) if (p.count[j] > 0) exact += BigInt(p.sum[j]) + BigInt(p.extra[j]);
      setExact(out, j, exact);
    }
    out.m2[j] = m2;
    out.min[j] = lo;
    out.max[j] = hi;
  }
  return out;
}

export const momentsCombine = kernel('dataframe.moments.combine', (parts: readonly Moments[]): Moments => merge(parts));

/**
 * The answer per column (NaN where undefined: no values, or variance of one value). An integer
 * sum past 2^53 throws unless `floatSums` (the answer is a float64 column, where pandas rounds too).
 */
export function finishMoments(m: Moments, op: StatOp, ddof = 1, floatSums = false): Float64Array {
  const k = m.count.length;
  const out = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    const n = m.count[j];
    switch (op) {
      case 'count':
        out[j] = n;
        break;
      case 'sum':
        if (!floatSums && ((m.ints[j] & OVERFLOW) !== 0 || (m.ints[j] === INT && Math.abs(m.sum[j]) > MAX_EXACT)))
          throw int64Overflow(`sum of '${m.names[j]}'`, `the sum`);
        out[j] = m.sum[j];
        break;
      case 'mean':
        out[j] = n > 0 ? m.sum[j] / n : NaN;
        break;
      case 'min':
        out[j] = n > 0 ? m.min[j] : NaN;
        break;
      case 'max':
        out[j] = n > 0 ? m.max[j] : NaN;
        break;
      case 'var':
        out[j] = n - ddof > 0 ? m.m2[j] / (n - ddof) : NaN;
        break;
      case 'std':
        out[j] = n - ddof > 0 ? Math.sqrt(m.m2[j] / (n - ddof)) : NaN;
        break;
    }
  }
  return out;
}

/** Series reduction: one number (a Date for datetime min/max, a bool-sum stays a number). */
export const momentsScalar = kernel(
  'dataframe.moments.scalar',
  (parts: readonly Moments[], op: StatOp, dtype: string, ddof: number = 1): number | Date | null => {
    const v = finishMoments(merge(parts), op, ddof)[0];
    if (dtype === 'datetime' && (op === 'min' || op === 'max')) return Number.isNaN(v) ? null : new Date(v);
    return v;
  },
);

/** Frame reduction: a Series indexed by column name. */
export const momentsSeries = kernel('dataframe.moments.series', (parts: readonly Moments[], op: StatOp, names: readonly string[], ddof: number = 1): Frame => {
  const merged = merge(parts);
  // The sums come back as one float64 column: when a float column is among them pandas upcasts
  // (and rounds) too; only an all-integer frame, whose sum pandas keeps exact in int64, must not round.
  const values = finishMoments(merged, op, ddof, !merged.ints.every((f) => f !== 0));
  const dtype = op === 'count' ? 'int64' : 'float64';
  return new Frame(['0'], [{ dtype, data: values }], names.length, { dtype: 'string', data: Int32Array.from(names.keys()), dict: [...names] });
});

/** Columns a frame-wide numeric reduction covers (numbers and bools; pandas' numeric_only). */
export function numericColumns(meta: Frame): string[] {
  return meta.names.filter((_, i) => isNumberLike(meta.columns[i].dtype));
}

/** Moments merged, as the final step of a tree (quantiles read them). */
export const mergeMoments = kernel('dataframe.moments.merge', (parts: readonly Moments[]): Moments => merge(parts));
