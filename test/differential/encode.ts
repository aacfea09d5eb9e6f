/**
 * tsdask results in the reference's encoding (reference.py's docstring): danfo frames and
 * series, numbers, Dates, arrays and plain values become the same tagged JSON the pandas /
 * numpy / Python side prints, so one comparator reads both.
 */
import { isDanfoFrame, isDanfoSeries } from '../../src/dataframe/danfo.js';
import type { DTypeLabel } from '../../src/dataframe/index.js';

/** A tag for what JSON cannot hold. */
export interface Tag {
  $: 'nan' | 'inf' | '-inf' | '-0' | 'nat' | 'date' | 'int' | 'repr' | 'dict';
  v?: unknown;
}
export type Cell = number | string | boolean | null | Tag | Cell[];

export type Encoded =
  | { kind: 'frame'; columns: string[]; index: Cell[]; dtypes: Record<string, string>; data: Record<string, Cell[]> }
  | { kind: 'series'; name: string | null; index: Cell[]; dtype: string; values: Cell[] }
  | { kind: 'ndarray'; shape: number[]; values: Cell[] }
  | { kind: 'list'; values: Cell[] }
  | { kind: 'dict'; entries: Array<[Cell, Cell]> }
  | { kind: 'scalar'; value: Cell }
  | { $error: string };

const SAFE = 2 ** 53;

export function cell(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return { $: 'nan' };
    if (v === Infinity) return { $: 'inf' };
    if (v === -Infinity) return { $: '-inf' };
    if (Object.is(v, -0)) return { $: '-0' };
    return v;
  }
  if (typeof v === 'bigint') return v >= -BigInt(SAFE) && v <= BigInt(SAFE) ? Number(v) : { $: 'int', v: v.toString() };
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? { $: 'nat' } : { $: 'date', v: v.getTime() };
  if (Array.isArray(v)) return v.map(cell);
  if (typeof v === 'object') return { $: 'dict', v: Object.entries(v).map(([k, x]) => [k, cell(x)]) };
  return { $: 'repr', v: typeof v === 'function' ? `function ${v.name}` : typeof v === 'symbol' ? v.toString() : 'unknown' };
}

/** An input for the reference (vars of the spec): numbers tagged as cells are, objects and arrays kept as they are. */
export function input(v: unknown): unknown {
  if (typeof v === 'number' || typeof v === 'bigint' || v instanceof Date) return cell(v);
  if (Array.isArray(v) || ArrayBuffer.isView(v)) return Array.from(v as ArrayLike<unknown>, input);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, input(x)]));
  return v;
}

const cells = (xs: readonly unknown[]): Cell[] => xs.map(cell);

/** pandas' dtype name for a tsdask dtype (the two sides are compared by these families). */
export function pandasDType(t: string): string {
  switch (t) {
    case 'int64':
    case 'int32':
      return 'int64';
    case 'float64':
      return 'float64';
    case 'bool':
      return 'bool';
    case 'string':
    case 'object':
      return 'object';
    case 'datetime':
      return 'datetime64[ns]';
    default:
      return String(t);
  }
}

/**
 * pandas' dtype family for a danfo column, for results that did not come from a lazy collection
 * (head, tail, persisted frames): danfo knows int32, float32 (also holding Dates), boolean, string.
 */
function fromDanfoDType(t: string, values: readonly Cell[]): string {
  if (t === 'int32') return 'int64';
  if (t === 'boolean') return 'bool';
  if (t === 'string') return 'object';
  if (t === 'float32') return values.some((c) => c !== null && typeof c === 'object' && !Array.isArray(c) && c.$ === 'date') ? 'datetime64[ns]' : 'float64';
  return t;
}

/** Lazy-side dtypes of a result, when the case returned a collection (known before computing). */
export interface Meta {
  dtypes?: Record<string, DTypeLabel>;
  dtype?: DTypeLabel;
}

/** Encode a computed tsdask value; `meta` gives the dtypes the lazy collection declared. */
export function encode(v: unknown, meta: Meta = {}): Encoded {
  if (isDanfoFrame(v)) {
    const n = v.shape[0];
    const columns = v.columns.map(String);
    const data: Record<string, Cell[]> = {};
    for (const c of columns) data[c] = n === 0 ? [] : cells(v.column(c).values);
    const dtypes: Record<string, string> = {};
    columns.forEach((c, j) => (dtypes[c] = meta.dtypes?.[c] !== undefined ? pandasDType(meta.dtypes[c]) : fromDanfoDType(String(v.dtypes[j]), data[c])));
    return { kind: 'frame', columns, index: n === 0 ? [] : cells(v.index), dtypes, data };
  }
  if (isDanfoSeries(v)) {
    const values = v.values as unknown[];
    const name = v.columns?.[0];
    return {
      kind: 'series',
      name: name === undefined ? null : String(name),
      index: values.length === 0 ? [] : cells(v.index),
      dtype: meta.dtype !== undefined ? pandasDType(meta.dtype) : fromDanfoDType(String(v.dtype), cells(values)),
      values: cells(values),
    };
  }
  if (v !== null && typeof v === 'object' && 'data' in v && 'shape' in v && v.data instanceof Float64Array && Array.isArray(v.shape)) {
    return { kind: 'ndarray', shape: v.shape.map(Number), values: cells(Array.from(v.data)) };
  }
  if (Array.isArray(v)) return { kind: 'list', values: cells(v) };
  if (v instanceof Map) return { kind: 'dict', entries: [...v.entries()].map(([k, x]) => [cell(k), cell(x)]) };
  if (v !== null && typeof v === 'object' && !(v instanceof Date)) return { kind: 'dict', entries: Object.entries(v).map(([k, x]) => [k, cell(x)]) };
  return { kind: 'scalar', value: cell(v) };
}
