/**
 * Read one block: the lines whose first byte lies in [start, end) of a file (gzip files are
 * one block). Runs on whichever thread/process/worker the scheduler picks; arguments are
 * plain data.
 */
import { gunzipSync } from 'node:zlib';
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { workerMemoryLimit } from '../../../core/memory-limit.js';
import { gzipDecompressedSize } from '../../../io/gzip-size.js';
import { type Column, Frame } from '../../frame.js';
import { parseDate } from '../../parse/datetime.js';
import { CsvError, lineAt } from './errors.js';
import { countLines } from './files.js';
import { type BlockSpec, readTuning } from './options.js';
import { mismatchError } from './parse-errors.js';
import { estimateRows, RowParser, textOf } from './parser.js';

const LF = 10;

/** Whole decompressed bytes of a gzip file (or the raw file). */
export function readWhole(path: string, gzip: boolean): Buffer {
  const raw = readFileSync(path);
  if (!gzip) return raw;
  try {
    return gunzipSync(raw);
  } catch (e) {
    throw new CsvError(`readCsv: cannot gunzip ${path}: ${(e as Error).message} (pass compression: 'none' if it is not gzip)`, path);
  }
}

/** A chunk buffer kept for the next block on this thread (fresh memory costs page faults). */
let spare: Buffer | undefined;

/**
 * A window onto a file: buf[0, n) holds file bytes [base, base + n). Reads go through one
 * reused buffer, so a 64MB block never needs 64MB of fresh memory.
 */
class Window {
  buf: Buffer;
  base: number;
  n = 0;
  constructor(
    private readonly fd: number,
    at: number,
    /** Read no further than this (the file size when the graph was built). */
    private readonly limit: number,
  ) {
    this.buf = spare !== undefined && spare.length === readTuning.chunk ? spare : Buffer.allocUnsafe(readTuning.chunk);
    spare = undefined;
    this.base = at;
  }

  /** Set when a read returned nothing (the file ended before `limit`). */
  private ended = false;

  get eof(): boolean {
    return this.ended || this.base + this.n >= this.limit;
  }

  /** Drop the bytes before buf[k], then read as much as fits (growing when full); false at EOF. */
  advance(k: number): boolean {
    if (k > 0) {
      this.buf.copy(this.buf, 0, k, this.n);
      this.base += k;
      this.n -= k;
    }
    if (this.n === this.buf.length) {
      const bigger = Buffer.allocUnsafe(this.buf.length * 2);
      this.buf.copy(bigger, 0, 0, this.n);
      this.buf = bigger;
    }
    let got = 0;
    while (this.n < this.buf.length && !this.eof) {
      const want = Math.min(this.buf.length - this.n, this.limit - this.base - this.n);
      const r = readSync(this.fd, this.buf, this.n, want, this.base + this.n);
      if (r === 0) {
        this.ended = true;
        break;
      }
      this.n += r;
      got += r;
    }
    return got > 0;
  }

  /** Index of the first line feed in buf[from, n), or -1. */
  nextLF(from: number): number {
    return from >= this.n ? -1 : this.buf.subarray(0, this.n).indexOf(LF, from);
  }

  /** Index just past the last line feed in buf[0, n), or 0. */
  afterLastLF(): number {
    return this.n === 0 ? 0 : this.buf.lastIndexOf(LF, this.n - 1) + 1;
  }

  release(): void {
    if (this.buf.length === readTuning.chunk) spare = this.buf;
  }
}

/** The rows of one block as a partition (with joined date columns). */
export function readBlock(path: string, start: number, end: number, size: number, spec: BlockSpec): Frame {
  if (spec.gzip) checkFits(path, 0, gzipDecompressedSize(path), true);
  else checkFits(path, start, Math.min(end, size));
  const frame = spec.gzip ? readGzipBlock(path, spec) : readPlainBlock(path, start, end, size, spec);
  return spec.joins.length > 0 ? joinDates(frame, spec) : frame;
}

const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;

/** A block larger than the worker's whole memory limit cannot be held: say so before reading it, with the fix. */
function checkFits(path: string, start: number, end: number, gzip = false): void {
  const limit = workerMemoryLimit();
  if (limit === 0 || end - start <= limit) return;
  const what = gzip
    ? `the partition of ${path} (a gzip file is one block: ${mib(end - start)} of CSV once decompressed, from its gzip trailer)`
    : `the partition of ${path} at bytes ${start}-${end} (${mib(end - start)} of CSV)`;
  const fix = gzip
    ? `A gzip file is never split: decompress it so that a smaller \`blocksize\` (e.g. '64MB') splits it into more partitions (\`npartitions\`), ` +
      `or split it into smaller .gz files, or give workers a larger \`memoryLimit\`.`
    : `Pass a smaller \`blocksize\` to readCsv (e.g. '64MB'), split the data into more partitions (\`npartitions\` / repartition), or give workers a larger \`memoryLimit\`.`;
  throw new CsvError(
    `readCsv: ${what} is larger than this worker's memory limit (${mib(limit)}); one partition must fit in one worker's memory with room to parse it. ${fix}`,
    path,
  );
}

function readGzipBlock(path: string, spec: BlockSpec): Frame {
  const buf = readWhole(path, true);
  const lineOf = (offset: number) => lineAt(buf, offset);
  let from = 0;
  if (spec.header) from = checkHeader(path, buf, 0, buf.length, spec);
  else if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) from = 3;
  const parser = new RowParser(spec, path, lineOf, estimateRows(buf, from, buf.length, buf.length - from, spec.names.length));
  parser.feed(buf, from, buf.length, 0, true);
  return finished(path, parser, lineOf, spec);
}

/** Check the header line at buf[from, to) against the first file's; returns where the rows start. */
function checkHeader(path: string, buf: Buffer, from: number, to: number, spec: BlockSpec): number {
  if (to <= from) return from; // an empty file (Spark's empty part files): no header, no rows
  let nl = buf.indexOf(LF, from);
  if (nl < 0 || nl >= to) nl = to;
  const text = textOf(buf, from, nl, spec.latin1)
    .replace(/^\uFEFF/, '')
    .replace(/\r$/, '');
  if (spec.headerLine !== null && text !== spec.headerLine) {
    throw new CsvError(
      `readCsv: ${path} has header '${text.slice(0, 200)}', but the first file has '${spec.headerLine.slice(0, 200)}'; every file must have the same columns`,
      path,
      1,
    );
  }
  return Math.min(to, nl + 1);
}

/**
 * The lines whose first byte lies in [start, end): from the first line start at or after
 * `start` through the end of the line holding byte end-1, read and parsed a chunk at a time.
 */
function readPlainBlock(path: string, start: number, end: number, size: number, spec: BlockSpec): Frame {
  const lineOf = (offset: number): number => countLines(path, offset) + 1;
  const parser = (rows: number) => new RowParser(spec, path, lineOf, rows);
  const fd = openSync(path, 'r');
  const w = new Window(fd, start > 0 ? start - 1 : 0, size);
  try {
    w.advance(0);
    // ---- the first line start: after the first newline at or after start-1 ----
    let from = 0;
    if (start > 0) {
      for (;;) {
        const nl = w.nextLF(0);
        if (nl >= 0) {
          if (w.base + nl + 1 >= end) return parser(0).finish().frame; // no line starts in this block
          from = nl + 1;
          break;
        }
        if (w.base + w.n >= end || !w.advance(w.n)) return parser(0).finish().frame;
      }
    } else {
      if (spec.header) {
        // The header line may be longer than a chunk.
        while (w.nextLF(0) < 0 && w.advance(0));
        from = checkHeader(path, w.buf, 0, w.n, spec);
      } else if (w.buf[0] === 0xef && w.buf[1] === 0xbb && w.buf[2] === 0xbf) from = 3;
    }
    // The block's last 64KB too, for the row estimate (when the first chunk does not reach it).
    const tailAt = Math.max(w.base + w.n, end - (1 << 16));
    const tail = Buffer.allocUnsafe(Math.max(0, end - tailAt));
    if (tail.length > 0) readSync(fd, tail, 0, tail.length, tailAt);
    const p = parser(estimateRows(w.buf, from, w.n, end - w.base - from, spec.names.length, tail));
    const split = start > 0 || end < size;
    /** Stream offset just past the block's last line, once a chunk reaches byte end-1. */
    let stopAt = -1;
    for (;;) {
      if (stopAt < 0 && (w.base + w.n >= end || w.eof)) {
        const nl = w.nextLF(Math.max(0, end - 1 - w.base));
        if (nl >= 0) stopAt = w.base + nl + 1;
        else if (w.eof) stopAt = w.base + w.n;
      }
      const last = stopAt >= 0;
      const to = last ? stopAt - w.base : w.afterLastLF();
      if (to > from) {
        let at: number;
        try {
          at = p.feed(w.buf, from, to, w.base, last);
        } catch (e) {
          throw withSplitHint(e, split, start);
        }
        if (last) break;
        from = at;
      } else if (last) break;
      // Keep the unparsed rest (a partial line or a row still inside quotes) and read on.
      w.advance(from);
      from = 0;
    }
    return finished(path, p, lineOf, spec);
  } finally {
    w.release();
    closeSync(fd);
  }
}

/** A newline inside a quoted field can fall on a block boundary: say so, and how to avoid it. */
function withSplitHint(e: unknown, split: boolean, start: number): unknown {
  if (e instanceof CsvError && split && /unterminated quoted field|fields, expected|bad quoting/.test(e.message)) {
    e.message += ` This block starts at byte ${start}: if the file has quoted fields containing newlines, a block boundary may fall inside one; read with { blocksize: null } (one partition per file).`;
  }
  return e;
}

function finished(path: string, parser: RowParser, lineOf: (o: number) => number, spec: BlockSpec): Frame {
  const { frame, mismatches } = parser.finish();
  if (mismatches.length > 0) throw mismatchError(path, mismatches, lineOf, spec);
  return frame;
}

/** Replace joined component columns by one datetime column each, placed first (as pandas does). */
export function joinDates(frame: Frame, spec: BlockSpec): Frame {
  const dropped = new Set<string>();
  const newNames: string[] = [];
  const newCols: Column[] = [];
  for (const j of spec.joins) {
    const comps = j.cols.map((c) => frame.col(spec.names[c]));
    for (const c of j.cols) dropped.add(spec.names[c]);
    const n = frame.length;
    const out = new Float64Array(n);
    const numeric = comps.every((c) => c.dtype === 'int64' || c.dtype === 'int32' || c.dtype === 'float64');
    const cache = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      if (numeric && comps.length >= 3 && comps.length <= 6) {
        const v = comps.map((c) => c.data[i]);
        if (v.some((x) => x !== x)) out[i] = NaN;
        else out[i] = Date.UTC(v[0], v[1] - 1, v[2], v[3] ?? 0, v[4] ?? 0, v[5] ?? 0);
      } else {
        const parts: string[] = [];
        let missing = false;
        for (const c of comps) {
          const x = c.data[i];
          if (c.dtype === 'string') {
            if (x < 0) missing = true;
            else parts.push(c.dict![x]);
          } else if (x !== x) missing = true;
          else parts.push(String(x));
        }
        if (missing) {
          out[i] = NaN;
          continue;
        }
        const key = parts.join(' ');
        let t = cache.get(key);
        if (t === undefined) {
          t = parseDate(key);
          cache.set(key, t);
        }
        out[i] = t;
      }
    }
    newNames.push(j.name);
    newCols.push({ dtype: 'datetime', data: out });
  }
  frame.names.forEach((n, i) => {
    if (!dropped.has(n)) {
      newNames.push(n);
      newCols.push(frame.columns[i]);
    }
  });
  return new Frame(newNames, newCols, frame.length);
}
