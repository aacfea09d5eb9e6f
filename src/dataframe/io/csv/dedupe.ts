/**
 * Deduplicates the entries of a string column parsed in RAW mode (one entry per value) into a
 * proper dictionary: distinct entries, in order of first appearance, codes remapped in place.
 * Runs when a kernel first reads the column's codes or dictionary.
 *
 * Sorted entries (timestamps and ids of sorted files) need only a comparison with their
 * neighbour; others go through a hash table. When nothing repeats (the common case for such
 * columns) the parsed bytes and codes are the dictionary already: nothing is copied.
 */
import { StringBytes } from '../../frame.js';
import { grown, i32, trim, u8 } from './alloc.js';
import { finalHash as mix, FNV_PRIME as FNV_P, FNV_SEED as FNV_S } from '../../column/fnv.js';

// Module-level copies (see fnv.ts).
const FNV_SEED = FNV_S;
const FNV_PRIME = FNV_P;
const finalHash = mix;

/**
 * Byte order of entries a and b (negative, 0, positive), four bytes at a time: big-endian words
 * compare like their bytes.
 */
function compare(view: DataView, bytes: Uint8Array, offsets: Int32Array, a: number, b: number): number {
  const sa = offsets[a];
  const la = offsets[a + 1] - sa;
  const sb = offsets[b];
  const lb = offsets[b + 1] - sb;
  const lim = la < lb ? la : lb;
  let j = 0;
  for (; j + 4 <= lim; j += 4) {
    const x = view.getUint32(sa + j);
    const y = view.getUint32(sb + j);
    if (x !== y) return x < y ? -1 : 1;
  }
  for (; j < lim; j++) {
    const d = bytes[sa + j] - bytes[sb + j];
    if (d !== 0) return d;
  }
  return la - lb;
}

function sameEntry(view: DataView, bytes: Uint8Array, offsets: Int32Array, a: number, b: number): boolean {
  const sa = offsets[a];
  const len = offsets[a + 1] - sa;
  const sb = offsets[b];
  if (offsets[b + 1] - sb !== len) return false;
  let j = 0;
  for (; j + 4 <= len; j += 4) if (view.getInt32(sa + j) !== view.getInt32(sb + j)) return false;
  for (; j < len; j++) if (bytes[sa + j] !== bytes[sb + j]) return false;
  return true;
}

/** A hash of entry k, four bytes at a time (only this table uses it). */
function hashEntry(view: DataView, bytes: Uint8Array, offsets: Int32Array, k: number): number {
  const s = offsets[k];
  const e = offsets[k + 1];
  let h = FNV_SEED ^ (e - s);
  let i = s;
  for (; i + 4 <= e; i += 4) h = Math.imul(h ^ view.getInt32(i), FNV_PRIME);
  for (; i < e; i++) h = Math.imul(h ^ bytes[i], FNV_PRIME);
  return finalHash(h ^ (h >>> 13));
}

/** remap[k] = dictionary code of entry k; returns the number of distinct entries. */
function remapSorted(view: DataView, bytes: Uint8Array, offsets: Int32Array, remap: Int32Array): number {
  const m = remap.length;
  let next = 0;
  for (let k = 0; k < m; k++) remap[k] = k > 0 && sameEntry(view, bytes, offsets, k - 1, k) ? next - 1 : next++;
  return next;
}

/** Distinct entries collected in order of first appearance. */
interface Distinct {
  count: number;
  bytes: Uint8Array;
  offsets: Int32Array;
}

/** Is entry k (of the raw entries) equal to distinct entry c? Four bytes at a time. */
function sameAsDistinct(view: DataView, bytes: Uint8Array, offsets: Int32Array, k: number, dView: DataView, d: Distinct, c: number): boolean {
  const sa = offsets[k];
  const len = offsets[k + 1] - sa;
  const sb = d.offsets[c];
  if (d.offsets[c + 1] - sb !== len) return false;
  let j = 0;
  for (; j + 4 <= len; j += 4) if (view.getInt32(sa + j) !== dView.getInt32(sb + j)) return false;
  for (; j < len; j++) if (bytes[sa + j] !== d.bytes[sb + j]) return false;
  return true;
}

/**
 * remap[k] = code of entry k, through a table of (code + 1, hash) pairs sized for the distinct
 * entries and growing as they come; each new entry is copied out as it is met, so a probe
 * compares against the compact distinct bytes. A block of 1M values with 100k distinct ones
 * then works in cache instead of reading a table sized for every value and the first
 * occurrences scattered over the whole arena (db-benchmark's id3: ~2x).
 */
function remapHashed(view: DataView, bytes: Uint8Array, offsets: Int32Array, remap: Int32Array): Distinct {
  const m = remap.length;
  let size = 1024;
  let mask = size - 1;
  let table: Int32Array = new Int32Array(2 * size);
  const d: Distinct = { count: 0, bytes: u8(Math.min(bytes.length, 1 << 16)), offsets: i32(Math.min(m, 1 << 12) + 1) };
  let dView = new DataView(d.bytes.buffer, d.bytes.byteOffset, d.bytes.byteLength);
  for (let k = 0; k < m; k++) {
    const h = hashEntry(view, bytes, offsets, k);
    let slot = h & mask;
    let code = -1;
    for (;;) {
      const c = table[2 * slot];
      if (c === 0) break;
      if (table[2 * slot + 1] === h && sameAsDistinct(view, bytes, offsets, k, dView, d, c - 1)) {
        code = c - 1;
        break;
      }
      slot = (slot + 1) & mask;
    }
    if (code < 0) {
      code = d.count++;
      const s = offsets[k];
      const e = offsets[k + 1];
      const at = d.offsets[code];
      if (code + 2 > d.offsets.length) d.offsets = grown(d.offsets, Math.min(m + 1, 2 * d.offsets.length));
      if (at + e - s > d.bytes.length) {
        d.bytes = grown(d.bytes, Math.min(bytes.length, Math.max(2 * d.bytes.length, at + e - s)), at);
        dView = new DataView(d.bytes.buffer, d.bytes.byteOffset, d.bytes.byteLength);
      }
      d.bytes.set(bytes.subarray(s, e), at);
      d.offsets[code + 1] = at + e - s;
      table[2 * slot] = code + 1;
      table[2 * slot + 1] = h;
      // Load factor <= 1/2.
      if (2 * d.count > size) {
        size *= 2;
        mask = size - 1;
        table = rehash(table, mask);
      }
    }
    remap[k] = code;
  }
  return d;
}

/** The (code + 1, hash) pairs of `old` placed in a table of `mask + 1` slots. */
function rehash(old: Int32Array, mask: number): Int32Array {
  const table = new Int32Array(2 * (mask + 1));
  for (let i = 0; i < old.length; i += 2) {
    if (old[i] === 0) continue;
    let slot = old[i + 1] & mask;
    while (table[2 * slot] !== 0) slot = (slot + 1) & mask;
    table[2 * slot] = old[i];
    table[2 * slot + 1] = old[i + 1];
  }
  return table;
}

/** The first occurrence of each entry, in order (remapSorted's codes). */
function compactSorted(bytes: Uint8Array, offsets: Int32Array, remap: Int32Array, distinct: number, oneByte: boolean): StringBytes {
  const m = remap.length;
  // Codes are handed out in entry order, so entry k is a first occurrence iff remap[k] is the next code.
  let size = 0;
  for (let k = 0, n = 0; k < m; k++) {
    if (remap[k] === n) {
      size += offsets[k + 1] - offsets[k];
      n++;
    }
  }
  const out = u8(size);
  const outOffsets = i32(distinct + 1);
  let at = 0;
  let next = 0;
  for (let k = 0; k < m; k++) {
    if (remap[k] !== next) continue; // a repeat
    out.set(bytes.subarray(offsets[k], offsets[k + 1]), at);
    at += offsets[k + 1] - offsets[k];
    outOffsets[++next] = at;
  }
  return new StringBytes(out, outOffsets, oneByte);
}

export function dedupeEntries(codes: Int32Array, bytes: Uint8Array, offsets: Int32Array, oneByte: boolean): { codes: Int32Array; dict: StringBytes } {
  const m = offsets.length - 1;
  let sorted = true;
  let repeats = false;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let k = 1; k < m; k++) {
    const c = compare(view, bytes, offsets, k - 1, k);
    if (c > 0) {
      sorted = false;
      break;
    }
    if (c === 0) repeats = true;
  }
  if (sorted && !repeats) return { codes, dict: new StringBytes(bytes, offsets, oneByte) };
  const remap = new Int32Array(m);
  let dict: StringBytes;
  if (sorted) {
    const distinct = remapSorted(view, bytes, offsets, remap);
    if (distinct === m) return { codes, dict: new StringBytes(bytes, offsets, oneByte) };
    dict = compactSorted(bytes, offsets, remap, distinct, oneByte);
  } else {
    const d = remapHashed(view, bytes, offsets, remap);
    if (d.count === m) return { codes, dict: new StringBytes(bytes, offsets, oneByte) };
    const end = d.offsets[d.count];
    dict = new StringBytes(trim(d.bytes, end), trim(d.offsets, d.count + 1), oneByte);
  }
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c >= 0) codes[i] = remap[c];
  }
  return { codes, dict };
}
