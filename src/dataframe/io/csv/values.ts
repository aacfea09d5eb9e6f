/**
 * A field's bytes into its column's value: numbers parsed from bytes (no string per cell),
 * bools, dates, text codes. Each store function writes the value (or the column's missing
 * marker) and returns OK or why the value does not fit the dtype; the parser reports that.
 */
import { parseDate, parseIsoBytes } from '../../parse/datetime.js';
import type { NaSet } from './na-set.js';
import { RAW as MODE_RAW, type TextColumn } from './text-column.js';

// Module-level copy (see fnv.ts).
const RAW = MODE_RAW;

/** What a store function found: the value fits, or why it does not (see parse-errors.ts). */
export const OK = 0;
/** A missing value in an int column. */
export const MISSING = 1;
/** A number with a fraction in an int column. */
export const FRACTION = 2;
/** Text that is not a value of the dtype. */
export const TEXT = 3;
/** An integer beyond what the dtype holds exactly. */
export const RANGE = 4;

/** Buffer's native slice decoders (not in @types/node, present since Node 0.x): no intermediate copy. */
type FastBuffer = Buffer & { latin1Slice(s: number, e: number): string; utf8Slice(s: number, e: number): string };

export function textOf(buf: Buffer, s: number, e: number, latin1: boolean): string {
  return latin1 ? (buf as FastBuffer).latin1Slice(s, e) : (buf as FastBuffer).utf8Slice(s, e);
}

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/** Set by parseNumber when the bytes are not a number. */
let notNumber = false;
/** Set by parseNumber when the number had a fraction or exponent. */
let hadFraction = false;

/**
 * A number from bytes [s, e): exact (one correctly rounded operation) for up to 15
 * significant digits and |exponent| <= 22, else through parseFloat; inf and infinity (any case, signed) as pandas reads them.
 */
export function parseNumber(buf: Uint8Array, s: number, e: number): number {
  notNumber = false;
  hadFraction = false;
  while (s < e && buf[s] === 32) s++;
  while (e > s && buf[e - 1] === 32) e--;
  let i = s;
  let neg = false;
  if (i < e && (buf[i] === 45 || buf[i] === 43)) {
    neg = buf[i] === 45;
    i++;
  }
  let mant = 0;
  let digits = 0;
  let exp = 0;
  let sawDigit = false;
  let c: number;
  for (; i < e; i++) {
    c = buf[i] - 48;
    if (c < 0 || c > 9) break;
    sawDigit = true;
    if (digits < 15) {
      mant = mant * 10 + c;
      if (mant !== 0) digits++;
    } else if (digits >= 15) {
      digits++;
      exp++;
    }
  }
  if (i < e && buf[i] === 46) {
    hadFraction = true;
    i++;
    for (; i < e; i++) {
      c = buf[i] - 48;
      if (c < 0 || c > 9) break;
      sawDigit = true;
      if (digits < 15) {
        mant = mant * 10 + c;
        if (mant !== 0) digits++;
        exp--;
      } else digits++;
    }
  }
  if (!sawDigit) {
    if (isInfinity(buf, i, e)) return neg ? -Infinity : Infinity;
    notNumber = true;
    return NaN;
  }
  if (i < e && (buf[i] === 101 || buf[i] === 69)) {
    hadFraction = true;
    i++;
    let eneg = false;
    if (i < e && (buf[i] === 45 || buf[i] === 43)) {
      eneg = buf[i] === 45;
      i++;
    }
    let ev = 0;
    const start = i;
    for (; i < e; i++) {
      c = buf[i] - 48;
      if (c < 0 || c > 9) break;
      ev = ev * 10 + c;
    }
    if (i === start) {
      notNumber = true;
      return NaN;
    }
    exp += eneg ? -ev : ev;
  }
  if (i !== e) {
    notNumber = true;
    return NaN;
  }
  let v: number;
  if (digits > 15) v = slowParse(buf, s, e);
  else if (exp === 0) v = mant;
  else if (exp < 0 && exp >= -22) v = mant / POW10[-exp];
  else if (exp > 0 && exp <= 22) v = mant * POW10[exp];
  else v = slowParse(buf, s, e);
  return neg ? -v : v;
}

/** 'inf' or 'infinity' in any case at buf[i, e) (after the sign), as pandas reads them. */
function isInfinity(buf: Uint8Array, i: number, e: number): boolean {
  const n = e - i;
  if (n !== 3 && n !== 8) return false;
  const word = 'infinity';
  for (let k = 0; k < n; k++) if ((buf[i + k] | 0x20) !== word.charCodeAt(k)) return false;
  return true;
}

function slowParse(buf: Uint8Array, s: number, e: number): number {
  let str = '';
  for (let i = s; i < e; i++) str += String.fromCharCode(buf[i]);
  const v = Number(str);
  return Number.isNaN(v) ? NaN : Math.abs(v);
}

/**
 * 1 for true/True/TRUE, 0 for false/False/FALSE, else -1 (any case: `| 0x20` lowercases
 * letters). No helper closure: under tsx each closure per call also pays a name-setting call.
 */
export function isBoolText(buf: Uint8Array, s: number, e: number): number {
  const n = e - s;
  if (n === 4 && (buf[s] | 0x20) === 116 && (buf[s + 1] | 0x20) === 114 && (buf[s + 2] | 0x20) === 117 && (buf[s + 3] | 0x20) === 101) return 1;
  if (
    n === 5 &&
    (buf[s] | 0x20) === 102 &&
    (buf[s + 1] | 0x20) === 97 &&
    (buf[s + 2] | 0x20) === 108 &&
    (buf[s + 3] | 0x20) === 115 &&
    (buf[s + 4] | 0x20) === 101
  )
    return 0;
  return -1;
}

/** float64: NaN for missing values. */
export function storeFloat(out: Float64Array, row: number, src: Buffer, s: number, e: number, na: NaSet): number {
  const v = parseNumber(src, s, e);
  // naValues that are numbers match by value, as in pandas: '-999' also matches -999.0 and -9.99e2.
  out[row] = na.hasNums && na.isNumber(v) ? NaN : v;
  return notNumber && !na.has(src, s, e) ? TEXT : OK;
}

/** int64 (held in doubles). Integral numbers written as 1.0 or 1e3 fit. */
export function storeInt64(out: Float64Array, row: number, src: Buffer, s: number, e: number, na: NaSet): number {
  const v = parseNumber(src, s, e);
  out[row] = v;
  if (notNumber) return na.has(src, s, e) ? MISSING : TEXT;
  if (na.hasNums && na.isNumber(v)) return MISSING;
  if (hadFraction && !Number.isInteger(v)) return FRACTION;
  // Beyond 2^53 a double would silently change the value (also when written 1e20 or 1.0e16).
  return Math.abs(v) <= Number.MAX_SAFE_INTEGER ? OK : RANGE;
}

export function storeInt32(out: Int32Array, row: number, src: Buffer, s: number, e: number, na: NaSet): number {
  const v = parseNumber(src, s, e);
  if (notNumber) {
    out[row] = 0;
    return na.has(src, s, e) ? MISSING : TEXT;
  }
  if (na.hasNums && na.isNumber(v)) {
    out[row] = 0;
    return MISSING;
  }
  out[row] = v;
  if (hadFraction && !Number.isInteger(v)) return FRACTION;
  // `v | 0` wraps: 1e10 (also written 1e10 or 10000000000.0) must not become 1410065408.
  return v === (v | 0) ? OK : RANGE;
}

/** bool: 2 for missing values. */
export function storeBool(out: Uint8Array, row: number, src: Buffer, s: number, e: number, na: NaSet): number {
  // NA spellings that read as bools (naValues: ['False']) win, as in pandas.
  if (na.hasBool && na.has(src, s, e)) {
    out[row] = 2;
    return OK;
  }
  const b = isBoolText(src, s, e);
  if (b >= 0) {
    out[row] = b;
    return OK;
  }
  out[row] = 2;
  return na.has(src, s, e) ? OK : TEXT;
}

/** datetime (ms since the epoch): ISO bytes directly, other spellings through parseDate. */
export function storeDate(out: Float64Array, row: number, src: Buffer, s: number, e: number, na: NaSet, latin1: boolean): number {
  if (na.has(src, s, e)) {
    out[row] = NaN;
    return OK;
  }
  let t = parseIsoBytes(src, s, e);
  if (t !== t) t = parseDate(textOf(src, s, e, latin1));
  out[row] = t;
  return t !== t ? TEXT : OK;
}

/** string: the code of the value (-1 for missing). In RAW mode a new entry per value. */
export function storeText(t: TextColumn, codes: Int32Array, row: number, src: Buffer, s: number, e: number, na: NaSet): void {
  if (na.has(src, s, e)) codes[row] = -1;
  else if (t.mode === RAW) {
    t.reserve(e - s, row);
    const arena = t.arena;
    let w = t.used;
    let bits = 0;
    for (let r = s; r < e; r++) {
      const b = src[r];
      bits |= b;
      arena[w++] = b;
    }
    t.bits |= bits;
    codes[row] = t.commit(w, row);
  } else codes[row] = t.code(src, s, e, row);
}
