/**
 * Sort-based grouping for a groupby whose result is sorted anyway: one radix sort of the rows by
 * their packed key ranks (sort-keys.ts), then groups are the runs of equal words. Group ids come
 * out in key order, so the result needs no sort of its own, and the key columns are rebuilt from
 * the ranks of each run (through a table of one value per rank) instead of gathered row by row
 * from wherever the run's first row sits. With millions of groups this replaces a hash table far
 * larger than the caches plus a sort and a gather of every column.
 */
import { type Column, compactStrings, takeColumn } from '../frame.js';
import { columnRanks, packRanks, type Ranks, sortWords } from './sort-keys.js';

export interface SortedGroups {
  /** Rows in key order (stable: rows of one group keep their order). */
  order: Int32Array;
  /** Group of each position of `order` (non-decreasing). */
  ids: Int32Array;
  count: number;
  /** The key columns of the groups, in group order. */
  keys: Column[];
}

/** One row per rank (any row holding it), so a rank's value can be read back; unused ranks point at row 0. */
function rowOfRank({ ranks, r }: Ranks): Int32Array {
  const rows = new Int32Array(r);
  for (let i = 0; i < ranks.length; i++) rows[ranks[i]] = i;
  return rows;
}

/** Groups of equal keys (missing keys form groups of their own, last), ascending by key. */
export function sortedGroups(cols: readonly Column[], n: number, ranks: readonly Ranks[] = cols.map((c) => columnRanks(c, true))): SortedGroups {
  const packed = packRanks(ranks, n);
  const { order, sorted } = sortWords(packed.words, packed.bits, n);
  const ids = new Int32Array(n);
  const firsts = new Int32Array(n);
  const k = sorted.length;
  let g = 0;
  for (let p = 0; p < n; p++) {
    let same = p > 0;
    for (let w = 0; same && w < k; w++) same = sorted[w][p] === sorted[w][p - 1];
    if (!same) firsts[g++] = p;
    ids[p] = g - 1;
  }
  const keys = cols.map((c, j) => {
    const field = packed.fields[j];
    const word = sorted[field.word];
    const rk = new Int32Array(g);
    if (field.bits > 0) {
      const shift = field.shift;
      const mask = (1 << field.bits) - 1;
      for (let q = 0; q < g; q++) rk[q] = (word[firsts[q]] >>> shift) & mask;
    }
    // A small column of one value per rank, then read through the ranks: cache-resident.
    const table = takeColumn(c, rowOfRank(ranks[j]));
    return compactStrings(takeColumn(table, rk));
  });
  return { order, ids, count: g, keys };
}

/** Most distinct key tuples there can be, from dictionary sizes and integer ranges (n + 1 per column otherwise). */
function tupleBound(cols: readonly Column[], n: number): number {
  let bound = 1;
  for (const c of cols) {
    if (c.dtype === 'string') {
      bound *= c.dict!.length + 1;
      continue;
    }
    const d = c.data;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      const x = d[i];
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
    bound *= Number.isInteger(lo) && Number.isInteger(hi) ? Math.min(hi - lo + 2, n + 1) : n + 1;
  }
  return bound;
}

/**
 * Row -> group ids of a partition by sorting, for several key columns with too many possible
 * tuples for a flat table (where KeyIndex would hash every row into a table larger than the
 * caches). Undefined when that is not the case, or when missing keys are to be dropped: the
 * caller hashes then. The groups come out in key order.
 */
export function sortedChunkGroups(cols: readonly Column[], n: number, dropna: boolean): { ids: Int32Array; count: number; keys: Column[] } | undefined {
  if (cols.length < 2 || tupleBound(cols, n) <= Math.max(2 * n, 4096)) return undefined;
  const ranks = cols.map((c) => columnRanks(c, true));
  if (dropna && ranks.some((r) => r.missing)) return undefined;
  const { order, ids, count, keys } = sortedGroups(cols, n, ranks);
  const rowIds = new Int32Array(n);
  for (let p = 0; p < n; p++) rowIds[order[p]] = ids[p];
  return { ids: rowIds, count, keys };
}
