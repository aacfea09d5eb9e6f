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
import { BOOL_NA, type Cell, type Column, Frame, getCell } from '../frame.js';
import { concatFrames } from './concat.js';
import { NumberTable } from './number-table.js';
import { routeRows, splitByBucket } from './shuffle.js';
import { compareStrings, stringComparator } from './string-order.js';
import { takeRows } from './take.js';

/** Rank of every dictionary entry in code-point order (equal strings share a rank). */
export function dictRanks(dict: readonly string[]): Float64Array {
  const cmp = stringComparator(dict);
  const order = Array.from(dict.keys()).sort((a, b) => cmp(dict[a], dict[b]));
  const ranks = new Float64Array(dict.length);
  let r = 0;
  for (let k = 0; k < order.length; k++) {
    if (k > 0 && dict[order[k]] !== dict[order[k - 1]]) r++;
    ranks[order[k]] = r;
  }
  return ranks;
}

/** One comparable number per row; NaN marks a missing value. */
export function comparable(c: Column): Float64Array {
  const n = c.data.length;
  switch (c.dtype) {
    case 'float64':
    case 'int64':
    case 'datetime':
      return c.data as Float64Array;
    case 'int32':
      return Float64Array.from(c.data);
    case 'bool': {
      const out = new Float64Array(n);
      const d = c.data;
      for (let i = 0; i < n; i++) out[i] = d[i] === BOOL_NA ? NaN : d[i];
      return out;
    }
    case 'string': {
      const ranks = dictRanks(c.dict!);
      const codes = c.data as Int32Array;
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = codes[i] < 0 ? NaN : ranks[codes[i]];
      return out;
    }
  }
}

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

/**
 * Dense rank of every row's key for one radix pass: 0..r-1 in sort order (descending flips
 * it), missing = r, so last either way as in the comparator. Integers in a narrow range (string
 * ranks, small ints) rank through a presence array; otherwise distinct values are found by a
 * hash table and only those are sorted.
 */
function denseRanks(v: Float64Array, asc: boolean): { ranks: Int32Array; r: number } {
  const n = v.length;
  let lo = Infinity;
  let hi = -Infinity;
  let integers = true;
  for (let i = 0; i < n; i++) {
    const x = v[i];
    if (x !== x) continue;
    if (x < lo) lo = x;
    if (x > hi) hi = x;
    if ((x | 0) !== x) integers = false;
  }
  if (integers && n > 0 && hi - lo + 1 <= Math.max(2 * n, 4096)) return directRanks(v, asc, lo, hi - lo + 1);
  const table = new NumberTable(Math.min(n, 1 << 16));
  const ids = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const x = v[i];
    ids[i] = x !== x ? -1 : table.intern(x);
  }
  const r = table.size;
  const byId = new Float64Array(r);
  for (let i = 0; i < n; i++) if (ids[i] >= 0) byId[ids[i]] = v[i];
  const sorted = byId.slice().sort();
  const rankOf = new Int32Array(r);
  for (let k = 0; k < r; k++) {
    const x = byId[k];
    let lo = 0;
    let hi = r - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    rankOf[k] = asc ? lo : r - 1 - lo;
  }
  const ranks = new Int32Array(n);
  for (let i = 0; i < n; i++) ranks[i] = ids[i] < 0 ? r : rankOf[ids[i]];
  return { ranks, r: r + 1 };
}

/** Ranks of int32-range integers in [lo, lo + range): present values counted off in order, no hashing or sorting. */
function directRanks(v: Float64Array, asc: boolean, lo: number, range: number): { ranks: Int32Array; r: number } {
  const n = v.length;
  const rankOf = new Int32Array(range);
  for (let i = 0; i < n; i++) {
    const x = v[i];
    if (x === x) rankOf[x - lo] = 1;
  }
  let r = 0;
  for (let k = 0; k < range; k++) if (rankOf[k] !== 0) rankOf[k] = ++r;
  const ranks = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const x = v[i];
    ranks[i] = x !== x ? r : asc ? rankOf[x - lo] - 1 : r - rankOf[x - lo];
  }
  return { ranks, r: r + 1 };
}

/** Most buckets in one counting-sort pass: adjacent keys share a pass while their rank product fits (few scatter streams). */
const MAX_BUCKETS = 1 << 16;

/**
 * A stable sort by several keys as least-significant-first counting sorts on dense ranks:
 * O(n) per key instead of a comparator sort's n log n calls (groupby results sort by every key).
 * Neighbouring keys with few distinct values fold into one digit, so fewer passes scatter rows.
 */
function radixOrder(cols: readonly Column[], asc: readonly boolean[], n: number): Int32Array {
  const digits: { ranks: Int32Array; r: number }[] = [];
  let cur: { ranks: Int32Array; r: number } | undefined;
  for (let j = cols.length - 1; j >= 0; j--) {
    const d = denseRanks(comparable(cols[j]), asc[j]);
    if (cur !== undefined && cur.r * d.r <= MAX_BUCKETS) {
      // The more significant key's rank leads: (d, cur) as one mixed-radix digit.
      const a = d.ranks;
      const b = cur.ranks;
      const w = cur.r;
      for (let i = 0; i < n; i++) b[i] = a[i] * w + b[i];
      cur.r *= d.r;
      continue;
    }
    if (cur !== undefined) digits.push(cur);
    cur = d;
  }
  if (cur !== undefined) digits.push(cur);
  let order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let next = new Int32Array(n);
  for (const { ranks, r } of digits) {
    const starts = new Int32Array(r + 1);
    for (let i = 0; i < n; i++) starts[ranks[i] + 1]++;
    for (let k = 0; k < r; k++) starts[k + 1] += starts[k];
    for (let i = 0; i < n; i++) {
      const row = order[i];
      next[starts[ranks[row]]++] = row;
    }
    [order, next] = [next, order];
  }
  return order;
}

/** Below this many rows a comparator sort is as quick as building the rank tables. */
const RADIX_MIN_ROWS = 512;

/** Row order that sorts the frame by `by` (stable: ties keep row order). */
export function sortOrder(part: Frame, by: readonly string[], ascending: boolean | readonly boolean[] = true): Int32Array {
  const asc = normalizeAscending(by, ascending);
  if (part.length >= RADIX_MIN_ROWS) {
    return radixOrder(
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
