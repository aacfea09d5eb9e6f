/** Column dtypes, the names users may write for them, and the JS values cells hold. */

export type DType = 'float64' | 'int64' | 'int32' | 'bool' | 'string' | 'datetime';
export const DTYPES: readonly DType[] = ['float64', 'int64', 'int32', 'bool', 'string', 'datetime'];

/** dtype names users may write; `object` is pandas' name for text columns. */
export type DTypeName = DType | 'object' | 'float' | 'int' | 'boolean' | 'str' | 'float32' | 'datetime64[ns]';

/**
 * A dtype as reported to users: a text column the user asked for as 'object' (pandas' name)
 * says 'object'; it is stored, and behaves, as 'string' (Column.alias).
 */
export type DTypeLabel = DType | 'object';

/** A dtype name as the user wrote it: 'object' kept (as a label of string storage), others normalized. */
export function normalizeDTypeLabel(name: string, where = 'dtype'): DTypeLabel {
  return name === 'object' ? 'object' : normalizeDType(name, where);
}

export function normalizeDType(name: string, where = 'dtype'): DType {
  switch (name) {
    case 'float64':
    case 'float':
    case 'float32':
    case 'number':
      return 'float64';
    case 'int64':
    case 'int':
      return 'int64';
    case 'int32':
      return 'int32';
    case 'bool':
    case 'boolean':
      return 'bool';
    case 'string':
    case 'object':
    case 'str':
      return 'string';
    case 'datetime':
    case 'datetime64[ns]':
    case 'date':
      return 'datetime';
  }
  throw new TypeError(`${where}: unknown dtype '${name}'; use one of float64, int64, int32, bool, string (or object), datetime`);
}

/** A JS value as users see it: number, string, boolean, Date, or null for missing. */
export type Cell = number | string | boolean | Date | null;

export function isNumericDType(t: DType): boolean {
  return t === 'float64' || t === 'int64' || t === 'int32';
}

/** Numeric for reductions: numbers and bools (pandas sums bools). */
export function isNumberLike(t: DType): boolean {
  return isNumericDType(t) || t === 'bool';
}

export function commonDType(ts: readonly DType[]): DType {
  const set = new Set(ts);
  if (set.size === 1) return ts[0];
  if ([...set].every(isNumberLike)) {
    if (set.has('float64') || set.has('bool')) return 'float64';
    return 'int64';
  }
  return 'string';
}

/** Infer a dtype from JS values: numbers -> int64/float64, booleans, Dates, else strings. */
export function inferDType(values: readonly Cell[] | readonly unknown[]): DType {
  let sawNumber = false;
  let sawFraction = false;
  let sawNull = false;
  let sawBool = false;
  let sawDate = false;
  let sawString = false;
  for (const v of values) {
    if (v === null || v === undefined) sawNull = true;
    else if (typeof v === 'number') {
      if (Number.isNaN(v)) sawNull = true;
      else {
        sawNumber = true;
        if (!Number.isInteger(v)) sawFraction = true;
      }
    } else if (typeof v === 'boolean') sawBool = true;
    else if (v instanceof Date) sawDate = true;
    else sawString = true;
  }
  if (sawString || (sawNumber && (sawBool || sawDate)) || (sawBool && sawDate)) return 'string';
  if (sawDate) return 'datetime';
  if (sawBool) return 'bool';
  if (sawNumber) return sawFraction || sawNull ? 'float64' : 'int64';
  return 'float64'; // all missing (or empty): NaN fits float64, as in pandas
}
