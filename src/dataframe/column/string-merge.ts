/**
 * Merging string dictionaries that are still bytes (CSV partitions, columns from another
 * process): one open-addressing table over the entries' bytes, so concatenating partitions
 * makes no JS string and no Map entry per dictionary entry. Only for one-byte dictionaries
 * (latin1, or ASCII UTF-8), where equal bytes are exactly equal strings.
 */
import { finalHash as mix, FNV_PRIME as FNV_P, FNV_SEED as FNV_S } from './fnv.js';
import { StringBytes } from './strings.js';

// Module-level copies (see fnv.ts).
const FNV_SEED = FNV_S;
const FNV_PRIME = FNV_P;
const finalHash = mix;

/** The project's string hash (fnv.ts) over b[s, e). */
function hashBytes(b: Uint8Array, s: number, e: number): number {
  let h = FNV_SEED;
  for (let i = s; i < e; i++) h = Math.imul(h ^ b[i], FNV_PRIME);
  return finalHash(h);
}

function sameBytes(a: Uint8Array, as: number, ae: number, b: Uint8Array, bs: number, be: number): boolean {
  if (ae - as !== be - bs) return false;
  for (let i = 0; i < ae - as; i++) if (a[as + i] !== b[bs + i]) return false;
  return true;
}

/**
 * The union of several dictionaries (entries in order of first appearance, part by part) and,
 * per part, its codes' new codes. Undefined unless every part is one-byte text.
 */
export function mergeStringBytes(parts: readonly StringBytes[]): { merged: StringBytes; remaps: Int32Array[] } | undefined {
  if (!parts.every((p) => p.oneByte)) return undefined;
  let entries = 0;
  let total = 0;
  for (const p of parts) {
    entries += p.size;
    total += p.offsets[p.size] - p.offsets[0];
  }
  let cap = 16;
  while (cap < 2 * entries) cap *= 2;
  const mask = cap - 1;
  const slots = new Int32Array(cap).fill(-1);
  const hashes = new Int32Array(entries);
  const bytes = new Uint8Array(total);
  const offsets = new Int32Array(entries + 1);
  let m = 0;
  const remaps = parts.map((p) => {
    const src = p.bytes;
    const o = p.offsets;
    const remap = new Int32Array(p.size);
    for (let k = 0; k < p.size; k++) {
      const s = o[k];
      const e = o[k + 1];
      const h = hashBytes(src, s, e);
      let slot = h & mask;
      let id = slots[slot];
      while (id >= 0 && !(hashes[id] === h && sameBytes(bytes, offsets[id], offsets[id + 1], src, s, e))) {
        slot = (slot + 1) & mask;
        id = slots[slot];
      }
      if (id < 0) {
        id = m++;
        bytes.set(src.subarray(s, e), offsets[id]);
        offsets[id + 1] = offsets[id] + (e - s);
        hashes[id] = h;
        slots[slot] = id;
      }
      remap[k] = id;
    }
    return remap;
  });
  return { merged: new StringBytes(bytes.subarray(0, offsets[m]), offsets.slice(0, m + 1), true), remaps };
}
