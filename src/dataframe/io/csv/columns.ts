/**
 * The columns a RowParser fills: one typed array per column, sized from the row estimate and
 * grown when a block has more rows, then trimmed into Frame columns (alloc.ts: in shared memory
 * on a worker thread).
 */
import type { Column, DType } from '../../frame.js';
import type { ReadKind } from './options.js';
import { f64, grown, i32, trim, u8 } from './alloc.js';
import { TextColumn } from './text-column.js';

/** How a physical column is read, as a small int (the row loop switches on it). */
export const K_SKIP = 0;
export const K_FLOAT = 1;
export const K_INT = 2;
export const K_BOOL = 3;
export const K_STRING = 4;
export const K_DATE = 5;
export const K_INT32 = 6;

export function kindCode(k: ReadKind): number {
  switch (k) {
    case 'skip':
      return K_SKIP;
    case 'float64':
      return K_FLOAT;
    case 'int64':
      return K_INT;
    case 'int32':
      return K_INT32;
    case 'bool':
      return K_BOOL;
    case 'string':
      return K_STRING;
    case 'datetime':
      return K_DATE;
  }
}

/** The dtype a kind reads into (named in mismatch reports). */
export function dtypeOf(kind: number): DType {
  switch (kind) {
    case K_FLOAT:
      return 'float64';
    case K_INT:
      return 'int64';
    case K_INT32:
      return 'int32';
    case K_BOOL:
      return 'bool';
    case K_DATE:
      return 'datetime';
    default:
      return 'string';
  }
}

/**
 * One column's parse state. f64 holds float64, int64 and datetime values; i32 int32 values and
 * string codes (-1 = missing); u8 bools (2 = missing).
 */
export interface ColState {
  kind: number;
  f64?: Float64Array;
  i32?: Int32Array;
  u8?: Uint8Array;
  text?: TextColumn;
  /** Set once a value of this column did not fit its dtype (only the first is reported). */
  bad: boolean;
}

export function newColumns(kinds: Int32Array, latin1: boolean, cap: number): ColState[] {
  const cols: ColState[] = [];
  for (const k of kinds) {
    // Every state object gets the same fields in the same order: one hidden class, so the
    // per-cell property loads in the row loop stay monomorphic.
    cols.push({
      kind: k,
      f64: k === K_FLOAT || k === K_INT || k === K_DATE ? f64(cap) : undefined,
      i32: k === K_INT32 || k === K_STRING ? i32(cap) : undefined,
      u8: k === K_BOOL ? u8(cap) : undefined,
      text: k === K_STRING ? new TextColumn(latin1, cap) : undefined,
      bad: false,
    });
  }
  return cols;
}

/** Grow every column's array to `cap` rows (text entries grow on their own). */
export function growColumns(cols: readonly ColState[], cap: number): void {
  for (const st of cols) {
    if (st.f64) st.f64 = grown(st.f64, cap);
    else if (st.i32) st.i32 = grown(st.i32, cap);
    else if (st.u8) st.u8 = grown(st.u8, cap);
  }
}

/** The first n values of a parsed column as a Frame column. */
export function finishColumn(st: ColState, n: number): Column {
  switch (st.kind) {
    case K_FLOAT:
      return { dtype: 'float64', data: trim(st.f64!, n) };
    case K_INT:
      return { dtype: 'int64', data: trim(st.f64!, n) };
    case K_DATE:
      return { dtype: 'datetime', data: trim(st.f64!, n) };
    case K_INT32:
      return { dtype: 'int32', data: trim(st.i32!, n) };
    case K_BOOL:
      return { dtype: 'bool', data: trim(st.u8!, n) };
    default:
      return st.text!.finish(trim(st.i32!, n));
  }
}
