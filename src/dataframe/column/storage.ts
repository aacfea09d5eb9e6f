/**
 * How a column is stored: one typed array per column (see frame.ts for the table of dtypes
 * and their storage), missing values as NaN, a bool code or a negative string code.
 */
import type { DType, DTypeLabel } from './dtype.js';

export type ColumnData = Float64Array | Int32Array | Uint8Array;

export interface Column {
  readonly dtype: DType;
  readonly data: ColumnData;
  /** Strings only: the values the codes point into. */
  readonly dict?: readonly string[];
  /** Strings only: 'object' when the user asked for pandas' name (reported by dtypeLabel, stored as 'string'). */
  readonly alias?: 'object';
}

/** The dtype users see: the alias they asked for, else the dtype. */
export function dtypeLabel(c: Column): DTypeLabel {
  return c.alias ?? c.dtype;
}

/**
 * The same string column reported as 'object'. A view over `c` (its getters and lazily decoded
 * dictionary included), so nothing is copied or decoded.
 */
export function asObjectColumn(c: Column): Column {
  if (c.dtype !== 'string') throw new TypeError(`only text columns can be 'object', not ${c.dtype}`);
  if (c.alias === 'object') return c;
  const out = Object.create(c) as Column;
  Object.defineProperty(out, 'alias', { value: 'object', enumerable: true });
  return out;
}

/** The column without its alias (the column asObjectColumn viewed). */
export function withoutAlias(c: Column): Column {
  if (c.alias === undefined) return c;
  const base: unknown = Object.getPrototypeOf(c);
  return isColumnLike(base) && base.alias === undefined ? base : { dtype: c.dtype, data: c.data, dict: c.dict };
}

function isColumnLike(x: unknown): x is Column {
  return typeof x === 'object' && x !== null && 'dtype' in x && 'data' in x;
}

/** `out` with the alias of `like` (columns derived from an 'object' column stay 'object'). */
export function sameAlias(out: Column, like: Column): Column {
  return like.alias === 'object' && out.dtype === 'string' ? asObjectColumn(out) : out;
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
