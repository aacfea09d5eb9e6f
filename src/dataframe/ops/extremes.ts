/**
 * min / max as tree-reduction kernels, for every dtype pandas orders: numbers and datetimes
 * numerically, bools as False < True, strings by code point (Python's order). Missing values
 * are skipped. A partial holds one value per column: a number (datetimes as epoch ms, bools
 * as 0/1), a string, or null when the column had no value.
 */
import { kernel } from '../../core/kernels.js';
import { BOOL_NA, type Cell, type Column, columnFromValues, type DType, Frame } from '../frame.js';
import { compareStrings, stringComparator } from './string-order.js';

export type ExtremeOp = 'min' | 'max';
type Partial = Array<number | string | null>;

function columnExtreme(c: Column, n: number, op: ExtremeOp): number | string | null {
  const max = op === 'max';
  if (c.dtype === 'string') {
    const codes = c.data as Int32Array;
    const dict = c.dict!;
    const used = new Uint8Array(dict.length);
    for (let i = 0; i < n; i++) if (codes[i] >= 0) used[codes[i]] = 1;
    const cmp = stringComparator(dict);
    let best: string | null = null;
    for (let k = 0; k < dict.length; k++) {
      if (used[k] === 0) continue;
      const s = dict[k];
      if (best === null || (max ? cmp(s, best) > 0 : cmp(s, best) < 0)) best = s;
    }
    return best;
  }
  const d = c.data;
  const na = c.dtype === 'bool' ? BOOL_NA : NaN;
  let best = max ? -Infinity : Infinity;
  let seen = false;
  for (let i = 0; i < n; i++) {
    const x = d[i];
    if (x !== x || x === na) continue;
    seen = true;
    if (max ? x > best : x < best) best = x;
  }
  return seen ? best : null;
}

export const extremesChunk = kernel('dataframe.extremes.chunk', (part: Frame, names: readonly string[], op: ExtremeOp): Partial =>
  names.map((name) => columnExtreme(part.col(name), part.length, op)),
);

function better(a: number | string | null, b: number | string | null, op: ExtremeOp): number | string | null {
  if (a === null) return b;
  if (b === null) return a;
  const c = typeof a === 'string' && typeof b === 'string' ? compareStrings(a, b) : a < b ? -1 : a > b ? 1 : 0;
  return (op === 'max' ? c < 0 : c > 0) ? b : a;
}

function merge(parts: readonly Partial[], op: ExtremeOp): Partial {
  const out = [...parts[0]];
  for (let p = 1; p < parts.length; p++) for (let j = 0; j < out.length; j++) out[j] = better(out[j], parts[p][j], op);
  return out;
}

export const extremesCombine = kernel('dataframe.extremes.combine', (parts: readonly Partial[], op: ExtremeOp): Partial => merge(parts, op));

/** A partial value as the user's value for a column of `dtype` (missing: NaN for numbers and bools, null otherwise, as pandas). */
function asCell(v: number | string | null, dtype: DType): Cell {
  if (v === null) return dtype === 'string' || dtype === 'datetime' ? null : NaN;
  if (typeof v === 'string') return v;
  if (dtype === 'datetime') return new Date(v);
  if (dtype === 'bool') return v === 1;
  return v;
}

/** Series reduction: one value (a string, a boolean, a Date or a number). */
export const extremesScalar = kernel('dataframe.extremes.scalar', (parts: readonly Partial[], op: ExtremeOp, dtype: DType): Cell =>
  asCell(merge(parts, op)[0], dtype),
);

/**
 * The dtype of a frame-wide min/max: each column's own kind (ints as float64, which holds the
 * NaN of a column without values), then the common dtype of those, as concat would give.
 */
export function extremesDType(dtypes: readonly DType[]): DType {
  const kinds = dtypes.map((t) => (t === 'int64' || t === 'int32' ? 'float64' : t));
  if (kinds.length === 0) return 'float64';
  const set = new Set(kinds);
  if (set.size === 1) return kinds[0];
  return [...set].every((t) => t === 'float64' || t === 'bool') ? 'float64' : 'string';
}

/** Frame reduction: a Series indexed by column name, in the dtype `extremesDType` gave. */
export const extremesSeries = kernel(
  'dataframe.extremes.series',
  (parts: readonly Partial[], op: ExtremeOp, names: readonly string[], dtypes: readonly DType[], out: DType): Frame => {
    const merged = merge(parts, op);
    const values = merged.map((v, j) => asCell(v, dtypes[j]));
    return new Frame(['0'], [columnFromValues(values, out)], names.length, { dtype: 'string', data: Int32Array.from(names.keys()), dict: [...names] });
  },
);
