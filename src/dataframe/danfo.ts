/**
 * danfo.js at the edges: results come back to users as danfo objects and `mapPartitions`
 * hands them danfo frames, but nothing computes inside danfo (it stores rows, and is 10-100x
 * slower than typed-array kernels). danfojs-node takes ~1 s to load, so it is required
 * lazily: worker threads and processes that never convert never pay for it.
 */
import { getHeapStatistics } from 'node:v8';
import type { DataFrame as DanfoDataFrame, Series as DanfoSeries } from 'danfojs-node';
import { concatFrames } from './ops/concat.js';
import { isDanfoFrame, isDanfoSeries } from './danfo-detect.js';
import { type Cell, type Column, columnFromValues, dictEntry, type DType, Frame, getCell, inferDType, stringBytesOf } from './frame.js';

export type { DanfoDataFrame, DanfoSeries };
export { isDanfoFrame, isDanfoSeries };

type Danfo = typeof import('danfojs-node');
let danfo: Danfo | undefined;

/** The danfojs-node module (loaded on first use). */
export function danfoModule(): Danfo {
  if (danfo === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- ~1 s to load: required on first use only (see above)
    danfo = require('danfojs-node') as Danfo;
  }
  return danfo;
}

function columnValues(c: Column, n: number, out: Cell[] = new Array<Cell>(n), at = 0): Cell[] {
  if (c.dtype === 'string' && stringBytesOf(c) !== undefined && n * 4 < stringBytesOf(c)!.size) {
    // A few rows of a big lazy dictionary: decode just those entries.
    const d = c.data as Int32Array;
    for (let i = 0; i < n; i++) out[at + i] = d[i] < 0 ? null : dictEntry(c, d[i]);
    return out;
  }
  if (c.dtype === 'float64' || c.dtype === 'int64' || c.dtype === 'int32') {
    const d = c.data;
    for (let i = 0; i < n; i++) out[at + i] = d[i];
  } else if (c.dtype === 'string') {
    const d = c.data as Int32Array;
    const dict = c.dict!;
    for (let i = 0; i < n; i++) out[at + i] = d[i] < 0 ? null : dict[d[i]];
  } else {
    for (let i = 0; i < n; i++) out[at + i] = getCell(c, i);
  }
  return out;
}

function danfoDType(t: DType): string {
  switch (t) {
    case 'float64':
    case 'datetime':
      return 'float32';
    case 'int64':
    case 'int32':
      return 'int32';
    case 'bool':
      return 'boolean';
    case 'string':
      return 'string';
  }
}

/**
 * Heap a danfo object takes per cell while it is built: ~80 bytes stay (measured on a
 * 1M x 3 frame), and the row arrays danfo builds on the way roughly triple that.
 */
const DANFO_BYTES_PER_CELL = 240;

/**
 * A clear error instead of a dead process: refuse to build a danfo object the heap cannot hold
 * (Node's default heap dies at ~4 GB with no way to catch it).
 */
export function checkDanfoFits(rows: number, columns: number, what: string): void {
  const { heap_size_limit: limit, used_heap_size: used } = getHeapStatistics();
  const need = rows * Math.max(1, columns) * DANFO_BYTES_PER_CELL;
  if (need <= limit - used) return;
  const mb = (x: number) => `${Math.round(x / 2 ** 20)} MB`;
  throw new RangeError(
    `${what}: a result of ${rows.toLocaleString('en-US')} rows x ${columns} columns is too large to become a danfo object ` +
      `(about ${mb(need)} of heap; ${mb(limit - used)} left of ${mb(limit)}). Write it with ddf.toCsv('out/part-*.csv'), ` +
      `keep it on the workers with ddf.persist(), take it columnar with ddf.computeFrame(), or compute fewer rows (head, filter, a coarser groupby)`,
  );
}

/** A partition (or a whole computed frame) as a danfo.DataFrame. */
export function toDanfo(f: Frame): DanfoDataFrame {
  checkDanfoFits(f.length, f.names.length, 'danfo.DataFrame');
  const dfd = danfoModule();
  // An empty frame keeps its dtypes (an int column must not read back as float64).
  if (f.length === 0) return new dfd.DataFrame([], { columns: [...f.names], dtypes: f.columns.map((c) => danfoDType(c.dtype)) });
  const data: Record<string, Cell[]> = {};
  f.names.forEach((name, i) => {
    data[name] = columnValues(f.columns[i], f.length);
  });
  const opts: { dtypes: string[]; index?: Array<string | number> } = { dtypes: f.columns.map((c) => danfoDType(c.dtype)) };
  if (f.index) opts.index = indexLabels(f.index, f.length);
  return new dfd.DataFrame(data, opts);
}

/** A one-column frame as a danfo.Series named after the column. */
export function toDanfoSeries(f: Frame): DanfoSeries {
  checkDanfoFits(f.length, f.index === undefined ? 1 : 2, 'danfo.Series');
  const dfd = danfoModule();
  const c = f.series;
  const opts: { columns: string[]; dtypes?: string[]; index?: Array<string | number> } = { columns: [f.names[0]] };
  opts.dtypes = [danfoDType(c.dtype)];
  if (f.length === 0) return new dfd.Series([], opts);
  if (f.index) opts.index = indexLabels(f.index, f.length);
  return new dfd.Series(columnValues(c, f.length), opts);
}

/**
 * Row labels with their own types, as pandas keeps them: numbers, strings, booleans, Dates, and
 * a missing key as NaN (numeric index) or null (others), like missing values in columns.
 * danfo stores labels of any type but declares them `string | number`; the cast states only that.
 */
function indexLabels(c: Column, n: number): Array<string | number> {
  const labels = columnValues(c, n) as Array<string | number>;
  uniqueLabels(labels);
  return labels;
}

/**
 * danfo.js needs unique row labels (pandas does not): say which label repeats and what to do,
 * instead of danfo's bare "Row index must contain unique values".
 */
function uniqueLabels(labels: ReadonlyArray<unknown>): void {
  const seen = new Set<unknown>();
  for (const l of labels) {
    const key = l instanceof Date ? l.getTime() : l;
    if (seen.has(key)) {
      throw new RangeError(
        `the result's index repeats the label ${JSON.stringify(l)}, and a danfo.js DataFrame or Series needs unique row labels ` +
          '(pandas allows repeats). Keep the key as a column instead of setIndex (e.g. sortValues(key)), or drop the repeated keys first.',
      );
    }
    seen.add(key);
  }
}

/** The dtype a danfo column should get here: danfo knows float32/int32/string/boolean; Dates hide in float32 (and string). */
function dtypeOf(danfoType: string | undefined, values: readonly unknown[]): DType {
  // No values to look at (an empty partition): the declared danfo dtype is all there is.
  if (values.length === 0) {
    const declared = danfoType === 'int32' ? 'int64' : danfoType === 'boolean' ? 'bool' : danfoType === 'string' ? 'string' : undefined;
    if (declared !== undefined) return declared;
  }
  if (danfoType === 'string') {
    // danfo calls Date columns and mixed columns 'string' too; look at the values.
    const t = inferDType(values);
    return t === 'datetime' ? 'datetime' : 'string';
  }
  if (danfoType === 'boolean') return 'bool';
  const t = inferDType(values);
  // A float column whose values happen to be whole numbers is still a float column.
  if (danfoType === 'float32' && t === 'int64') return 'float64';
  if (t === 'string' && values.every((v) => v === null || v === undefined || typeof v === 'number' || typeof v === 'string')) {
    // danfo may keep numeric strings in a numeric column; a string column is the safe reading.
    return 'string';
  }
  return t;
}

/** A danfo.DataFrame (or Series, as one column) as a partition; dtypes: int -> int64, float -> float64. */
export function fromDanfo(df: DanfoDataFrame | DanfoSeries, dtypes: Record<string, DType> = {}): Frame {
  if (isDanfoSeries(df)) {
    const s = df;
    const name = String(s.columns?.[0] ?? '0');
    const values = s.values as unknown[];
    const col = columnFromValues(values, dtypes[name] ?? dtypeOf(s.dtype, values));
    return new Frame([name], [col], values.length);
  }
  const frame = df;
  const names = frame.columns.map(String);
  const n = frame.shape[0];
  const cols = names.map((name, i) => {
    const values = n === 0 ? [] : (frame.column(name).values as unknown[]);
    return columnFromValues(values, dtypes[name] ?? dtypeOf(frame.dtypes[i], values));
  });
  return new Frame(names, cols, n);
}

/**
 * Partitions -> one danfo.DataFrame without concatenating string columns first (merging
 * per-partition dictionaries would cost a hash insert per distinct value for nothing).
 */
export function partsToDanfo(parts: readonly Frame[]): DanfoDataFrame {
  const first = parts[0];
  const same = parts.every(
    (p) =>
      p.index === undefined &&
      p.names.length === first.names.length &&
      p.names.every((n, i) => n === first.names[i] && p.columns[i].dtype === first.columns[i].dtype),
  );
  if (!same || parts.length === 1) return toDanfo(concatFrames(parts));
  const total = parts.reduce((s, p) => s + p.length, 0);
  if (total === 0) return toDanfo(first);
  const dfd = danfoModule();
  const data: Record<string, Cell[]> = {};
  first.names.forEach((name, j) => {
    const out = new Array<Cell>(total);
    let at = 0;
    for (const p of parts) {
      columnValues(p.columns[j], p.length, out, at);
      at += p.length;
    }
    data[name] = out;
  });
  return new dfd.DataFrame(data, { dtypes: first.columns.map((c) => danfoDType(c.dtype)) });
}
