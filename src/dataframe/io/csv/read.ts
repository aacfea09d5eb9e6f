/**
 * dd.readCsv: files -> byte-range blocks at line starts -> one task per block parsing bytes
 * straight into typed columns. Column dtypes come from `dtype`, `parseDates`, or inference
 * over a sample of the first file with rows (so later blocks may disagree: that is an error naming the
 * file, line, value and the `dtype` fix, never a silent cast).
 */
import { statSync } from 'node:fs';
import { autoBlocksize } from '../../../core/auto-blocksize.js';
import { type DType, type Frame } from '../../frame.js';
import { csvFrame } from '../../plan/read-csv.js';
import type { FrameSpec } from '../../plan/spec.js';
import { readWhole } from './block.js';
import { CsvError } from './errors.js';
import { expandPaths, fileBlocks, readRange } from './files.js';
import { type BlockSpec, DEFAULT_NA, normalizeDtypes, parseBytes, type ReadCsvOptions, type ReadKind } from './options.js';
import { naSpellings } from './na-set.js';
import { parseNumber, parseRows, splitHeader, textOf } from './parser.js';

const DEFAULT_SAMPLE = 256_000;

function isGzipPath(p: string, compression: ReadCsvOptions['compression']): boolean {
  if (compression === 'gzip') return true;
  if (compression === 'none') return false;
  return p.endsWith('.gz');
}

/** The first `bytes` of a file (decompressed), cut after the last complete line when truncated. */
function sampleOf(path: string, bytes: number, gzip: boolean): { buf: Buffer; complete: boolean } {
  let buf = gzip ? readWhole(path, true) : readRange(path, 0, bytes);
  let complete = true;
  if (gzip && buf.length > bytes) buf = buf.subarray(0, bytes);
  const full = gzip ? false : buf.length < bytes;
  if (!full && buf.length >= bytes) {
    const nl = buf.lastIndexOf(10);
    if (nl >= 0) buf = buf.subarray(0, nl + 1);
    complete = false;
  }
  return { buf, complete };
}

/** The sampled rows of one file, all columns as text (the probe spec), cut back to a row boundary when truncated. */
function sampleRows(path: string, sampleBytes: number, gzip: boolean, header: boolean, probe: BlockSpec): { frame: Frame; path: string; complete: boolean } {
  const { buf, complete } = sampleOf(path, sampleBytes, gzip);
  let from = 0;
  if (header) {
    const nl = buf.indexOf(10);
    from = nl < 0 ? buf.length : nl + 1;
  }
  const lineOf = (o: number) => {
    let line = 1;
    for (let i = 0; i < o; i++) if (buf[i] === 10) line++;
    return line;
  };
  // A truncated sample may end inside a quoted field that holds newlines: cut it back a
  // line at a time until it ends on a row boundary.
  let end = buf.length;
  for (let tries = 0; ; tries++) {
    try {
      return { frame: parseRows(buf, from, end, probe, path, lineOf).frame, path, complete };
    } catch (e) {
      const cut = end > from + 1 ? buf.lastIndexOf(10, end - 2) : -1;
      if (complete || !(e instanceof CsvError) || !/unterminated quoted field/.test(e.message) || cut < from || tries > 1000) throw e;
      end = cut + 1;
    }
  }
}

/** Decide a dtype from the distinct texts of a sampled column. */
function inferKind(values: readonly string[], hadMissing: boolean, assumeMissing: boolean): DType {
  if (values.length === 0) return 'float64'; // all missing: pandas reads NaN -> float64
  let ints = true;
  let nums = true;
  let bools = true;
  let beyond = false;
  for (const v of values) {
    const b = Buffer.from(v, 'latin1');
    const x = parseNumber(b, 0, b.length);
    const isNum = !Number.isNaN(x) || /^\s*[-+]?nan\s*$/i.test(v);
    if (!isNum) nums = ints = false;
    else if (!Number.isInteger(x) || /[.eE]/.test(v)) ints = false;
    else if (Math.abs(x) > Number.MAX_SAFE_INTEGER) beyond = true;
    const lv = v.toLowerCase();
    if (lv !== 'true' && lv !== 'false') bools = false;
    if (!nums && !bools) break;
  }
  if (bools && !hadMissing) return 'bool';
  // Integers beyond 2^53 cannot be held exactly (int64 is stored in doubles): keep the text.
  // Among fractions they are floats, as in pandas.
  if (ints && beyond) return 'string';
  if (ints) return hadMissing || assumeMissing ? 'float64' : 'int64';
  if (nums) return 'float64';
  return 'string';
}

/** Read the header line of a file. */
function headerOf(path: string, gzip: boolean, latin1: boolean): string {
  const buf = gzip ? readWhole(path, true) : readRange(path, 0, 1 << 20);
  let nl = buf.indexOf(10);
  if (nl < 0) nl = buf.length;
  return textOf(buf, 0, nl, latin1)
    .replace(/^\uFEFF/, '')
    .replace(/\r$/, '');
}

/** Resolve a parseDates join member (name or position) to a physical column index. */
function columnIndex(ref: string | number, names: readonly string[], what: string): number {
  if (typeof ref === 'number') {
    if (!Number.isInteger(ref) || ref < 0 || ref >= names.length)
      throw new RangeError(`readCsv ${what}: column position ${ref} out of range (${names.length} columns)`);
    return ref;
  }
  const i = names.indexOf(ref);
  if (i < 0) throw new RangeError(`readCsv ${what}: no column '${ref}'; columns are ${names.join(', ')}`);
  return i;
}

/**
 * Plan reading CSV files: one partition per block of about `blocksize` bytes (default 64MB, less
 * when the connected Client's workers have less memory: core/auto-blocksize.ts; gzip files are
 * one block each). The frame records its source, so selecting columns later
 * reads only those without globbing or sampling again.
 */
export function readCsvSpec(pathOrGlob: string | readonly string[], opts: ReadCsvOptions = {}): FrameSpec<'frame'> {
  const paths = expandPaths(pathOrGlob);
  const sepStr = opts.sep ?? ',';
  if (sepStr.length !== 1) throw new TypeError(`readCsv: sep must be one character, got '${sepStr}'`);
  const sep = sepStr.charCodeAt(0);
  const enc = opts.encoding ?? 'utf8';
  if (!['utf8', 'utf-8', 'latin1', 'latin-1', 'iso-8859-1'].includes(enc))
    throw new TypeError(`readCsv: unsupported encoding '${enc}' (use 'utf8' or 'latin1')`);
  const latin1 = enc !== 'utf8' && enc !== 'utf-8';
  const header = opts.header !== false;
  // Names come from the first file with any bytes (an empty part file has not even a header).
  const first = paths.find((p) => statSync(p).size > 0) ?? paths[0];
  const gzipFirst = isGzipPath(first, opts.compression);
  const na = [...new Set([...(opts.keepDefaultNa === false ? [] : DEFAULT_NA), ...naSpellings(opts.naValues ?? [])])];

  // ---- column names ----
  const headerLine = header ? headerOf(first, gzipFirst, latin1) : null;
  let names = headerLine !== null ? splitHeader(headerLine, sepStr) : [];
  if (opts.names !== undefined) names = [...opts.names];
  if (names.length === 0) {
    const sampleLine = headerOf(first, gzipFirst, latin1);
    names = splitHeader(sampleLine, sepStr).map((_, i) => String(i));
  }
  const dupe = names.find((n, i) => names.indexOf(n) !== i);
  if (dupe !== undefined) throw new CsvError(`readCsv: column '${dupe}' appears twice in the header of ${first}`, first, 1, dupe);

  // ---- which columns, which dtypes ----
  const dtypes = normalizeDtypes(opts.dtype);
  const use = opts.usecols ? new Set(opts.usecols) : null;
  if (use) for (const u of use) if (!names.includes(u)) throw new RangeError(`readCsv usecols: no column '${u}' in ${first}; columns are ${names.join(', ')}`);
  const joins: BlockSpec['joins'] = [];
  const dateCols = new Set<number>();
  if (Array.isArray(opts.parseDates)) {
    for (const d of opts.parseDates as readonly string[]) dateCols.add(columnIndex(d, names, 'parseDates'));
  } else if (opts.parseDates !== undefined) {
    for (const [name, refs] of Object.entries(opts.parseDates as Record<string, ReadonlyArray<string | number>>)) {
      if (names.includes(name)) throw new RangeError(`readCsv parseDates: the joined column '${name}' would clash with an existing column`);
      joins.push({ name, cols: refs.map((r) => columnIndex(r, names, `parseDates.${name}`)) });
    }
  }
  const joined = new Set(joins.flatMap((j) => j.cols));
  const kinds: ReadKind[] = names.map((n, i) => {
    if (use && !use.has(n) && !joined.has(i)) return 'skip';
    if (dateCols.has(i)) return 'datetime';
    return dtypes[n] ?? 'string';
  });

  // ---- inference over a sample of the first file with rows ----
  const toInfer = names.map((n, i) => kinds[i] !== 'skip' && !dateCols.has(i) && dtypes[n] === undefined);
  let inferredFrom = 'dtype';
  const sampled = { missing: [] as string[], zeros: [] as string[] };
  if (toInfer.some(Boolean)) {
    const sampleBytes = opts.sampleBytes ?? DEFAULT_SAMPLE;
    const probe: BlockSpec = {
      names,
      // Date columns too: not to infer them, but to see whether they hold missing values (meta-facts.ts).
      kinds: names.map((_, i) => (toInfer[i] || (dateCols.has(i) && kinds[i] !== 'skip') ? 'string' : 'skip')),
      joins: [],
      sep,
      latin1,
      gzip: false,
      header,
      na,
      inferredFrom: '',
      inferred: [],
      headerLine,
    };
    // Infer from the first file that has rows: Spark and Hive write empty part files (a header
    // and nothing else, or no bytes at all), and 0 rows would make every column float64.
    let sample: { frame: Frame; path: string; complete: boolean } | undefined;
    for (const path of paths) {
      sample = sampleRows(path, sampleBytes, isGzipPath(path, opts.compression), header, probe);
      if (sample.frame.length > 0) break;
    }
    const { frame, path, complete } = sample!;
    const skipped = paths.indexOf(path);
    inferredFrom =
      `the first ${frame.length.toLocaleString('en-US')} rows of ${path}${complete ? '' : ` (sampleBytes=${sampleBytes})`}` +
      (skipped > 0 ? ` (the ${skipped === 1 ? 'file' : `${skipped} files`} before it had no rows)` : '');
    names.forEach((n, i) => {
      if (probe.kinds[i] === 'skip') return;
      const col = frame.col(n);
      const codes = col.data as Int32Array;
      let missing = false;
      for (let r = 0; r < codes.length; r++)
        if (codes[r] < 0) {
          missing = true;
          break;
        }
      if (toInfer[i]) kinds[i] = inferKind(col.dict!, missing, opts.assumeMissing === true);
      if (missing) sampled.missing.push(n);
      if ((kinds[i] === 'int64' || kinds[i] === 'int32') && col.dict!.some((v) => Number(v) === 0)) sampled.zeros.push(n);
    });
  }
  if (opts.assumeMissing)
    kinds.forEach((k, i) => {
      if ((k === 'int64' || k === 'int32') && toInfer[i]) kinds[i] = 'float64';
    });

  const objects = names.filter((n, i) => kinds[i] === 'string' && opts.dtype?.[n] === 'object');
  const spec: BlockSpec = { names, kinds, joins, sep, latin1, gzip: false, header, na, inferredFrom, inferred: toInfer, headerLine, objects, sampled };

  // ---- blocks and graph ----
  const blocksize = opts.blocksize === null ? null : opts.blocksize === undefined ? autoBlocksize() : parseBytes(opts.blocksize);
  const blocks = fileBlocks(paths, blocksize, (p) => isGzipPath(p, opts.compression)).map((b) => ({ ...b, gzip: isGzipPath(b.path, opts.compression) }));
  return csvFrame(blocks, spec);
}
