/**
 * danfo.js DataFrames and Series on the wire (registered type 'tsdask.danfo'): what a user
 * passes into or returns from a task (a `toDelayed()` part, a frame built in a task) crosses
 * threads, processes and hosts as a columnar partition (frame codec: one buffer per column)
 * and is rebuilt as the same danfo object on the other side: same columns, dtypes, index,
 * config and cell values.
 *
 * A column becomes a typed column only when that is exact: all numbers (float64 keeps NaN
 * and -0), all booleans, or strings with null for missing. Anything else (Dates, undefined,
 * mixed cells) travels as its values, which structured clone and superjson carry as they are.
 */
import type { DataFrame as DanfoDataFrame, Series as DanfoSeries } from 'danfojs-node';
import { frameCodec, type FrameMeta } from './codec.js';
import { danfoModule } from './danfo.js';
import { isDanfoFrame, isDanfoSeries } from './danfo-detect.js';
import { type Column, columnFromValues, dictEntry, Frame } from './frame.js';

type DanfoObject = DanfoDataFrame | DanfoSeries;

/** How one vector (a column, or the index) travels. */
type VectorKind = 'f' | 'b' | 's' | 'v';

interface DanfoMeta {
  kind: 'frame' | 'series';
  columns: string[];
  dtypes: string[];
  config: Record<string, unknown>;
  /** Per vector (the columns, then the index unless it is 0..n-1): its kind. */
  kinds: VectorKind[];
  /** Values of the 'v' vectors, by vector position; null for typed ones. */
  values: Array<unknown[] | null>;
  /** The typed vectors as one partition, named by vector position. */
  frame: FrameMeta;
  rangeIndex: boolean;
}

function isDanfo(x: unknown): x is DanfoObject {
  return isDanfoFrame(x) || isDanfoSeries(x);
}

function kindOf(values: readonly unknown[]): VectorKind {
  const n = values.length;
  if (n === 0) return 'f';
  const t = typeof values[0];
  if (t === 'number') {
    for (let i = 1; i < n; i++) if (typeof values[i] !== 'number') return 'v';
    return 'f';
  }
  if (t === 'boolean') {
    for (let i = 1; i < n; i++) if (typeof values[i] !== 'boolean') return 'v';
    return 'b';
  }
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v !== null && typeof v !== 'string') return 'v';
  }
  return 's';
}

function typedColumn(kind: VectorKind, values: readonly unknown[]): Column {
  if (kind === 'f') {
    const data = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) data[i] = values[i] as number;
    return { dtype: 'float64', data };
  }
  return columnFromValues(values, kind === 'b' ? 'bool' : 'string');
}

function valuesOf(c: Column, n: number): unknown[] {
  const out = new Array<unknown>(n);
  const d = c.data;
  if (c.dtype === 'bool') for (let i = 0; i < n; i++) out[i] = d[i] === 1;
  else if (c.dtype === 'string') {
    const dict = c.dict;
    for (let i = 0; i < n; i++) out[i] = d[i] < 0 ? null : dict !== undefined ? dict[d[i]] : dictEntry(c, d[i]);
  } else for (let i = 0; i < n; i++) out[i] = d[i];
  return out;
}

function isRange(index: readonly unknown[]): boolean {
  for (let i = 0; i < index.length; i++) if (index[i] !== i) return false;
  return true;
}

/** danfo's settings worth keeping (display limits, low-memory mode). */
function configOf(x: DanfoObject): Record<string, unknown> {
  const c: unknown = x.config;
  const out: Record<string, unknown> = {};
  if (c === null || typeof c !== 'object') return out;
  for (const k of ['tableDisplayConfig', 'tableMaxRow', 'tableMaxColInConsole', 'dtypeTestLim', 'lowMemoryMode']) {
    const v: unknown = (c as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

function toFrames(x: DanfoObject): { meta: DanfoMeta; buffers: ArrayBufferView[] } {
  const series = isDanfoSeries(x);
  const n = x.shape[0];
  const columns = x.columns.map(String);
  const vectors: unknown[][] = [];
  if (series) vectors.push(n === 0 ? [] : x.values);
  else {
    const rows = n === 0 ? [] : (x.values as unknown[][]);
    for (let j = 0; j < columns.length; j++) {
      const col = new Array<unknown>(n);
      for (let i = 0; i < n; i++) col[i] = rows[i][j];
      vectors.push(col);
    }
  }
  const index: unknown[] = x.index;
  const rangeIndex = isRange(index);
  if (!rangeIndex) vectors.push(index);
  const kinds: VectorKind[] = [];
  const values: Array<unknown[] | null> = [];
  const names: string[] = [];
  const cols: Column[] = [];
  vectors.forEach((v, i) => {
    const kind = kindOf(v);
    kinds.push(kind);
    values.push(kind === 'v' ? v : null);
    if (kind === 'v') return;
    names.push(String(i));
    cols.push(typedColumn(kind, v));
  });
  const { meta: frame, buffers } = frameCodec.toFrames(new Frame(names, cols, n));
  return { meta: { kind: series ? 'series' : 'frame', columns, dtypes: [...x.dtypes], config: configOf(x), kinds, values, frame, rangeIndex }, buffers };
}

function fromFrames(metaIn: unknown, buffers: Uint8Array[]): DanfoObject {
  const meta = metaIn as DanfoMeta;
  const frame = frameCodec.fromFrames(meta.frame, buffers);
  const n = frame.length;
  let typed = 0;
  const vectors = meta.kinds.map((k, i) => (k === 'v' ? meta.values[i]! : valuesOf(frame.columns[typed++], n)));
  const index = meta.rangeIndex ? undefined : (vectors.pop() as Array<string | number>);
  const dfd = danfoModule();
  const opts = { columns: meta.columns, dtypes: meta.dtypes, config: meta.config, index };
  if (meta.kind === 'series') return new dfd.Series(vectors[0], opts);
  const rows = new Array<unknown[]>(n);
  for (let i = 0; i < n; i++) {
    const row = new Array<unknown>(vectors.length);
    for (let j = 0; j < vectors.length; j++) row[j] = vectors[j][i];
    rows[i] = row;
  }
  return new dfd.DataFrame(rows, opts);
}

/** The spec handed to serialize.ts `registerType('tsdask.danfo', danfoCodec)`. */
export const danfoCodec = { test: isDanfo, toFrames, fromFrames };
