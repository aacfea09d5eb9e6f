/**
 * How a column is stored: one typed array per column (see frame.ts for the table of dtypes
 * and their storage), missing values as NaN, a bool code or a negative string code.
 */
import type { DType } from './dtype.js';

export type ColumnData = Float64Array | Int32Array | Uint8Array;

export interface Column {
  readonly dtype: DType;
  readonly data: ColumnData;
  /** Strings only: the values the codes point into. */
  readonly dict?: readonly string[];
}

export const BOOL_NA = 2;
export const STRING_NA = -1;

export function emptyColumn(dtype: DType): Column {
  return allocColumn(dtype, 0);
}

/** A zero-filled column of n rows (strings get an empty dictionary). */
export function allocColumn(dtype: DType, n: number, dict?: readonly string[]): Column {
  switch (dtype) {
    case 'float64':
    case 'int64':
    case 'datetime':
      return { dtype, data: new Float64Array(n) };
    case 'int32':
      return { dtype, data: new Int32Array(n) };
    case 'bool':
      return { dtype, data: new Uint8Array(n) };
    case 'string':
      return { dtype, data: new Int32Array(n), dict: dict ?? [] };
  }
}

/** The stored value that means "missing" for a dtype (0 for ints, which have none). */
export function missingFill(dtype: DType): number {
  switch (dtype) {
    case 'float64':
    case 'datetime':
      return NaN;
    case 'bool':
      return BOOL_NA;
    case 'string':
      return STRING_NA;
    default:
      return 0;
  }
}

/** Bytes held by a column (for memory accounting). */
export function columnBytes(c: Column): number {
  let n = c.data.byteLength;
  if (c.dict) for (const s of c.dict) n += 2 * s.length + 16;
  return n;
}
