/**
 * The field states of the row parser (see parser.ts): each reads one field of the chunk
 * buf[i, to) and returns where it ended. An unquoted field ends at a byte marked in `stop`
 * (the separator, CR, LF) or at `to`; a quoted one after its closing quote.
 */
import { finalHash as mix, FNV_PRIME as FNV_P, FNV_SEED as FNV_S } from '../../column/fnv.js';
import type { NaSet } from './na-set.js';
import type { TextColumn } from './text-column.js';

// Module-level copies (see fnv.ts).
const FNV_SEED = FNV_S;
const FNV_PRIME = FNV_P;
const finalHash = mix;

const QUOTE = 34;

/** Unquoted field, any kind: the end of its bytes. */
export function unquoted(buf: Buffer, i: number, to: number, stop: Uint8Array): number {
  while (i < to && stop[buf[i]] === 0) i++;
  return i;
}

/**
 * Unquoted int64/float64 field that is a plain integer (the common numeric field): parsed while
 * scanning and stored in out[row]. Returns its end, or -1 when it is anything else (fractions,
 * missing values, text), which the caller scans and stores the general way.
 */
export function plainInteger(buf: Buffer, i: number, to: number, stop: Uint8Array, out: Float64Array, row: number): number {
  const neg = buf[i] === 45;
  if (neg) i++;
  let v = 0;
  const first = i;
  while (i < to) {
    const c = buf[i] - 48;
    if (c < 0 || c > 9) break;
    v = v * 10 + c;
    i++;
  }
  const nd = i - first;
  if (nd === 0 || nd > 15 || (i < to && stop[buf[i]] === 0)) return -1;
  out[row] = neg ? -v : v;
  return i;
}

/**
 * Unquoted string field of a RAW column: its bytes are copied into the column's arena while
 * looking for its end, and become a new entry (code in codes[row]; -1 for missing values).
 */
export function rawText(buf: Buffer, i: number, to: number, stop: Uint8Array, t: TextColumn, codes: Int32Array, row: number, na: NaSet): number {
  const s = i;
  let arena = t.arena;
  const w0 = t.used;
  let w = w0;
  let bits = 0;
  for (;;) {
    let lim = i + (arena.length - w);
    if (lim > to) lim = to;
    while (i < lim) {
      const b = buf[i];
      if (stop[b] === 1) break;
      bits |= b;
      arena[w++] = b;
      i++;
    }
    if (i < lim || i >= to) break;
    // The arena filled before the field ended.
    t.reserve(4096 + (w - w0), row, w);
    arena = t.arena;
  }
  codes[row] = na.has(buf, s, i) ? -1 : t.commit(w, row);
  t.bits |= bits;
  return i;
}

/** Unquoted string field of a HASH column: hashed while scanning (the FNV-1a of TextColumn.code), then looked up. */
export function hashedText(buf: Buffer, i: number, to: number, stop: Uint8Array, t: TextColumn, codes: Int32Array, row: number, na: NaSet): number {
  const s = i;
  let h = FNV_SEED;
  while (i < to) {
    const b = buf[i];
    if (stop[b] === 1) break;
    h = Math.imul(h ^ b, FNV_PRIME);
    i++;
  }
  codes[row] = na.has(buf, s, i) ? -1 : t.lookup(buf, s, i, finalHash(h), row);
  return i;
}

/** Where a quoted field's value lies: src[s, e), src being the chunk or, after doubled quotes were collapsed, `scratch`. */
export class QuotedValue {
  src: Buffer = Buffer.alloc(0);
  s = 0;
  e = 0;
  scratch: Buffer = Buffer.allocUnsafe(256);
}

/** quoted() when the chunk ends before the closing quote. */
export const UNTERMINATED = -1;

/**
 * Quoted field, from the byte after its opening quote. Inside, a quote followed by a quote is
 * one literal quote; any other quote closes the field. Separators and newlines are literal.
 * Sets `q` to the value and returns the position after the closing quote, or UNTERMINATED.
 */
export function quoted(buf: Buffer, i: number, to: number, q: QuotedValue): number {
  const s = i;
  let doubled = false;
  for (;;) {
    if (i >= to) return UNTERMINATED;
    if (buf[i] === QUOTE) {
      if (buf[i + 1] === QUOTE && i + 1 < to) {
        doubled = true;
        i += 2;
        continue;
      }
      break;
    }
    i++;
  }
  if (doubled) collapseQuotes(buf, s, i, q);
  else {
    q.src = buf;
    q.s = s;
    q.e = i;
  }
  return i + 1;
}

/** The value of buf[s, e) with each doubled quote made one, into q.scratch. */
function collapseQuotes(buf: Buffer, s: number, e: number, q: QuotedValue): void {
  if (q.scratch.length < e - s) q.scratch = Buffer.allocUnsafe(2 * (e - s));
  const scratch = q.scratch;
  let w = 0;
  for (let r = s; r < e; r++) {
    scratch[w++] = buf[r];
    if (buf[r] === QUOTE) r++;
  }
  q.src = scratch;
  q.s = 0;
  q.e = w;
}
