/**
 * Sorting partitions: a stable multi-column sort (ascending or descending per column, missing
 * values last, as pandas' default na_position='last'), plus the pieces of a distributed sort:
 * sample a column, choose boundaries, split each partition into value ranges.
 *
 * Comparisons run on one Float64Array per key column: numbers as they are, bools as 0/1,
 * datetimes as epoch ms, strings as the rank of their dictionary entry (each dictionary is
 * sorted once, so rows never compare strings), missing as NaN.
 */
import { kernel } from '../../core/kernels.js';
import { type Cell, type Column, Frame, getCell } from '../frame.js';
import { concatFrames } from './concat.js';
import { routeRows, splitByBucket } from './shuffle.js';
import { comparable, packedOrder } from './sort-keys.js';
import { compareStrings } from './string-order.js';
import { takeRows } from './take.js';

export { comparable, dictRanks } from './sort-keys.js';

export type RowCompare = (a: number, b: number) => number;

/** A row comparator over key columns; ties fall back to row order, so sorts are stable. */
export function rowComparator(cols: readonly Column[], ascending: readonly boolean[]): RowCompare {
  const vals = cols.map(comparable);
  const signs = ascending.map((a) => (a ? 1 : -1));
  if (vals.length === 1) {
    const v = vals[0];
    const s = signs[0];
    return (a, b) => {
      const x = v[a];
      const y = v[b];
      if (x === y) return a - b;
      if (x !== x) return y !== y ? a - b : 1;
      if (y !== y) return -1;
      return x < y ? -s : s;
    };
  }
  return (a, b) => {
    for (let j = 0; j < vals.length; j++) {
      const x = vals[j][a];
      const y = vals[j][b];
      if (x === y) continue;
      const xn = x !== x;
      const yn = y !== y;
      if (xn && yn) continue;
      if (xn) return 1;
      if (yn) return -1;
      return x < y ? -signs[j] : signs[j];
    }
    return a - b;
  };
}

export function normalizeAscending(by: readonly string[], ascending: boolean | readonly boolean[] = true): boolean[] {
  if (typeof ascending === 'boolean') return by.map(() => ascending);
  if (ascending.length !== by.length) {
    throw new RangeError(`sortValues: ascending has ${ascending.length} entries for ${by.length} columns; give one per column or a single boolean`);
  }
  return [...ascending];
}

/** Below this many rows a comparator sort is as quick as building the rank tables. */
const RADIX_MIN_ROWS = 512;

/** Row order that sorts the frame by `by` (stable: ties keep row order). */
export function sortOrder(part: Frame, by: readonly string[], ascending: boolean | readonly boolean[] = true): Int32Array {
  const asc = normalizeAscending(by, ascending);
  if (part.length >= RADIX_MIN_ROWS) {
    return packedOrder(
      by.map((b) => part.col(b)),
      asc,
      part.length,
    );
  }
  const idx = new Int32Array(part.length);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  if (part.length < 2) return idx;
  return idx.sort(
    rowComparator(
      by.map((b) => part.col(b)),
      asc,
    ),
  );
}

export function sortFrame(part: Frame, by: readonly string[], ascending: boolean | readonly boolean[] = true): Frame {
  if (part.length < 2) return part;
  return takeRows(part, sortOrder(part, by, ascending));
}

export const sort = kernel('dataframe.sort', sortFrame);

/** Sort a series partition by its values (the index, if any, travels with them). */
export const sortSeries = kernel('dataframe.sort-series', (part: Frame, ascending: boolean = true): Frame => sortFrame(part, [part.names[0]], ascending));

/** Sort by the index (value counts, groupby series results). */
export const sortByIndex = kernel('dataframe.sort-index', (part: Frame, ascending = true): Frame => {
  if (part.index === undefined || part.length < 2) return part;
  const idx = new Int32Array(part.length);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  return takeRows(part, idx.sort(rowComparator([part.index], [ascending])));
});

// ---- distributed sort: sample, boundaries, range split ----

/** Up to k evenly spaced values of a column (sorted, missing skipped): the sample for boundaries. */
export const sortSample = kernel('dataframe.sort-sample', (part: Frame, column: string, k: number): Cell[] => {
  const c = part.col(column);
  const order = sortOrder(part, [column]);
  let present = 0;
  const v = comparable(c);
  for (let i = 0; i < v.length; i++) if (v[i] === v[i]) present++;
  const out: Cell[] = [];
  if (present === 0) return out;
  const step = Math.max(1, present / k);
  for (let t = 0; t < present && out.length < k; t += step) out.push(getCell(c, order[Math.floor(t)]));
  return out;
});

function cellCompare(a: Cell, b: Cell): number {
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  const x = a instanceof Date ? a.getTime() : Number(a);
  const y = b instanceof Date ? b.getTime() : Number(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** nparts - 1 increasing boundaries from the pooled samples (fewer when values repeat). */
export const sortBoundaries = kernel('dataframe.sort-boundaries', (samples: readonly Cell[][], nparts: number): Cell[] => {
  const all = samples.flat().filter((v) => v !== null);
  all.sort(cellCompare);
  const out: Cell[] = [];
  for (let j = 1; j < nparts; j++) {
    if (all.length === 0) break;
    const v = all[Math.min(all.length - 1, Math.floor((j * all.length) / nparts))];
    if (out.length === 0 || cellCompare(out[out.length - 1], v) < 0) out.push(v);
  }
  return out;
});

/** Bucket of each row: the number of boundaries below its value (missing rows go last). */
function buckets(c: Column, boundaries: readonly Cell[], nparts: number, ascending: boolean): Int32Array {
  const n = c.data.length;
  const out = new Int32Array(n);
  const nb = boundaries.length;
  const place = (v: Cell): number => {
    // First boundary >= v: rows equal to a boundary stay in the lower bucket.
    let lo = 0;
    let hi = nb;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cellCompare(boundaries[mid], v) < 0) lo = mid + 1;
      else hi = mid;
    }
    return ascending ? lo : nb - lo;
  };
  const last = nparts - 1;
  if (c.dtype === 'string') {
    const table = c.dict!.map((s) => place(s));
    const codes = c.data as Int32Array;
    for (let i = 0; i < n; i++) out[i] = codes[i] < 0 ? last : table[codes[i]];
    return out;
  }
  const v = comparable(c);
  const nums = boundaries.map((b) => (b instanceof Date ? b.getTime() : Number(b)));
  for (let i = 0; i < n; i++) {
    const x = v[i];
    if (x !== x) {
      out[i] = last;
      continue;
    }
    let lo = 0;
    let hi = nb;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (nums[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    out[i] = ascending ? lo : nb - lo;
  }
  return out;
}

/** Split rows into pieces by value range of `column` (the shuffle step of a sort; staged like splitByKeys). */
export const rangeSplit = kernel(
  'dataframe.range-split',
  (part: Frame, column: string, boundaries: readonly Cell[], nparts: number, ascending: boolean = true, base: number = nparts, stage: number = 0): Frame[] => {
    return splitByBucket(part, routeRows(buckets(part.col(column), boundaries, nparts, ascending), base, stage), base);
  },
);

/** Move a column into the index (after sorting by it: setIndex). */
export const toIndex = kernel('dataframe.to-index', (part: Frame, column: string, drop = true): Frame => {
  const at = part.names.indexOf(column);
  const keep = part.names.map((_, i) => i).filter((i) => !drop || i !== at);
  return new Frame(
    keep.map((i) => part.names[i]),
    keep.map((i) => part.columns[i]),
    part.length,
    part.col(column),
  );
});

/** Pooled samples of every partition (sortValues' boundaries come from them). */
export const concatSamples = kernel('dataframe.sort-samples', (samples: readonly Cell[][]): Cell[] => samples.flat());

/** One output partition of a distributed sort: its pieces, concatenated and sorted. */
export const concatSort = kernel('dataframe.concat-sort', (pieces: readonly Frame[], by: readonly string[], ascending: readonly boolean[]): Frame =>
  sortFrame(concatFrames(pieces), by, ascending),
);
