/** Cells of a column as JS values, and columns built from JS values or typed arrays. */
import { type Cell, type DType, inferDType } from './dtype.js';
import { allocColumn, BOOL_NA, type Column, type ColumnData, STRING_NA } from './storage.js';
import { dictEntry } from './strings.js';

export function isMissing(c: Column, i: number): boolean {
  switch (c.dtype) {
    case 'float64':
    case 'datetime':
      return Number.isNaN(c.data[i]);
    case 'bool':
      return c.data[i] === BOOL_NA;
    case 'string':
      return c.data[i] < 0;
    default:
      return false;
  }
}

/** Numeric value of row i (NaN when missing); strings have none. */
export function numberAt(c: Column, i: number): number {
  if (c.dtype === 'bool') return c.data[i] === BOOL_NA ? NaN : c.data[i];
  if (c.dtype === 'string') throw new TypeError('numberAt: a string column has no numeric value');
  return c.data[i];
}

export function getCell(c: Column, i: number): Cell {
  const v = c.data[i];
  switch (c.dtype) {
    case 'float64':
    case 'int64':
    case 'int32':
      return v;
    case 'datetime':
      return Number.isNaN(v) ? null : new Date(v);
    case 'bool':
      return v === BOOL_NA ? null : v === 1;
    case 'string':
      return v < 0 ? null : dictEntry(c, v);
  }
}

export function columnFromValues(values: readonly unknown[], dtype: DType = inferDType(values)): Column {
  const n = values.length;
  switch (dtype) {
    case 'float64':
    case 'int64':
    case 'int32': {
      const col = allocColumn(dtype, n);
      const d = col.data;
      for (let i = 0; i < n; i++) {
        const v = values[i];
        const x = v === null || v === undefined ? NaN : typeof v === 'boolean' ? Number(v) : typeof v === 'number' ? v : Number(v);
        if (dtype !== 'float64' && !Number.isInteger(x)) {
          throw new TypeError(`cannot store ${String(v)} (row ${i}) in an ${dtype} column: use float64 for fractions or missing values`);
        }
        d[i] = x;
      }
      return col;
    }
    case 'datetime': {
      const d = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        d[i] = v === null || v === undefined ? NaN : v instanceof Date ? v.getTime() : typeof v === 'number' ? v : Date.parse(String(v));
      }
      return { dtype, data: d };
    }
    case 'bool': {
      const d = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        d[i] = v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v)) ? BOOL_NA : v ? 1 : 0;
      }
      return { dtype, data: d };
    }
    case 'string': {
      const codes = new Int32Array(n);
      const dict: string[] = [];
      const lookup = new Map<string, number>();
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) {
          codes[i] = STRING_NA;
          continue;
        }
        const s = v instanceof Date ? v.toISOString() : String(v);
        let code = lookup.get(s);
        if (code === undefined) {
          code = dict.length;
          dict.push(s);
          lookup.set(s, code);
        }
        codes[i] = code;
      }
      return { dtype, data: codes, dict };
    }
  }
}

/** Wrap a typed array as a column (no copy). */
export function columnFromTyped(data: ColumnData, dtype?: DType): Column {
  if (data instanceof Float64Array) return { dtype: dtype ?? 'float64', data };
  if (data instanceof Int32Array) {
    if (dtype === 'string') throw new TypeError('a string column needs a dictionary: pass values, not codes');
    return { dtype: dtype ?? 'int32', data };
  }
  return { dtype: 'bool', data };
}
