/**
 * Exact quantiles in three passes over the partitions, never gathering a column in one place:
 *  1. moments (count, min, max) per column;
 *  2. a histogram of BINS equal-width bins per column; the plan finds, for each wanted rank,
 *     the bin holding it and how many values lie below that bin;
 *  3. each partition sends only the values inside the wanted bins (as sorted distinct values
 *     with counts, so ties stay small); the final step picks ranks exactly and interpolates
 *     linearly between neighbours, like pandas' default.
 */
import { kernel } from '../../core/kernels.js';
import { BOOL_NA, type Column, Frame } from '../frame.js';
import { finishMoments, type Moments } from './stats.js';

export const BINS = 2048;

function binOf(x: number, lo: number, width: number): number {
  const b = Math.floor((x - lo) / width);
  return b >= BINS ? BINS - 1 : b < 0 ? 0 : b;
}

function forEachValue(c: Column, n: number, f: (x: number) => void): void {
  const d = c.data;
  if (c.dtype === 'string') throw new TypeError('quantile: not defined for string columns');
  const na = c.dtype === 'bool' ? BOOL_NA : NaN;
  for (let i = 0; i < n; i++) {
    const x = d[i];
    if (x !== x || x === na) continue;
    f(x);
  }
}

export const histChunk = kernel('dataframe.quantile-hist.hist', (part: Frame, names: readonly string[], m: Moments): Float64Array[] => {
  return names.map((name, j) => {
    const h = new Float64Array(BINS);
    const lo = m.min[j];
    const width = (m.max[j] - lo) / BINS;
    if (!(width > 0)) return h;
    forEachValue(part.col(name), part.length, (x) => h[binOf(x, lo, width)]++);
    return h;
  });
});

export const histCombine = kernel('dataframe.quantile-hist.hist-combine', (parts: readonly Float64Array[][]): Float64Array[] => {
  return parts[0].map((first, j) => {
    const out = Float64Array.from(first);
    for (const p of parts.slice(1)) for (let b = 0; b < BINS; b++) out[b] += p[j][b];
    return out;
  });
});

/** Per column: bins whose values are needed (sorted), and per needed bin the count below it. */
export interface QuantilePlan {
  bins: number[][];
  below: number[][];
}

export const planQuantiles = kernel('dataframe.quantile-hist.plan', (parts: readonly Float64Array[][], m: Moments, qs: readonly number[]): QuantilePlan => {
  const hists = histCombine(parts);
  const plan: QuantilePlan = { bins: [], below: [] };
  hists.forEach((h, j) => {
    const n = m.count[j];
    const wanted = new Set<number>();
    if (n > 0 && m.max[j] > m.min[j]) {
      for (const q of qs) {
        const pos = (n - 1) * q;
        for (const rank of [Math.floor(pos), Math.ceil(pos)]) {
          let acc = 0;
          for (let b = 0; b < BINS; b++) {
            if (acc + h[b] > rank) {
              wanted.add(b);
              break;
            }
            acc += h[b];
          }
        }
      }
    }
    const bins = [...wanted].sort((a, b) => a - b);
    const below = bins.map((b) => {
      let acc = 0;
      for (let k = 0; k < b; k++) acc += h[k];
      return acc;
    });
    plan.bins.push(bins);
    plan.below.push(below);
  });
  return plan;
});

/** Sorted distinct values with their counts. */
export interface Tally {
  values: Float64Array;
  counts: Float64Array;
}

function tally(xs: number[]): Tally {
  const sorted = Float64Array.from(xs).sort();
  const values: number[] = [];
  const counts: number[] = [];
  for (const x of sorted) {
    if (values.length > 0 && values[values.length - 1] === x) counts[counts.length - 1]++;
    else {
      values.push(x);
      counts.push(1);
    }
  }
  return { values: Float64Array.from(values), counts: Float64Array.from(counts) };
}

function mergeTallies(ts: readonly Tally[]): Tally {
  const map = new Map<number, number>();
  for (const t of ts) for (let i = 0; i < t.values.length; i++) map.set(t.values[i], (map.get(t.values[i]) ?? 0) + t.counts[i]);
  const values = Float64Array.from(map.keys()).sort();
  return { values, counts: Float64Array.from(values, (v) => map.get(v)!) };
}

/** Per column, per needed bin: the tally of values in that bin. */
export const extractChunk = kernel('dataframe.quantile-hist.extract', (part: Frame, names: readonly string[], m: Moments, plan: QuantilePlan): Tally[][] => {
  return names.map((name, j) => {
    const bins = plan.bins[j];
    if (bins.length === 0) return [];
    const lo = m.min[j];
    const width = (m.max[j] - lo) / BINS;
    const slot = new Int32Array(BINS).fill(-1);
    bins.forEach((b, k) => (slot[b] = k));
    const buckets: number[][] = bins.map(() => []);
    forEachValue(part.col(name), part.length, (x) => {
      const k = slot[binOf(x, lo, width)];
      if (k >= 0) buckets[k].push(x);
    });
    return buckets.map(tally);
  });
});

export const extractCombine = kernel('dataframe.quantile-hist.extract-combine', (parts: readonly Tally[][][]): Tally[][] => {
  return parts[0].map((cols, j) => cols.map((_, k) => mergeTallies(parts.map((p) => p[j][k]))));
});

/** The value of 0-based rank r, given the tallies of the needed bins and the counts below them. */
function valueAt(r: number, bins: readonly Tally[], below: readonly number[]): number {
  for (let k = 0; k < bins.length; k++) {
    let acc = below[k];
    const t = bins[k];
    for (let i = 0; i < t.values.length; i++) {
      acc += t.counts[i];
      if (acc > r) return t.values[i];
    }
  }
  return NaN;
}

/** Quantiles per column: result[j][qi]. */
export function quantileValues(parts: readonly Tally[][][], m: Moments, plan: QuantilePlan, qs: readonly number[]): number[][] {
  const tallies = extractCombine(parts);
  return tallies.map((bins, j) => {
    const n = m.count[j];
    return qs.map((q) => {
      if (n === 0) return NaN;
      if (m.max[j] === m.min[j]) return m.min[j];
      const pos = (n - 1) * q;
      const a = valueAt(Math.floor(pos), bins, plan.below[j]);
      const b = valueAt(Math.ceil(pos), bins, plan.below[j]);
      return a + (b - a) * (pos - Math.floor(pos));
    });
  });
}

export type QuantileMode = 'scalar' | 'series' | 'frame' | 'describe';

const labelIndex = (labels: readonly string[]): Column => ({ dtype: 'string', data: Int32Array.from(labels.keys()), dict: [...labels] });

/**
 * Row labels of describe's quantiles as pandas writes them: whole percents as integers ('25%'),
 * others with the fewest decimals that keep neighbours (and 0% and 100%) apart ('33.3%').
 */
export function formatPercentiles(qs: readonly number[]): string[] {
  const pcts = qs.map((q) => 100 * q);
  const whole = pcts.map((p) => isClose(Math.trunc(p), p));
  if (whole.every(Boolean)) return pcts.map((p) => `${Math.trunc(p)}%`);
  const unique = [...new Set(pcts)].sort((a, b) => a - b);
  const gaps: number[] = [];
  if (unique[0] > 0) gaps.push(unique[0]);
  for (let i = 1; i < unique.length; i++) gaps.push(unique[i] - unique[i - 1]);
  if (unique[unique.length - 1] < 100) gaps.push(100 - unique[unique.length - 1]);
  const prec = Math.max(1, -Math.floor(Math.log10(Math.min(...gaps))));
  return pcts.map((p, i) => {
    if (whole[i]) return `${Math.trunc(p)}%`;
    const r = roundHalfEven(p, prec);
    // Python writes a float that is a whole number with '.0'.
    return `${Number.isInteger(r) ? r.toFixed(1) : String(r)}%`;
  });
}

function isClose(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-8 + 1e-5 * Math.abs(b);
}

/** numpy's round: to `digits` decimals, ties to even. */
function roundHalfEven(x: number, digits: number): number {
  const f = 10 ** digits;
  const y = x * f;
  const r = Math.round(y);
  const tie = Math.abs(y - Math.trunc(y)) === 0.5;
  return (tie && r % 2 !== 0 ? r - 1 : r) / f;
}

/**
 * Final step. scalar: one number (a Date for datetime); series: one q, indexed by column;
 * frame: rows per q, columns per column; describe: count, mean, std, min, quantiles, max.
 */
export const finishQuantiles = kernel(
  'dataframe.quantile-hist.finish',
  (
    parts: readonly Tally[][][],
    m: Moments,
    plan: QuantilePlan,
    qs: readonly number[],
    mode: QuantileMode,
    names: readonly string[],
    dtypes: readonly string[],
  ): unknown => {
    const vals = quantileValues(parts, m, plan, qs);
    if (mode === 'scalar') {
      const v = vals[0][0];
      return dtypes[0] === 'datetime' ? (Number.isNaN(v) ? null : new Date(v)) : v;
    }
    if (mode === 'series') {
      return new Frame([String(qs[0])], [{ dtype: 'float64', data: Float64Array.from(vals, (v) => v[0]) }], names.length, labelIndex(names));
    }
    if (mode === 'frame') {
      const cols: Column[] = names.map((_, j) => ({ dtype: 'float64', data: Float64Array.from(vals[j]) }));
      return new Frame(names, cols, qs.length, { dtype: 'float64', data: Float64Array.from(qs) });
    }
    const count = finishMoments(m, 'count');
    const mean = finishMoments(m, 'mean');
    const std = finishMoments(m, 'std');
    const min = finishMoments(m, 'min');
    const max = finishMoments(m, 'max');
    const cols: Column[] = names.map((_, j) => ({
      dtype: 'float64',
      data: Float64Array.from([count[j], mean[j], std[j], min[j], ...vals[j], max[j]]),
    }));
    return new Frame(names, cols, 5 + qs.length, labelIndex(['count', 'mean', 'std', 'min', ...formatPercentiles(qs), 'max']));
  },
);
