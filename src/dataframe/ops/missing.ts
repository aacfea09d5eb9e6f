/** Missing values: isna / notna masks, fillna, dropna. */
import { kernel } from '../../core/kernels.js';
import { BOOL_NA, type Cell, type Column, filterColumn, Frame, isMissing, missingCodes } from '../frame.js';

function naMask(c: Column, n: number, want: 0 | 1): Uint8Array {
  const out = new Uint8Array(n);
  // Strings: codes < 0 are the missing rows; missingCodes does not build a deferred column's dictionary.
  const d = c.dtype === 'string' ? missingCodes(c) : c.data;
  switch (c.dtype) {
    case 'float64':
    case 'datetime':
      for (let i = 0; i < n; i++) out[i] = (d[i] !== d[i]) === (want === 1) ? 1 : 0;
      break;
    case 'bool':
      for (let i = 0; i < n; i++) out[i] = (d[i] === BOOL_NA) === (want === 1) ? 1 : 0;
      break;
    case 'string':
      for (let i = 0; i < n; i++) out[i] = d[i] < 0 === (want === 1) ? 1 : 0;
      break;
    default:
      out.fill(want === 1 ? 0 : 1);
  }
  return out;
}

/** Every column replaced by its missing (`want` = 1) or present (`want` = 0) mask. */
export const isna = kernel('dataframe.isna', (part: Frame, want: 0 | 1 = 1): Frame => {
  return new Frame(
    part.names,
    part.columns.map((c) => ({ dtype: 'bool' as const, data: naMask(c, part.length, want) })),
    part.length,
    part.index,
  );
});

export function fillColumn(c: Column, value: Cell, name: string): Column {
  if (value === null || value === undefined) return c;
  const n = c.data.length;
  switch (c.dtype) {
    case 'int64':
    case 'int32':
      return c;
    case 'float64':
    case 'datetime': {
      const v = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : typeof value === 'boolean' ? Number(value) : NaN;
      if (Number.isNaN(v))
        throw new TypeError(
          `fillna: cannot fill ${c.dtype} column '${name}' with ${JSON.stringify(value)}; use a number${c.dtype === 'datetime' ? ' or Date' : ''}, or astype('string') first`,
        );
      const out = (c.data as Float64Array).slice();
      for (let i = 0; i < n; i++) if (out[i] !== out[i]) out[i] = v;
      return { dtype: c.dtype, data: out };
    }
    case 'bool': {
      if (typeof value !== 'boolean') throw new TypeError(`fillna: bool column '${name}' takes true or false, got ${JSON.stringify(value)}`);
      const out = (c.data as Uint8Array).slice();
      for (let i = 0; i < n; i++) if (out[i] === BOOL_NA) out[i] = value ? 1 : 0;
      return { dtype: 'bool', data: out };
    }
    case 'string': {
      const s = value instanceof Date ? value.toISOString() : String(value);
      const dict = c.dict!;
      let code = dict.indexOf(s);
      const newDict = code < 0 ? [...dict, s] : dict;
      if (code < 0) code = dict.length;
      const out = (c.data as Int32Array).slice();
      for (let i = 0; i < n; i++) if (out[i] < 0) out[i] = code;
      return { dtype: 'string', data: out, dict: newDict };
    }
  }
}

/** `value` for every column, or per column `{ name: value }` (other columns untouched). */
export const fillna = kernel('dataframe.fillna', (part: Frame, value: Cell | Record<string, Cell>): Frame => {
  const perColumn = value !== null && typeof value === 'object' && !(value instanceof Date);
  const cols = part.columns.map((c, i) => {
    const name = part.names[i];
    if (perColumn) {
      const v = value[name];
      return v === undefined ? c : fillColumn(c, v, name);
    }
    return fillColumn(c, value, name);
  });
  return part.withColumns(part.names, cols);
});

/** Drop rows with a missing value in any (or, with how='all', every) column of `subset`. */
export const dropna = kernel('dataframe.dropna', (part: Frame, subset: readonly string[] | null, how: 'any' | 'all' = 'any'): Frame => {
  const cols = (subset ?? part.names).map((n) => part.col(n));
  const n = part.length;
  const keep = new Uint8Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) {
    let missing = 0;
    for (const c of cols) if (isMissing(c, i)) missing++;
    const drop = how === 'any' ? missing > 0 : missing === cols.length && cols.length > 0;
    if (!drop) {
      keep[i] = 1;
      count++;
    }
  }
  if (count === n) return part;
  return new Frame(
    part.names,
    part.columns.map((c) => filterColumn(c, keep, count)),
    count,
    part.index && filterColumn(part.index, keep, count),
  );
});
