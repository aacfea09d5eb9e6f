/**
 * Sort keys as packed dense ranks. Every key column becomes one dense rank per row (numbers by
 * value, strings by dictionary order, missing last either way), the ranks are packed most
 * significant column first into as few 32-bit words as they fit, and a least-significant-first
 * radix sort of the words (11-bit digits) orders the rows. The words travel with the rows, so
 * every pass reads sequentially and scatters into at most 2048 streams; no pass reads a rank
 * through the permuted order. Equal keys end up adjacent with equal words, which is what a
 * sort-based groupby needs (groupby-sorted.ts).
 */
import { BOOL_NA, type Column } from '../frame.js';
import { NumberTable } from './number-table.js';
import { stringComparator } from './string-order.js';

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

/** Dense rank per row, 0..r-1 in sort order; the missing rank (last) is r-1. */
export interface Ranks {
  ranks: Int32Array;
  r: number;
  /** Whether any row is missing (holds rank r - 1). */
  missing: boolean;
}

/**
 * Dense ranks of comparable numbers: 0..r-1 in sort order (descending flips it), missing = r, so
 * last either way. Integers in a narrow range (string ranks, small ints) rank through a presence
 * array; otherwise distinct values are found by a hash table and only those are sorted.
 */
export function denseRanks(v: Float64Array, asc: boolean): Ranks {
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
  let missing = false;
  for (let i = 0; i < n; i++) {
    if (ids[i] < 0) {
      ranks[i] = r;
      missing = true;
    } else ranks[i] = rankOf[ids[i]];
  }
  return { ranks, r: r + 1, missing };
}

/** Ranks of int32-range integers in [lo, lo + range): present values counted off in order, no hashing or sorting. */
function directRanks(v: Float64Array, asc: boolean, lo: number, range: number): Ranks {
  const n = v.length;
  const rankOf = new Int32Array(range);
  for (let i = 0; i < n; i++) {
    const x = v[i];
    if (x === x) rankOf[x - lo] = 1;
  }
  let r = 0;
  for (let k = 0; k < range; k++) if (rankOf[k] !== 0) rankOf[k] = ++r;
  const ranks = new Int32Array(n);
  let missing = false;
  for (let i = 0; i < n; i++) {
    const x = v[i];
    if (x !== x) {
      ranks[i] = r;
      missing = true;
    } else ranks[i] = asc ? rankOf[x - lo] - 1 : r - rankOf[x - lo];
  }
  return { ranks, r: r + 1, missing };
}

/** Ranks of a string column straight from its codes (no per-row float copy): only used dictionary entries count. */
function stringRanks(c: Column, asc: boolean): Ranks {
  const codes = c.data as Int32Array;
  const n = codes.length;
  const byCode = dictRanks(c.dict!);
  const used = new Uint8Array(byCode.length);
  for (let i = 0; i < n; i++) if (codes[i] >= 0) used[codes[i]] = 1;
  // Dense ranks among the used entries (entries holding equal strings share one).
  const present = new Int32Array(byCode.length);
  for (let k = 0; k < byCode.length; k++) if (used[k] === 1) present[byCode[k]] = 1;
  let m = 0;
  for (let k = 0; k < present.length; k++) if (present[k] !== 0) present[k] = ++m;
  const rankOfCode = new Int32Array(byCode.length);
  for (let k = 0; k < byCode.length; k++) if (used[k] === 1) rankOfCode[k] = asc ? present[byCode[k]] - 1 : m - present[byCode[k]];
  const ranks = new Int32Array(n);
  let missing = false;
  for (let i = 0; i < n; i++) {
    const code = codes[i];
    if (code < 0) {
      ranks[i] = m;
      missing = true;
    } else ranks[i] = rankOfCode[code];
  }
  return { ranks, r: m + 1, missing };
}

export function columnRanks(c: Column, asc: boolean): Ranks {
  return c.dtype === 'string' ? stringRanks(c, asc) : denseRanks(comparable(c), asc);
}

/** Where one column's rank sits in the packed words. */
export interface Field {
  word: number;
  shift: number;
  bits: number;
}

export interface Packed {
  /** Row keys, most significant word first. */
  words: Uint32Array[];
  /** Bits used in each word (from the low end). */
  bits: number[];
  fields: Field[];
}

function bitsFor(r: number): number {
  let b = 0;
  while (2 ** b < r) b++;
  return b;
}

/** Ranks packed most significant column first; a column starts a new word when it does not fit the current one. */
export function packRanks(ranks: readonly Ranks[], n: number): Packed {
  const widths = ranks.map((x) => bitsFor(x.r));
  // Fields from the least significant end: the last column takes the low bits of the last word.
  const fields: Field[] = new Array<Field>(ranks.length);
  const used: number[] = [];
  let word = 0;
  let shift = 0;
  for (let j = ranks.length - 1; j >= 0; j--) {
    if (shift + widths[j] > 32) {
      used[word] = shift;
      word++;
      shift = 0;
    }
    fields[j] = { word, shift, bits: widths[j] };
    shift += widths[j];
  }
  used[word] = shift;
  const k = word + 1;
  // Counted from the end so far; flip to most significant word first.
  for (const f of fields) f.word = k - 1 - f.word;
  const bits = used.reverse();
  const words = Array.from({ length: k }, () => new Uint32Array(n));
  for (let j = 0; j < ranks.length; j++) {
    const { word: w, shift: s } = fields[j];
    if (widths[j] === 0) continue;
    const out = words[w];
    const rk = ranks[j].ranks;
    const scale = 2 ** s;
    for (let i = 0; i < n; i++) out[i] += rk[i] * scale;
  }
  return { words, bits, fields };
}

const DIGIT = 11;
/** From this many rows the first pass splits by the top digit, so later passes run inside cache-sized buckets. */
const MSD_MIN_ROWS = 1 << 16;

interface Digit {
  word: number;
  shift: number;
  bits: number;
}

/** Sort state: rows and words, and a second buffer of each to scatter into. */
interface Buffers {
  order: Int32Array;
  words: Uint32Array[];
  nextOrder: Int32Array;
  next: Uint32Array[];
}

function swap(b: Buffers): void {
  [b.order, b.nextOrder] = [b.nextOrder, b.order];
  [b.words, b.next] = [b.next, b.words];
}

/**
 * One stable counting pass of rows [a, b) by a digit, from the buffers into the second ones.
 * `pos` is scratch of at least 2^digit.bits entries; it is left holding each bucket's end.
 * False (nothing moved) when every row shares the digit.
 */
function digitPass(buf: Buffers, dg: Digit, a: number, b: number, pos: Int32Array, dest?: Int32Array): boolean {
  const size = 1 << dg.bits;
  const mask = size - 1;
  const shift = dg.shift;
  const key = buf.words[dg.word];
  pos.fill(0, 0, size);
  for (let i = a; i < b; i++) pos[(key[i] >>> shift) & mask]++;
  if (pos[(key[a] >>> shift) & mask] === b - a) return false;
  let at = a;
  for (let k = 0; k < size; k++) {
    const c = pos[k];
    pos[k] = at;
    at += c;
  }
  const k = buf.words.length;
  if (dest !== undefined) scatterDest(key, shift, mask, pos, buf, dest, a, b);
  else if (k === 1) scatter1(key, shift, mask, pos, buf.order, buf.nextOrder, buf.next[0], a, b);
  else if (k === 2) scatter2(key, shift, mask, pos, buf, a, b);
  else scatterN(key, shift, mask, pos, buf, a, b);
  return true;
}

/**
 * How to move a column into sorted order in two cache-friendly steps after a bucketed sort:
 * scatter row i to `dest[i]` (its place after the first pass, a few thousand streams), then
 * read position q from `local[q]`, which lies in q's own bucket (a span small enough for cache).
 */
export interface GatherPlan {
  dest: Int32Array;
  local: Int32Array;
}

export interface SortedWords {
  order: Int32Array;
  sorted: Uint32Array[];
  /** Present when the sort went by buckets. */
  plan?: GatherPlan;
}

/**
 * Stable radix sort of packed keys. Returns the row order and the words in that order (the input
 * arrays are reused as buffers). Large inputs: one pass by the most significant digit, then each
 * bucket sorted least-significant digit first while it sits in cache; small ones: LSD throughout.
 */
export function sortWords(words: Uint32Array[], bits: readonly number[], n: number): SortedWords {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const buf: Buffers = { order, words: words.slice(), nextOrder: new Int32Array(n), next: words.map(() => new Uint32Array(n)) };
  // Digits, least significant first.
  const digits: Digit[] = [];
  for (let w = words.length - 1; w >= 0; w--) {
    for (let shift = 0; shift < bits[w]; shift += DIGIT) digits.push({ word: w, shift, bits: Math.min(DIGIT, bits[w] - shift) });
  }
  const pos = new Int32Array(1 << DIGIT);
  if (n === 0) return { order: buf.order, sorted: buf.words };
  if (n < MSD_MIN_ROWS || digits.length < 3) {
    for (const dg of digits) if (digitPass(buf, dg, 0, n, pos)) swap(buf);
    return { order: buf.order, sorted: buf.words };
  }
  // Most significant digit first (a digit all rows share splits nothing: the next one does).
  const dest = new Int32Array(n);
  let top = digits.pop()!;
  while (!digitPass(buf, top, 0, n, pos, dest)) {
    if (digits.length === 0) return { order: buf.order, sorted: buf.words };
    top = digits.pop()!;
  }
  swap(buf);
  // From here the buckets sort positions of the first pass, not rows, so that every later read
  // through them stays inside one bucket.
  const firstPass = buf.order;
  const positions = buf.nextOrder;
  for (let i = 0; i < n; i++) positions[i] = i;
  buf.order = positions;
  buf.nextOrder = firstPass.slice();
  const ends = pos.slice(0, 1 << top.bits);
  let a = 0;
  for (let t = 0; t < ends.length; t++) {
    const b = ends[t];
    if (b - a > 1) sortBucket(buf, digits, a, b, pos);
    a = b;
  }
  const local = buf.order;
  const rows = buf.nextOrder;
  for (let q = 0; q < n; q++) rows[q] = firstPass[local[q]];
  return { order: rows, sorted: buf.words, plan: { dest, local } };
}

/** LSD passes over rows [a, b); the result is left in the main buffers (copied back after an odd number of passes). */
function sortBucket(buf: Buffers, digits: readonly Digit[], a: number, b: number, pos: Int32Array): void {
  const local: Buffers = { ...buf };
  let moved = 0;
  for (const dg of digits) {
    if (digitPass(local, dg, a, b, pos)) {
      swap(local);
      moved++;
    }
  }
  if (moved % 2 === 1) {
    buf.order.set(local.order.subarray(a, b), a);
    for (let w = 0; w < buf.words.length; w++) buf.words[w].set(local.words[w].subarray(a, b), a);
  }
}

function scatter1(
  key: Uint32Array,
  shift: number,
  mask: number,
  pos: Int32Array,
  order: Int32Array,
  nextOrder: Int32Array,
  out: Uint32Array,
  a: number,
  b: number,
): void {
  for (let i = a; i < b; i++) {
    const x = key[i];
    const p = pos[(x >>> shift) & mask]++;
    nextOrder[p] = order[i];
    out[p] = x;
  }
}

function scatter2(key: Uint32Array, shift: number, mask: number, pos: Int32Array, buf: Buffers, a: number, b: number): void {
  const order = buf.order;
  const nextOrder = buf.nextOrder;
  const [x, y] = buf.words;
  const [x2, y2] = buf.next;
  for (let i = a; i < b; i++) {
    const p = pos[(key[i] >>> shift) & mask]++;
    nextOrder[p] = order[i];
    x2[p] = x[i];
    y2[p] = y[i];
  }
}

/** scatterN that also records where each row went. */
function scatterDest(key: Uint32Array, shift: number, mask: number, pos: Int32Array, buf: Buffers, dest: Int32Array, a: number, b: number): void {
  const { order, nextOrder, words, next } = buf;
  const k = words.length;
  for (let i = a; i < b; i++) {
    const p = pos[(key[i] >>> shift) & mask]++;
    nextOrder[p] = order[i];
    dest[i] = p;
    for (let v = 0; v < k; v++) next[v][p] = words[v][i];
  }
}

function scatterN(key: Uint32Array, shift: number, mask: number, pos: Int32Array, buf: Buffers, a: number, b: number): void {
  const { order, nextOrder, words, next } = buf;
  const k = words.length;
  for (let i = a; i < b; i++) {
    const p = pos[(key[i] >>> shift) & mask]++;
    nextOrder[p] = order[i];
    for (let v = 0; v < k; v++) next[v][p] = words[v][i];
  }
}

/** Row order sorting by the key columns (stable; missing last; descending per column where asked). */
export function packedOrder(cols: readonly Column[], asc: readonly boolean[], n: number): Int32Array {
  const packed = packRanks(
    cols.map((c, j) => columnRanks(c, asc[j])),
    n,
  );
  return sortWords(packed.words, packed.bits, n).order;
}
