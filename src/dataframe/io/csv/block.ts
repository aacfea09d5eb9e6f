/**
 * Read one block: the lines whose first byte lies in [start, end) of a file (gzip files are
 * one block). Runs on whichever thread/process/worker the scheduler picks; arguments are
 * plain data.
 */
import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { kernel } from '../../../core/kernels.js';
import { type Column, Frame } from '../../frame.js';
import { parseDate } from '../../parse/datetime.js';
import { CsvError, lineAt } from './errors.js';
import { countLines, readRange } from './files.js';
import type { BlockSpec } from './options.js';
import { type Mismatch, parseRows, textOf } from './parser.js';

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

function indexOfLF(buf: Buffer, from: number): number {
  return buf.indexOf(LF, from);
}

interface Bytes {
  buf: Buffer;
  from: number;
  to: number;
  /** File offset of buf[0], for line numbers (-1 for decompressed data: count in buf). */
  base: number;
}

function blockBytes(path: string, start: number, end: number, size: number, spec: BlockSpec): Bytes {
  if (spec.gzip) {
    const buf = readWhole(path, true);
    return { buf, from: 0, to: buf.length, base: -1 };
  }
  const readStart = start > 0 ? start - 1 : 0;
  let buf = readRange(path, readStart, end);
  // from: the first line start at or after `start`.
  let from = 0;
  if (start > 0) {
    const nl = indexOfLF(buf, 0);
    from = nl < 0 ? buf.length : nl + 1;
  }
  // to: the end of the line holding byte end-1 (read on until a newline or EOF).
  let to: number;
  const lastNl = end - 1 - readStart >= 0 && buf[end - 1 - readStart] === LF;
  if (lastNl || end >= size) to = buf.length;
  else {
    const extra: Buffer[] = [];
    let at = end;
    let total = 0;
    while (at < size) {
      const chunk = readRange(path, at, Math.min(size, at + 65536));
      const nl = indexOfLF(chunk, 0);
      if (nl >= 0) {
        extra.push(chunk.subarray(0, nl + 1));
        total += nl + 1;
        break;
      }
      extra.push(chunk);
      total += chunk.length;
      at += chunk.length;
      if (chunk.length === 0) break;
    }
    buf = Buffer.concat([buf, ...extra], buf.length + total);
    to = buf.length;
  }
  if (from > to) from = to;
  return { buf, from, to, base: readStart };
}

/** The rows of one block as a partition (with joined date columns). */
export function readBlock(path: string, start: number, end: number, size: number, spec: BlockSpec): Frame {
  const { buf, from, to, base } = blockBytes(path, start, end, size, spec);
  return parseBlockBytes(path, start, buf, from, to, base, spec, !spec.gzip && (start > 0 || end < size));
}

function parseBlockBytes(path: string, start: number, buf: Buffer, from: number, to: number, base: number, spec: BlockSpec, split: boolean): Frame {
  const lineOf = (offset: number): number => {
    if (base < 0) return lineAt(buf, offset);
    return countLines(path, base) + lineAt(buf, offset);
  };
  // The first block of a file starts with the header line: check it and skip it.
  if (start === 0 && spec.header) {
    let nl = indexOfLF(buf, from);
    if (nl < 0 || nl >= to) nl = to;
    const text = textOf(buf, from, nl, spec.latin1).replace(/^\uFEFF/, '').replace(/\r$/, '');
    if (spec.headerLine !== null && text !== spec.headerLine) {
      throw new CsvError(`readCsv: ${path} has header '${text.slice(0, 200)}', but the first file has '${spec.headerLine.slice(0, 200)}'; every file must have the same columns`, path, 1);
    }
    from = Math.min(to, nl + 1);
  } else if (start === 0 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) from = 3;
  let parsed: ReturnType<typeof parseRows>;
  try {
    parsed = parseRows(buf, from, to, spec, path, lineOf);
  } catch (e) {
    // A newline inside a quoted field can fall on a block boundary: say so, and how to avoid it.
    if (e instanceof CsvError && split && /unterminated quoted field|fields, expected|bad quoting/.test(e.message)) {
      e.message += ` This block starts at byte ${start}: if the file has quoted fields containing newlines, a block boundary may fall inside one; read with { blocksize: null } (one partition per file).`;
    }
    throw e;
  }
  const { frame, mismatches } = parsed;
  if (mismatches.length > 0) throw mismatchError(path, mismatches, lineOf, spec);
  return spec.joins.length > 0 ? joinDates(frame, spec) : frame;
}

function describeValue(m: Mismatch): string {
  return m.value === '' ? 'an empty (missing) value' : `'${m.value.length > 60 ? `${m.value.slice(0, 60)}...` : m.value}'`;
}

function fixFor(m: Mismatch): string {
  if (m.why === 'range') return m.dtype === 'int32' ? 'int64' : 'string';
  if (m.why === 'missing' || m.why === 'fraction') return 'float64';
  return 'string';
}

/** One error for every column of the block whose values do not fit, like Dask's dtype mismatch table. */
function mismatchError(path: string, ms: Mismatch[], lineOf: (o: number) => number, spec: BlockSpec): CsvError {
  const lines = ms.map((m) => {
    const line = lineOf(m.offset);
    const why =
      m.why === 'missing'
        ? `int columns cannot hold missing values`
        : m.why === 'fraction'
          ? `it has a fraction`
          : m.why === 'range'
            ? m.dtype === 'int64'
              ? 'it is beyond 2^53, where int64 values (stored as doubles) would lose digits'
              : 'it does not fit in 32 bits'
            : `it is not a ${m.dtype} value`;
    const source = spec.inferred[spec.names.indexOf(m.column)] ? `inferred from ${spec.inferredFrom}` : m.dtype === 'datetime' ? 'from parseDates or dtype' : 'given in dtype';
    return { line, text: `  - column '${m.column}' (${m.dtype}, ${source}): line ${line} has ${describeValue(m)}; ${why}` };
  });
  const key = (c: string) => (/^[A-Za-z_$][\w$]*$/.test(c) ? c : JSON.stringify(c));
  const typed = ms.filter((m) => m.dtype !== 'datetime');
  const dates = ms.filter((m) => m.dtype === 'datetime');
  const fixes: string[] = [];
  if (typed.length > 0) {
    fixes.push(
      `pass the dtypes explicitly, e.g. readCsv(..., { dtype: { ${typed.map((m) => `${key(m.column)}: '${fixFor(m)}'`).join(', ')} } })` +
        (typed.some((m) => m.why === 'missing') ? ', or { assumeMissing: true } to read integer columns as float64' : ''),
    );
  }
  if (dates.length > 0) {
    fixes.push(
      `read ${dates.map((m) => `'${m.column}'`).join(', ')} without parseDates and convert with dd.toDatetime(ddf.col(...), { format, errors: 'coerce' })`,
    );
  }
  const msg = `readCsv: values in ${path} do not match the column dtypes:\n${lines.map((l) => l.text).join('\n')}\nFix: ${fixes.join('; ')}.`;
  return new CsvError(msg, path, lines[0].line, ms[0].column);
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

export const readCsvBlock = kernel('dataframe.read-csv-block', readBlock);
