/**
 * The byte-level CSV row parser: bytes straight into typed columns, a chunk of whole lines at a
 * time (RowParser.feed). Numbers are parsed from bytes (no string per cell); text goes into a
 * TextColumn (a byte dictionary, or one raw entry per value for mostly-distinct columns), so a
 * JS string is only made when something reads it. Quoted fields may hold separators, newlines
 * and doubled quotes.
 *
 * Two loops share the work: a row loop generated for the column layout (fast-rows.ts) takes
 * the common rows, and the general loop here takes the rest and owns every check and error.
 * The general loop is a state machine, one row at a time:
 *
 *   row start    the generated loop may take this and the following rows; of what it
 *                leaves, a blank line (CR or LF) is skipped, anything else starts a row.
 *   field start  '"' -> quoted field, anything else -> unquoted field.
 *   quoted       fields.ts `quoted`: separators and newlines are literal, "" is one quote,
 *                a lone quote closes the field; then only a separator or line end may follow
 *                (else: bad quoting). A chunk that ends inside suspends the row (below).
 *   unquoted     fields.ts, by the column's kind: plain integers parsed and RAW/HASH text
 *                stored while scanning, anything else scanned to the next separator/CR/LF.
 *   store        values.ts: the bytes into the column's value; one that does not fit the
 *                dtype is noted (parse-errors.ts Mismatch) and reported per block.
 *   delimiter    separator -> field start; CR, CRLF, LF or the end of the chunk -> end of row.
 *   end of row   exactly one field per column, else a ragged-row error; then row start.
 *
 * A quoted field that runs past the end of a chunk (a newline inside quotes) suspends its row:
 * feed returns the row's start and the caller feeds it again with more bytes; in the last chunk
 * it is an unterminated-quote error.
 *
 * The states are the marked sections of one loop in `feed`, each a call to a small function:
 * the loop's locals stay in registers across fields and rows (a method call per row or per
 * quoted field measured 10-25% more instructions on text and quoted fields).
 */
import { asObjectColumn, type Column, Frame } from '../../frame.js';
import { parseIsoBytes } from '../../parse/datetime.js';
import * as columns from './columns.js';
import { type ColState, finishColumn, growColumns, kindCode, newColumns } from './columns.js';
import { type FastRows, fastRowsFor } from './fast-rows.js';
import * as fields from './fields.js';
import { QuotedValue } from './fields.js';
import { NaSet } from './na-set.js';
import { type BlockSpec, readTuning } from './options.js';
import { type Mismatch, mismatchRecord, raggedRow, textAfterQuote, unterminatedQuote } from './parse-errors.js';
import * as textColumn from './text-column.js';
import * as values from './values.js';
import { isBoolText, parseNumber } from './values.js';

export { parseNumber, textOf } from './values.js';
export { splitHeader } from './header.js';
export type { Mismatch } from './parse-errors.js';

// Module-level copies of what the row loop uses per field: compilers that turn imports into
// getters (esbuild/tsx) would otherwise call a getter for each (see fnv.ts).
const { K_SKIP, K_FLOAT, K_INT, K_INT32, K_BOOL, K_STRING, K_DATE } = columns;
const { hashedText, plainInteger, quoted, rawText, unquoted } = fields;
const { HASH, RAW } = textColumn;
const { OK, storeBool, storeDate, storeFloat, storeInt32, storeInt64, storeText } = values;

const QUOTE = 34;
const LF = 10;
const CR = 13;

export interface ParseResult {
  frame: Frame;
  mismatches: Mismatch[];
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
  private readonly sep: number;
  private readonly latin1: boolean;
  private readonly na: NaSet;
  private readonly cols: ColState[];
  /** Bytes that end an unquoted field: one table load per byte instead of three compares. */
  private readonly stop = new Uint8Array(256);
  /** The value of the last quoted field (and the scratch buffer its doubled quotes collapse into). */
  private readonly quotedValue = new QuotedValue();
  private readonly mismatches: Mismatch[] = [];
  private row = 0;
  /** Stream offset of the row being parsed (named by mismatches). */
  private rowOffset = 0;
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
    this.ncols = spec.kinds.length;
    this.kinds = Int32Array.from(spec.kinds, kindCode);
    this.sep = spec.sep;
    this.latin1 = spec.latin1;
    this.na = new NaSet(spec.na);
    this.cap = Math.max(16, rowsHint);
    this.cols = newColumns(this.kinds, spec.latin1, this.cap);
    this.stop[spec.sep] = this.stop[LF] = this.stop[CR] = 1;
    this.fast = readTuning.fastRows ? fastRowsFor(spec.kinds, spec.sep, this.na, { parseNumber, parseIsoBytes, isBoolText }) : null;
  }

  /**
   * Parse the rows of buf[from, to); `base` is the stream offset of buf[0]. With `last` false,
   * `to` must follow a newline, and a row whose quoted field runs past `to` is left for the
   * next feed: the return value is where the unparsed rest starts (`to` when all was parsed).
   */
  feed(buf: Buffer, from: number, to: number, base: number, last: boolean): number {
    const { ncols, kinds, cols, stop, sep, na, fast } = this;
    // Numeric NA spellings are checked after parsing (store): no shortcut for plain integers then.
    const plainInts = !na.hasNums;
    // The fast loop takes rows that end in a line feed before `to`.
    const fastEnd = fast === null || to <= from ? 0 : buf.lastIndexOf(LF, to - 1) + 1;
    let row = this.row;
    let i = from;
    while (i < to) {
      // ---- row start ----
      if (fast !== null && i < fastEnd && this.fastSkip === 0) {
        i = this.fastRows(fast, buf, i, fastEnd, row);
        row = this.fastOut.row;
        if (i >= to) break;
      }
      if (this.fastSkip > 0) this.fastSkip--;
      const rowStart = i;
      if (buf[i] === LF || buf[i] === CR) {
        i++; // a blank line
        continue;
      }
      if (row === this.cap) this.grow();
      this.rowOffset = base + rowStart;
      let j = 0;
      for (;;) {
        // ---- field start ----
        let kind = j < ncols ? kinds[j] : K_SKIP;
        let src = buf;
        let s = i;
        let e: number;
        if (i < to && buf[i] === QUOTE) {
          // ---- quoted field ----
          const q = this.quotedValue;
          i = quoted(buf, i + 1, to, q);
          if (i < 0) {
            // The row continues in the next chunk: it is parsed again from its start with more
            // bytes. Its earlier fields are stored again; string entries they added are found
            // again (or, in RAW mode, merged when the column deduplicates).
            if (!last) {
              this.row = row;
              return rowStart;
            }
            throw unterminatedQuote(this.file, this.lineOf(base + rowStart), this.spec.names, j);
          }
          // Only a separator or a line end may follow the closing quote.
          if (i < to && stop[buf[i]] === 0) throw textAfterQuote(this.file, this.lineOf(base + rowStart), this.spec.names, j);
          src = q.src;
          s = q.s;
          e = q.e;
        } else {
          // ---- unquoted field: plain integers and RAW/HASH text are stored while scanning ----
          if ((kind === K_INT || kind === K_FLOAT) && plainInts) {
            const p = plainInteger(buf, i, to, stop, cols[j].f64!, row);
            if (p >= 0) {
              i = p;
              kind = K_SKIP; // stored
            }
          } else if (kind === K_STRING) {
            const st = cols[j];
            const t = st.text!;
            if (t.mode === RAW) {
              i = rawText(buf, i, to, stop, t, st.i32!, row, na);
              kind = K_SKIP;
            } else if (t.mode === HASH) {
              i = hashedText(buf, i, to, stop, t, st.i32!, row, na);
              kind = K_SKIP;
            }
          }
          i = e = unquoted(buf, i, to, stop);
        }
        // ---- store ----
        if (kind !== K_SKIP) this.store(j, kind, row, src, s, e);
        j++;
        // ---- delimiter ----
        if (i >= to) break;
        const d = buf[i++];
        if (d === sep) continue;
        if (d === CR && i < to && buf[i] === LF) i++;
        break;
      }
      // ---- end of row ----
      if (j !== ncols) throw raggedRow(this.file, this.lineOf(base + rowStart), j, this.spec.names);
      row++;
    }
    this.row = row;
    return to;
  }

  /** Rows for the generated loop. When it takes none (the row needs the general loop), wait longer before each retry. */
  private fastRows(fast: FastRows, buf: Buffer, i: number, end: number, row: number): number {
    const out = this.fastOut;
    out.row = row;
    const next = fast(buf, i, end, row, this.cap, this.cols, this.na, out);
    if (out.row === row) {
      this.fastSkip = this.fastBackoff;
      this.fastBackoff = Math.min(1024, this.fastBackoff * 2);
    } else this.fastBackoff = 1;
    return next;
  }

  private grow(): void {
    this.cap = Math.ceil(this.cap * 1.6) + 16;
    growColumns(this.cols, this.cap);
  }

  /** Store the value src[s, e) of column j (not a skipped one) in row `row`. */
  private store(j: number, kind: number, row: number, src: Buffer, s: number, e: number): void {
    const st = this.cols[j];
    const na = this.na;
    let why = OK;
    switch (kind) {
      case K_FLOAT:
        why = storeFloat(st.f64!, row, src, s, e, na);
        break;
      case K_INT:
        why = storeInt64(st.f64!, row, src, s, e, na);
        break;
      case K_INT32:
        why = storeInt32(st.i32!, row, src, s, e, na);
        break;
      case K_BOOL:
        why = storeBool(st.u8!, row, src, s, e, na);
        break;
      case K_DATE:
        why = storeDate(st.f64!, row, src, s, e, na, this.latin1);
        break;
      case K_STRING:
        storeText(st.text!, st.i32!, row, src, s, e, na);
        break;
    }
    if (why !== OK && !st.bad) this.mismatch(j, kind, src, s, e, why);
  }

  /** Note the first value of column j that does not fit its dtype (reported per block, block.ts). */
  private mismatch(j: number, kind: number, src: Buffer, s: number, e: number, why: number): void {
    this.cols[j].bad = true;
    this.mismatches.push(mismatchRecord(this.spec.names[j], kind, src, s, e, this.latin1, this.rowOffset, why));
  }

  /** The parsed rows as a frame, and the values that did not fit their dtype. */
  finish(): ParseResult {
    const names: string[] = [];
    const cols: Column[] = [];
    for (let j = 0; j < this.ncols; j++) {
      const st = this.cols[j];
      if (st.kind === K_SKIP) continue;
      const name = this.spec.names[j];
      names.push(name);
      const col = finishColumn(st, this.row);
      cols.push(this.spec.objects?.includes(name) === true ? asObjectColumn(col) : col);
    }
    return { frame: new Frame(names, cols, this.row), mismatches: this.mismatches };
  }
}
