/**
 * The byte-level CSV parser: bytes straight into typed columns, a chunk of whole lines at a
 * time (RowParser.feed). Numbers are parsed from bytes (no string per cell); text goes into a
 * TextColumn (a byte dictionary, or one raw entry per value for mostly-distinct columns), so a
 * JS string is only made when something reads it. Quoted fields may hold separators, newlines
 * and doubled quotes.
 *
 * Two loops share the work: a row loop generated for the column layout (fast-rows.ts) takes
 * the common rows, and the general loop here takes the rest and owns every check and error.
 * Values that do not fit a column's dtype are collected (first one per column) and reported
 * together at the end of the block, with file, line, value and the `dtype` fix.
 */
import { type Column, type DType, Frame } from '../../frame.js';
import { parseDate, parseIsoBytes } from '../../parse/datetime.js';
import { CsvError } from './errors.js';
import { type BlockSpec, type ReadKind, readTuning } from './options.js';
import { finalHash as mix, FNV_PRIME as FNV_P, FNV_SEED as FNV_S } from './fnv.js';
import { HASH as MODE_HASH, RAW as MODE_RAW, TextColumn, trim } from './text-column.js';
import { type FastRows, fastRowsFor } from './fast-rows.js';

// Module-level copies of what the row loop uses per field or byte (see fnv.ts).
const FNV_SEED = FNV_S;
const FNV_PRIME = FNV_P;
const finalHash = mix;
const HASH = MODE_HASH;
const RAW = MODE_RAW;

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

/** Byte-keyed set of NA spellings (short strings): exact match on bytes. */
class NaSet {
  /** First bytes of the spellings: most values are rejected by one table load. */
  readonly first = new Uint8Array(256);
  readonly hasEmpty: boolean;
  /** The spellings of each length n stored back to back: bytes[at[n], at[n] + count[n] * n). */
  private readonly bytes: Uint8Array;
  private readonly at: Int32Array;
  private readonly count: Int32Array;
  private readonly maxLen: number;
  constructor(values: readonly string[]) {
    this.hasEmpty = values.includes('');
    const spellings = [...new Set(values)].map((v) => Buffer.from(v, 'utf8')).filter((b) => b.length > 0);
    spellings.sort((x, y) => x.length - y.length);
    this.maxLen = spellings.reduce((m, b) => Math.max(m, b.length), 0);
    this.at = new Int32Array(this.maxLen + 1);
    this.count = new Int32Array(this.maxLen + 1);
    this.bytes = new Uint8Array(spellings.reduce((n, b) => n + b.length, 0));
    let at = 0;
    for (const b of spellings) {
      if (this.count[b.length]++ === 0) this.at[b.length] = at;
      this.bytes.set(b, at);
      at += b.length;
      this.first[b[0]] = 1;
    }
  }
  has(buf: Uint8Array, s: number, e: number): boolean {
    const n = e - s;
    if (n === 0) return this.hasEmpty;
    if (this.first[buf[s]] === 0 || n > this.maxLen) return false;
    const bytes = this.bytes;
    let at = this.at[n];
    const end = at + this.count[n] * n;
    for (; at < end; at += n) {
      let j = 0;
      while (j < n && bytes[at + j] === buf[s + j]) j++;
      if (j === n) return true;
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
  text?: TextColumn;
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
 * Rows in `total` bytes that start like buf[from, to) (and, when given, end like `tail`),
 * estimated from the line lengths of 64KB samples, a little over so column arrays are allocated
 * once. Sorted ids make lines grow through a file, so a block's two ends average out.
 */
export function estimateRows(buf: Uint8Array, from: number, to: number, total: number, ncols: number, tail?: Uint8Array): number {
  const probe = Math.min(to - from, 1 << 16);
  let lines = 0;
  for (let i = buf.indexOf(LF, from); i >= 0 && i < from + probe; i = buf.indexOf(LF, i + 1)) lines++;
  if (probe >= total) return lines + 16;
  let bytes = probe;
  if (tail !== undefined && tail.length > 0) {
    for (let i = tail.indexOf(LF); i >= 0; i = tail.indexOf(LF, i + 1)) lines++;
    bytes += tail.length;
  }
  if (lines === 0) return Math.max(16, Math.ceil(total / Math.max(8, ncols * 4)));
  return Math.ceil((total / bytes) * lines * 1.03) + 16;
}

/**
 * Parse rows of `buf[from, to)` (whole lines) with the block spec. `file` and `lineOf`
 * name places in errors (lineOf gets offsets in buf).
 */
export function parseRows(buf: Buffer, from: number, to: number, spec: BlockSpec, file: string, lineOf: (offset: number) => number): ParseResult {
  const p = new RowParser(spec, file, lineOf, estimateRows(buf, from, to, to - from, spec.kinds.length));
  p.feed(buf, from, to, 0, true);
  return p.finish();
}

/**
 * The parser of one block, fed its bytes in chunks of whole lines (a file block is read through
 * a small reused buffer rather than allocated whole). Column arrays and dictionaries persist
 * between feeds.
 */
export class RowParser {
  private readonly ncols: number;
  private readonly kinds: Int32Array;
  private readonly na: NaSet;
  private readonly cols: ColState[] = [];
  /** Bytes that end an unquoted field: one table load per byte instead of three compares. */
  private readonly stop = new Uint8Array(256);
  private readonly mismatches: Mismatch[] = [];
  private scratch = Buffer.allocUnsafe(256);
  private row = 0;
  private cap: number;
  /** The generated loop for this layout (fast-rows.ts), and its out-parameter. */
  private readonly fast: FastRows | null;
  private readonly fastOut = { row: 0 };
  /** Rows the general loop parses before trying the fast loop again (grows while it keeps giving up). */
  private fastBackoff = 1;
  private fastSkip = 0;

  constructor(
    private readonly spec: BlockSpec,
    private readonly file: string,
    /** 1-based line of a stream offset (offsets count from the start of the file/stream). */
    private readonly lineOf: (offset: number) => number,
    rowsHint: number,
  ) {
    const ncols = (this.ncols = spec.kinds.length);
    const kinds = (this.kinds = Int32Array.from(spec.kinds, kindCode));
    this.na = new NaSet(spec.na);
    const cap = (this.cap = Math.max(16, rowsHint));
    for (let j = 0; j < ncols; j++) {
      const k = kinds[j];
      // Every state object gets the same fields in the same order: one hidden class, so the
      // per-cell property loads in the row loop stay monomorphic.
      this.cols.push({
        kind: k,
        f64: k === K_FLOAT || k === K_INT || k === K_DATE ? new Float64Array(cap) : undefined,
        i32: k === K_INT32 || k === K_STRING ? new Int32Array(cap) : undefined,
        u8: k === K_BOOL ? new Uint8Array(cap) : undefined,
        text: k === K_STRING ? new TextColumn(spec.latin1, cap) : undefined,
        bad: false,
      });
    }
    this.stop[spec.sep] = this.stop[LF] = this.stop[CR] = 1;
    this.fast = readTuning.fastRows ? fastRowsFor(spec.kinds, spec.sep, { parseNumber, parseIsoBytes, isBoolText }) : null;
  }

  /**
   * Parse the rows of buf[from, to); `base` is the stream offset of buf[0]. With `last` false,
   * `to` must follow a newline, and a row whose quoted field runs past `to` is left for the
   * next feed: the return value is where the unparsed rest starts (`to` when all was parsed).
   */
  feed(buf: Buffer, from: number, to: number, base: number, last: boolean): number {
    const { ncols, kinds, na, cols, stop, spec, file, mismatches } = this;
    const sep = spec.sep;
    const latin1 = spec.latin1;
    const lineOf = (o: number) => this.lineOf(base + o);
    let cap = this.cap;
    let curSrc: Buffer = buf;
    const text = (s: number, e: number) => textOf(curSrc, s, e, latin1);
    const mismatch = (j: number, dtype: DType, s: number, e: number, rowStart: number, why: Mismatch['why']) => {
      const st = cols[j];
      if (st.bad) return;
      st.bad = true;
      mismatches.push({ column: spec.names[j], dtype, value: text(s, e), offset: base + rowStart, why });
    };

    let row = this.row;
    let i = from;
    const fast = this.fast;
    // The fast loop takes rows that end in a line feed before `to`.
    const fastEnd = fast === null || to <= from ? 0 : buf.lastIndexOf(LF, to - 1) + 1;
    while (i < to) {
      if (i < fastEnd && this.fastSkip === 0) {
        this.fastOut.row = row;
        i = fast!(buf, i, fastEnd, row, cap, cols, na, this.fastOut);
        if (this.fastOut.row === row) {
          // It gave up on the first row (quotes, missing ints, ...): let the general loop run a while.
          this.fastSkip = this.fastBackoff;
          this.fastBackoff = Math.min(1024, this.fastBackoff * 2);
        } else {
          row = this.fastOut.row;
          this.fastBackoff = 1;
        }
        if (i >= to) break;
      }
      if (this.fastSkip > 0) this.fastSkip--;
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
        /** Set when a fast path below already stored the field. */
        let stored = false;
        let fieldHash = 0;
        let haveHash = false;
        if (i < to && buf[i] === QUOTE) {
          i++;
          s = i;
          let escaped = false;
          for (;;) {
            if (i >= to) {
              if (!last) {
                // The row continues in the next chunk: stop, and parse it again from its start with
                // more bytes. Its earlier fields are stored again; string entries they added are
                // found again (or, in RAW mode, merged when the column deduplicates).
                this.row = row;
                this.cap = cap;
                return rowStart;
              }
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
            if (this.scratch.length < e - s) this.scratch = Buffer.allocUnsafe(2 * (e - s));
            const scratch = this.scratch;
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
          const kind = j < ncols ? kinds[j] : K_SKIP;
          if (kind === K_INT || kind === K_FLOAT) {
            // Plain integers (the common numeric field) are parsed while scanning: one pass.
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
          } else if (kind === K_STRING) {
            const st = cols[j];
            const t = st.text!;
            if (t.mode === RAW) {
              // Copy the bytes into the column's arena while looking for the field's end.
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
                t.reserve(4096 + (w - w0), row, w);
                arena = t.arena;
              }
              st.i32![row] = na.has(buf, s, i) ? -1 : t.commit(w, row);
              t.bits |= bits;
              stored = true;
            } else if (t.mode === HASH) {
              // Hash while scanning (the same FNV-1a as TextColumn.code).
              let h = FNV_SEED;
              while (i < to) {
                const b = buf[i];
                if (stop[b] === 1) break;
                h = Math.imul(h ^ b, FNV_PRIME);
                i++;
              }
              fieldHash = finalHash(h);
              haveHash = true;
            }
          }
          while (i < to && stop[buf[i]] === 0) i++;
          e = i;
        }
        // ---- store ----
        if (!stored && j < ncols) {
          curSrc = src;
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
            case K_STRING: {
              const t = st.text!;
              if (na.has(src, s, e)) st.i32![row] = -1;
              else if (t.mode === RAW) {
                // A quoted field (not copied while scanning).
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
                st.i32![row] = t.commit(w, row);
              } else st.i32![row] = haveHash ? t.lookup(src, s, e, fieldHash, row) : t.code(src, s, e, row);
              break;
            }
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
    this.row = row;
    this.cap = cap;
    return to;
  }

  /** The parsed rows as a frame, and the values that did not fit their dtype. */
  finish(): ParseResult {
    const names: string[] = [];
    const columns: Column[] = [];
    for (let j = 0; j < this.ncols; j++) {
      const st = this.cols[j];
      if (st.kind === K_SKIP) continue;
      names.push(this.spec.names[j]);
      columns.push(finishColumn(st, this.row));
    }
    return { frame: new Frame(names, columns, this.row), mismatches: this.mismatches };
  }
}

function finishColumn(st: ColState, n: number): Column {
  switch (st.kind) {
    case K_FLOAT:
      return { dtype: 'float64', data: trim(st.f64!, n) };
    case K_INT:
      return { dtype: 'int64', data: trim(st.f64!, n) };
    case K_DATE:
      return { dtype: 'datetime', data: trim(st.f64!, n) };
    case K_INT32:
      return { dtype: 'int32', data: trim(st.i32!, n) };
    case K_BOOL:
      return { dtype: 'bool', data: trim(st.u8!, n) };
    default:
      return st.text!.finish(trim(st.i32!, n));
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
