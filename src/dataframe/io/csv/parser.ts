/**
 * The byte-level CSV parser: one pass over a block's bytes straight into typed columns.
 * Numbers are parsed from bytes (no string per cell); strings are dictionary-encoded through
 * a byte hash table, so a JS string is made once per distinct value. Quoted fields may hold
 * separators, newlines and doubled quotes.
 *
 * Values that do not fit a column's dtype are collected (first one per column) and reported
 * together at the end of the block, with file, line, value and the `dtype` fix.
 */
import { type Column, type DType, Frame, lazyStringColumn, StringBytes } from '../../frame.js';
import { parseDate, parseIsoBytes } from '../../parse/datetime.js';
import { CsvError } from './errors.js';
import type { BlockSpec, ReadKind } from './options.js';

/** Buffer's native slice decoders (not in @types/node, present since Node 0.x): no intermediate copy. */
type FastBuffer = Buffer & { latin1Slice(s: number, e: number): string; utf8Slice(s: number, e: number): string };

export function textOf(buf: Buffer, s: number, e: number, latin1: boolean): string {
  return latin1 ? (buf as FastBuffer).latin1Slice(s, e) : (buf as FastBuffer).utf8Slice(s, e);
}

const QUOTE = 34;
const LF = 10;
const CR = 13;

const K_SKIP = 0;
const K_FLOAT = 1;
const K_INT = 2;
const K_BOOL = 3;
const K_STRING = 4;
const K_DATE = 5;
const K_INT32 = 6;

function kindCode(k: ReadKind): number {
  switch (k) {
    case 'skip': return K_SKIP;
    case 'float64': return K_FLOAT;
    case 'int64': return K_INT;
    case 'int32': return K_INT32;
    case 'bool': return K_BOOL;
    case 'string': return K_STRING;
    case 'datetime': return K_DATE;
  }
}

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/** Set by parseNumber when the bytes are not a number. */
let notNumber = false;
/** Set by parseNumber when the number had a fraction or exponent. */
let hadFraction = false;

/**
 * A number from bytes [s, e): exact (one correctly rounded operation) for up to 15
 * significant digits and |exponent| <= 22, else through parseFloat.
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
  let c = 0;
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

function slowParse(buf: Uint8Array, s: number, e: number): number {
  let str = '';
  for (let i = s; i < e; i++) str += String.fromCharCode(buf[i]);
  const v = Number(str);
  return Number.isNaN(v) ? NaN : Math.abs(v);
}

/**
 * Dictionary builder keyed by bytes: a string is created once per distinct value. The open
 * addressing table interleaves (code + 1, hash) so a probe touches one cache line.
 */
class ByteDict {
  table: Int32Array;
  mask: number;
  starts: Int32Array = new Int32Array(64);
  lens: Int32Array = new Int32Array(64);
  arena: Uint8Array = new Uint8Array(4096);
  arenaUsed = 0;
  count = 0;
  /** OR of every byte seen: < 0x80 means pure ASCII. */
  bits = 0;

  constructor(private readonly latin1: boolean) {
    this.table = new Int32Array(2 * 1024);
    this.mask = 1023;
  }

  /**
   * While values arrive in non-decreasing byte order (ids, timestamps of sorted files),
   * deduplication only needs the previous value: no hashing, no random memory access.
   * The first value out of order builds the hash table from the entries so far.
   */
  sorted = true;

  code(buf: Buffer, s: number, e: number): number {
    const len = e - s;
    if (this.sorted) {
      const last = this.count - 1;
      if (last < 0) return this.append(buf, s, e, 0, 0);
      const a = this.starts[last];
      const m = this.lens[last];
      const arena = this.arena;
      const lim = len < m ? len : m;
      let j = 0;
      while (j < lim && arena[a + j] === buf[s + j]) j++;
      const cmp = j < lim ? buf[s + j] - arena[a + j] : len - m;
      if (cmp === 0) return last;
      if (cmp > 0) return this.append(buf, s, e, 0, 0);
      this.sorted = false;
      this.buildTable();
    }
    let h = 0x811c9dc5 | 0;
    for (let i = s; i < e; i++) h = Math.imul(h ^ buf[i], 16777619);
    return this.lookup(buf, s, e, h ^ (h >>> 15));
  }

  /** Hash mode: code of bytes [s, e) whose hash the caller computed while scanning. */
  lookup(buf: Buffer, s: number, e: number, h: number): number {
    const len = e - s;
    const table = this.table;
    const arena0 = this.arena;
    let slot = h & this.mask;
    for (;;) {
      const entry = table[2 * slot];
      if (entry === 0) break;
      if (table[2 * slot + 1] === h) {
        const k = entry - 1;
        if (this.lens[k] === len) {
          const a = this.starts[k];
          let j = 0;
          while (j < len && arena0[a + j] === buf[s + j]) j++;
          if (j === len) return k;
        }
      }
      slot = (slot + 1) & this.mask;
    }
    return this.append(buf, s, e, slot, h);
  }

  /** Add a new entry; in hash mode also into table slot `slot` with hash `h`. */
  private append(buf: Buffer, s: number, e: number, slot: number, h: number): number {
    const len = e - s;
    const k = this.count++;
    if (k >= this.lens.length) {
      const grow = (x: Int32Array) => {
        const y = new Int32Array(x.length * 4);
        y.set(x);
        return y;
      };
      this.starts = grow(this.starts);
      this.lens = grow(this.lens);
    }
    if (this.arenaUsed + len > this.arena.length) {
      const b = new Uint8Array(Math.max(this.arena.length * 4, this.arenaUsed + len));
      b.set(this.arena.subarray(0, this.arenaUsed));
      this.arena = b;
    }
    const arena = this.arena;
    const at = this.arenaUsed;
    let bits = this.bits;
    for (let j = 0; j < len; j++) {
      const c = buf[s + j];
      bits |= c;
      arena[at + j] = c;
    }
    this.bits = bits;
    this.starts[k] = at;
    this.lens[k] = len;
    this.arenaUsed = at + len;
    if (!this.sorted) {
      this.table[2 * slot] = k + 1;
      this.table[2 * slot + 1] = h;
      if (this.count * 3 > this.mask + 1) this.rehash();
    }
    return k;
  }

  private hashEntry(k: number): number {
    let h = 0x811c9dc5 | 0;
    const a = this.starts[k];
    const end = a + this.lens[k];
    for (let i = a; i < end; i++) h = Math.imul(h ^ this.arena[i], 16777619);
    return h ^ (h >>> 15);
  }

  /** Switch from sorted mode to hashing: index every entry so far. */
  private buildTable(): void {
    let size = 1024;
    while (size < this.count * 3) size *= 2;
    const table = new Int32Array(2 * size);
    const mask = size - 1;
    for (let k = 0; k < this.count; k++) {
      const h = this.hashEntry(k);
      let slot = h & mask;
      while (table[2 * slot] !== 0) slot = (slot + 1) & mask;
      table[2 * slot] = k + 1;
      table[2 * slot + 1] = h;
    }
    this.table = table;
    this.mask = mask;
  }

  /** The dictionary as bytes + offsets; strings are made only when someone reads them. */
  finish(): StringBytes {
    const offsets = new Int32Array(this.count + 1);
    offsets.set(this.starts.subarray(0, this.count));
    offsets[this.count] = this.arenaUsed;
    // Pure ASCII decodes identically as latin1, which skips UTF-8 validation.
    return new StringBytes(this.arena.slice(0, this.arenaUsed), offsets, this.latin1 || this.bits < 0x80);
  }

  private rehash(): void {
    const old = this.table;
    const size = (this.mask + 1) * 4;
    const table = new Int32Array(2 * size);
    const mask = size - 1;
    for (let i = 0; i < old.length; i += 2) {
      if (old[i] === 0) continue;
      let slot = old[i + 1] & mask;
      while (table[2 * slot] !== 0) slot = (slot + 1) & mask;
      table[2 * slot] = old[i];
      table[2 * slot + 1] = old[i + 1];
    }
    this.table = table;
    this.mask = mask;
  }
}

/** Byte-keyed set of NA spellings (short strings): exact match on bytes. */
class NaSet {
  /** Spellings by byte length (index = length); most lengths have none. */
  private readonly byLen: Array<Uint8Array[] | undefined> = [];
  /** First bytes of the spellings: most values are rejected by one table load. */
  private readonly first = new Uint8Array(256);
  readonly hasEmpty: boolean;
  constructor(values: readonly string[]) {
    this.hasEmpty = values.includes('');
    for (const v of values) {
      const b = Buffer.from(v, 'utf8');
      (this.byLen[b.length] ??= []).push(b);
      if (b.length > 0) this.first[b[0]] = 1;
    }
  }
  has(buf: Uint8Array, s: number, e: number): boolean {
    if (s === e) return this.hasEmpty;
    if (this.first[buf[s]] === 0) return false;
    const n = e - s;
    if (n >= this.byLen.length) return false;
    const list = this.byLen[n];
    if (list === undefined) return false;
    outer: for (const b of list) {
      for (let j = 0; j < b.length; j++) if (b[j] !== buf[s + j]) continue outer;
      return true;
    }
    return false;
  }
}

export interface Mismatch {
  column: string;
  dtype: DType;
  value: string;
  /** Byte offset of the row in the block buffer. */
  offset: number;
  why: 'missing' | 'fraction' | 'text' | 'range';
}

export interface ParseResult {
  frame: Frame;
  mismatches: Mismatch[];
}

interface ColState {
  kind: number;
  f64?: Float64Array;
  i32?: Int32Array;
  u8?: Uint8Array;
  dict?: ByteDict;
  bad: boolean;
}

function isBoolText(buf: Uint8Array, s: number, e: number): number {
  // true/True/TRUE -> 1, false/False/FALSE -> 0, else -1
  const n = e - s;
  const lc = (i: number) => buf[s + i] | 0x20;
  if (n === 4 && lc(0) === 116 && lc(1) === 114 && lc(2) === 117 && lc(3) === 101) return 1;
  if (n === 5 && lc(0) === 102 && lc(1) === 97 && lc(2) === 108 && lc(3) === 115 && lc(4) === 101) return 0;
  return -1;
}

/**
 * Parse rows of `buf[from, to)` (whole lines) with the block spec. `file` and `lineOf`
 * name places in errors.
 */
export function parseRows(buf: Buffer, from: number, to: number, spec: BlockSpec, file: string, lineOf: (offset: number) => number): ParseResult {
  const ncols = spec.kinds.length;
  const kinds = Int32Array.from(spec.kinds, kindCode);
  const sep = spec.sep;
  const na = new NaSet(spec.na);
  const latin1 = spec.latin1;
  // Estimate rows from the bytes; grow if needed.
  let cap = Math.max(16, Math.ceil((to - from) / Math.max(8, ncols * 4)));
  const cols: ColState[] = [];
  for (let j = 0; j < ncols; j++) {
    const k = kinds[j];
    // Every state object gets the same fields in the same order: one hidden class, so the
    // per-cell property loads in the row loop stay monomorphic.
    const st: ColState = {
      kind: k,
      f64: k === K_FLOAT || k === K_INT || k === K_DATE ? new Float64Array(cap) : undefined,
      i32: k === K_INT32 || k === K_STRING ? new Int32Array(cap) : undefined,
      u8: k === K_BOOL ? new Uint8Array(cap) : undefined,
      dict: k === K_STRING ? new ByteDict(latin1) : undefined,
      bad: false,
    };
    cols.push(st);
  }
  const mismatches: Mismatch[] = [];
  // Bytes that end an unquoted field: one table load per byte instead of three compares.
  const stop = new Uint8Array(256);
  stop[sep] = stop[LF] = stop[CR] = 1;
  let scratch = Buffer.allocUnsafe(256);
  let curSrc: Buffer = buf;
  const text = (s: number, e: number) => textOf(curSrc, s, e, latin1);
  const mismatch = (j: number, dtype: DType, s: number, e: number, rowStart: number, why: Mismatch['why']) => {
    const st = cols[j];
    if (st.bad) return;
    st.bad = true;
    mismatches.push({ column: spec.names[j], dtype, value: text(s, e), offset: rowStart, why });
  };

  let row = 0;
  let i = from;
  let fieldHash = 0;
  let haveHash = false;
  while (i < to) {
    const rowStart = i;
    // Blank line: skip.
    if (buf[i] === LF || buf[i] === CR) {
      i++;
      continue;
    }
    if (row === cap) {
      cap = Math.ceil(cap * 1.6) + 16;
      for (const st of cols) {
        if (st.f64) {
          const b = new Float64Array(cap);
          b.set(st.f64);
          st.f64 = b;
        } else if (st.i32) {
          const b = new Int32Array(cap);
          b.set(st.i32);
          st.i32 = b;
        } else if (st.u8) {
          const b = new Uint8Array(cap);
          b.set(st.u8);
          st.u8 = b;
        }
      }
    }
    let j = 0;
    for (;;) {
      // ---- one field ----
      let s = i;
      let e: number;
      let src: Buffer = buf;
      if (i < to && buf[i] === QUOTE) {
        i++;
        s = i;
        let escaped = false;
        for (;;) {
          if (i >= to) {
            throw new CsvError(`readCsv: unterminated quoted field in ${file} at line ${lineOf(rowStart)} (column '${spec.names[Math.min(j, ncols - 1)] ?? j}')`, file, lineOf(rowStart));
          }
          if (buf[i] === QUOTE) {
            if (buf[i + 1] === QUOTE && i + 1 < to) {
              escaped = true;
              i += 2;
              continue;
            }
            break;
          }
          i++;
        }
        e = i;
        i++; // closing quote
        if (escaped) {
          // Collapse doubled quotes into scratch.
          if (scratch.length < e - s) scratch = Buffer.allocUnsafe(2 * (e - s));
          let w = 0;
          for (let r = s; r < e; r++) {
            scratch[w++] = buf[r];
            if (buf[r] === QUOTE) r++;
          }
          src = scratch;
          s = 0;
          e = w;
        }
        const after = i < to ? buf[i] : LF;
        if (after !== sep && after !== LF && after !== CR) {
          throw new CsvError(
            `readCsv: bad quoting in ${file} at line ${lineOf(rowStart)}: column '${spec.names[Math.min(j, ncols - 1)] ?? j}' has text after its closing quote`,
            file,
            lineOf(rowStart),
          );
        }
      } else {
        // Plain integers (the common numeric field) are parsed while scanning: one pass.
        const kind = j < ncols ? kinds[j] : K_SKIP;
        if (kind === K_STRING && !cols[j].dict!.sorted) {
          // Strings in hash mode: hash while scanning (the same FNV-1a as ByteDict.code).
          let h = 0x811c9dc5 | 0;
          while (i < to) {
            const b = buf[i];
            if (stop[b] === 1) break;
            h = Math.imul(h ^ b, 16777619);
            i++;
          }
          fieldHash = h ^ (h >>> 15);
          haveHash = true;
        }
        if (kind === K_INT || kind === K_FLOAT) {
          let p = i;
          const neg = buf[p] === 45;
          if (neg) p++;
          let v = 0;
          const first = p;
          while (p < to) {
            const c = buf[p] - 48;
            if (c < 0 || c > 9) break;
            v = v * 10 + c;
            p++;
          }
          const nd = p - first;
          if (nd > 0 && nd <= 15 && (p >= to || stop[buf[p]] === 1)) {
            cols[j].f64![row] = neg ? -v : v;
            i = p;
            j++;
            if (i >= to) break;
            const d = buf[i];
            if (d === sep) {
              i++;
              continue;
            }
            if (d === CR) {
              i++;
              if (i < to && buf[i] === LF) i++;
              break;
            }
            i++; // LF
            break;
          }
        }
        while (i < to && stop[buf[i]] === 0) i++;
        e = i;
      }
      // ---- store ----
      curSrc = src;
      if (j < ncols) {
        const st = cols[j];
        switch (st.kind) {
          case K_SKIP:
            break;
          case K_FLOAT: {
            const v = parseNumber(src, s, e);
            if (notNumber) {
              st.f64![row] = NaN;
              if (!na.has(src, s, e)) mismatch(j, 'float64', s, e, rowStart, 'text');
            } else st.f64![row] = v;
            break;
          }
          case K_INT:
          case K_INT32: {
            const v = parseNumber(src, s, e);
            if (notNumber || hadFraction) {
              if (notNumber && na.has(src, s, e)) mismatch(j, st.kind === K_INT ? 'int64' : 'int32', s, e, rowStart, 'missing');
              else if (!notNumber && Number.isInteger(v)) {
                // 1.0 or 1e3 still integral
              } else mismatch(j, st.kind === K_INT ? 'int64' : 'int32', s, e, rowStart, notNumber ? 'text' : 'fraction');
            } else if (st.kind === K_INT ? !(Math.abs(v) <= Number.MAX_SAFE_INTEGER) : v !== (v | 0)) {
              // int64 lives in doubles: beyond 2^53 a value would silently change.
              mismatch(j, st.kind === K_INT ? 'int64' : 'int32', s, e, rowStart, 'range');
            }
            if (st.kind === K_INT) st.f64![row] = notNumber ? NaN : v;
            else st.i32![row] = notNumber ? 0 : v;
            break;
          }
          case K_STRING:
            st.i32![row] = na.has(src, s, e) ? -1 : haveHash ? st.dict!.lookup(src, s, e, fieldHash) : st.dict!.code(src, s, e);
            haveHash = false;
            break;
          case K_BOOL: {
            const b = isBoolText(src, s, e);
            if (b < 0) {
              st.u8![row] = 2;
              if (!na.has(src, s, e)) mismatch(j, 'bool', s, e, rowStart, 'text');
            } else st.u8![row] = b;
            break;
          }
          case K_DATE: {
            if (na.has(src, s, e)) st.f64![row] = NaN;
            else {
              let t = parseIsoBytes(src, s, e);
              if (t !== t) t = parseDate(text(s, e));
              if (t !== t) mismatch(j, 'datetime', s, e, rowStart, 'text');
              st.f64![row] = t;
            }
            break;
          }
        }
      }
      j++;
      // ---- delimiter ----
      if (i >= to && !(i === to && j < ncols && buf[i - 1] === sep)) break;
      const d = i < to ? buf[i] : LF;
      if (d === sep) {
        i++;
        continue;
      }
      if (d === CR) {
        i++;
        if (i < to && buf[i] === LF) i++;
        break;
      }
      i++; // LF
      break;
    }
    if (j !== ncols) {
      const line = lineOf(rowStart);
      throw new CsvError(
        `readCsv: ${file} line ${line} has ${j} fields, expected ${ncols} (${spec.names.join(', ')}). ` +
          'Ragged rows are errors, never silently shifted: fix the file, check `sep`, or check for an unbalanced quote.',
        file,
        line,
      );
    }
    row++;
  }
  // Text after separators in int columns (e.g. ints given to an int column holding 1.0) was validated above.
  const names: string[] = [];
  const columns: Column[] = [];
  for (let j = 0; j < ncols; j++) {
    const st = cols[j];
    if (st.kind === K_SKIP) continue;
    names.push(spec.names[j]);
    columns.push(finishColumn(st, row));
  }
  return { frame: new Frame(names, columns, row), mismatches };
}

function finishColumn(st: ColState, n: number): Column {
  switch (st.kind) {
    case K_FLOAT:
      return { dtype: 'float64', data: st.f64!.slice(0, n) };
    case K_INT:
      return { dtype: 'int64', data: st.f64!.slice(0, n) };
    case K_DATE:
      return { dtype: 'datetime', data: st.f64!.slice(0, n) };
    case K_INT32:
      return { dtype: 'int32', data: st.i32!.slice(0, n) };
    case K_BOOL:
      return { dtype: 'bool', data: st.u8!.slice(0, n) };
    default:
      return lazyStringColumn(st.i32!.slice(0, n), st.dict!.finish());
  }
}

/** Split one line (no newline inside quotes expected) into fields; used for headers. */
export function splitHeader(line: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (q) {
      if (ch === '"') {
        if (line[i + 1] === '"') {
          cur += '"';
          i++;
        } else q = false;
      } else cur += ch;
    } else if (ch === '"') q = true;
    else if (ch === sep) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}
