/**
 * Sort-based grouping for a groupby whose result is sorted anyway: one radix sort of the rows by
 * their packed key ranks (sort-keys.ts), then groups are the runs of equal words. Group ids come
 * out in key order, so the result needs no sort of its own, and the key columns are rebuilt from
 * the ranks of each run (through a table of one value per rank) instead of gathered row by row
 * from wherever the run's first row sits. With millions of groups this replaces a hash table far
 * larger than the caches plus a sort and a gather of every column.
 */
import { allocColumn, type Column, compactStrings, takeColumn, withCodes } from '../frame.js';
import { columnRanks, type GatherPlan, packRanks, type Ranks, type SortedWords, sortWords } from './sort-keys.js';

export interface SortedGroups {
  /** Rows in key order (stable: rows of one group keep their order), and how to gather by it. */
  sort: SortedWords;
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

/** Key column of the groups: each group's rank read from its first packed word, then its value from `table`. */
function decodeKeys(table: Column, word: Uint32Array, firsts: Int32Array, g: number, shift: number, bits: number): Column {
  const mask = bits === 0 ? 0 : (1 << bits) - 1;
  const src = table.data;
  const out = table.dtype === 'string' ? withCodes(table, new Int32Array(g)) : allocColumn(table.dtype, g);
  const dst = out.data;
  // One loop per storage, so each stays monomorphic.
  if (src instanceof Float64Array && dst instanceof Float64Array) decodeF64(src, dst, word, firsts, g, shift, mask);
  else if (src instanceof Int32Array && dst instanceof Int32Array) decodeI32(src, dst, word, firsts, g, shift, mask);
  else for (let q = 0; q < g; q++) dst[q] = src[(word[firsts[q]] >>> shift) & mask];
  return out;
}

function decodeF64(src: Float64Array, dst: Float64Array, word: Uint32Array, firsts: Int32Array, g: number, shift: number, mask: number): void {
  for (let q = 0; q < g; q++) dst[q] = src[(word[firsts[q]] >>> shift) & mask];
}

function decodeI32(src: Int32Array, dst: Int32Array, word: Uint32Array, firsts: Int32Array, g: number, shift: number, mask: number): void {
  for (let q = 0; q < g; q++) dst[q] = src[(word[firsts[q]] >>> shift) & mask];
}

/** Groups of equal keys (missing keys form groups of their own, last), ascending by key. */
export function sortedGroups(cols: readonly Column[], n: number, ranks: readonly Ranks[] = cols.map((c) => columnRanks(c, true))): SortedGroups {
  const packed = packRanks(ranks, n);
  const sort = sortWords(packed.words, packed.bits, n);
  const sorted = sort.sorted;
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
    // A small column of one value per rank, then read through each group's rank: cache-resident.
    const table = takeColumn(c, rowOfRank(ranks[j]));
    return compactStrings(decodeKeys(table, sorted[field.word], firsts, g, field.shift, field.bits));
  });
  return { sort, ids, count: g, keys };
}

/** A column in sorted order: through the sort's two-step plan when it has one (no read of a random row). */
export function gatherSorted(c: Column, sort: SortedWords): Column {
  const src = c.data;
  const plan = sort.plan;
  if (plan === undefined) return takeColumn(c, sort.order);
  if (src instanceof Float64Array) {
    const out = allocColumn(c.dtype, src.length);
    gatherF64(src, out.data as Float64Array, plan);
    return out;
  }
  if (src instanceof Int32Array) {
    const codes = new Int32Array(src.length);
    gatherI32(src, codes, plan);
    return c.dtype === 'string' ? withCodes(c, codes) : { dtype: c.dtype, data: codes };
  }
  return takeColumn(c, sort.order);
}

function gatherF64(src: Float64Array, dst: Float64Array, { dest, local }: GatherPlan): void {
  const mid = new Float64Array(src.length);
  for (let i = 0; i < src.length; i++) mid[dest[i]] = src[i];
  for (let q = 0; q < local.length; q++) dst[q] = mid[local[q]];
}

function gatherI32(src: Int32Array, dst: Int32Array, { dest, local }: GatherPlan): void {
  const mid = new Int32Array(src.length);
  for (let i = 0; i < src.length; i++) mid[dest[i]] = src[i];
  for (let q = 0; q < local.length; q++) dst[q] = mid[local[q]];
}

/** Most distinct key tuples there can be among n rows, from the columns' dictionary sizes and integer ranges (n + 1 per column otherwise). */
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
    for (let i = 0; i < d.length; i++) {
      const x = d[i];
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
    bound *= Number.isInteger(lo) && Number.isInteger(hi) ? Math.min(hi - lo + 2, n + 1) : n + 1;
  }
  return bound;
}

/**
 * Several key columns whose possible tuples outnumber the rows twice over: KeyIndex would hash
 * every row (its flat mixed-radix table is for fewer tuples), so grouping by sorting is cheaper.
 * One key, or few tuples, and a code or direct table is one cheap pass: no sort.
 */
export function manyTuples(cols: readonly Column[], n: number): boolean {
  return cols.length >= 2 && tupleBound(cols, n) > Math.max(2 * n, 4096);
}

/**
 * Row -> group ids of a partition by sorting, for several key columns with too many possible
 * tuples for a flat table (where KeyIndex would hash every row into a table larger than the
 * caches). Undefined when that is not the case, or when missing keys are to be dropped: the
 * caller hashes then. The groups come out in key order.
 */
export function sortedChunkGroups(cols: readonly Column[], n: number, dropna: boolean): { ids: Int32Array; count: number; keys: Column[] } | undefined {
  if (!manyTuples(cols, n)) return undefined;
  const ranks = cols.map((c) => columnRanks(c, true));
  if (dropna && ranks.some((r) => r.missing)) return undefined;
  const { sort, ids, count, keys } = sortedGroups(cols, n, ranks);
  const order = sort.order;
  const rowIds = new Int32Array(n);
  for (let p = 0; p < n; p++) rowIds[order[p]] = ids[p];
  return { ids: rowIds, count, keys };
}
