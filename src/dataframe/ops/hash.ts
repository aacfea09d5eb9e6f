/**
 * Hashing key columns: `hashRows` gives each row a 32-bit hash of its key values that is the
 * same in every partition (strings hash by value, never by dictionary code; int64, int32,
 * float64 and datetime hash the same number alike), so a shuffle sends equal keys to the
 * same output.
 */
import { BOOL_NA, type Column } from '../frame.js';

const scratch = new Float64Array(1);
const scratchBits = new Uint32Array(scratch.buffer);

/** murmur3's 32-bit finalizer: spreads every input bit over the output. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hash of a number by value; -0 and 0 agree, every NaN agrees. */
export function hashNumber(x: number): number {
  if (x !== x) return 0x7ff80000;
  if (x === 0) return 0;
  scratch[0] = x;
  return fmix32(scratchBits[1] ^ fmix32(scratchBits[0] ^ 0x9e3779b9));
}

export function hashString(s: string): number {
  let h = 0x811c9dc5 ^ s.length;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return fmix32(h);
}

const MISSING_HASH = 0x5bd1e995;

/** Per row hash of the key columns (combined in column order). */
export function hashRows(cols: readonly Column[], n: number): Uint32Array {
  const out = new Uint32Array(n);
  cols.forEach((c, j) => {
    const seed = Math.imul(j + 1, 0x27d4eb2f);
    if (c.dtype === 'string') {
      const dict = c.dict!;
      const table = new Uint32Array(dict.length);
      for (let k = 0; k < dict.length; k++) table[k] = hashString(dict[k]);
      const codes = c.data as Int32Array;
      for (let i = 0; i < n; i++) {
        const code = codes[i];
        out[i] = fmix32((out[i] * 31 + seed) ^ (code < 0 ? MISSING_HASH : table[code]));
      }
      return;
    }
    const d = c.data;
    const boolNA = c.dtype === 'bool';
    for (let i = 0; i < n; i++) {
      const x = d[i];
      const h = boolNA && x === BOOL_NA ? MISSING_HASH : x !== x ? MISSING_HASH : hashNumber(x);
      out[i] = fmix32((out[i] * 31 + seed) ^ h);
    }
  });
  return out;
}

/** Output partition of every row: hash mod n. */
export function partitionOf(cols: readonly Column[], n: number, nparts: number): Int32Array {
  const h = hashRows(cols, n);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = h[i] % nparts;
  return out;
}
