/** Whole-column operations: take, filter, slice, concatenate, cast. */
import { columnFromValues, isMissing, numberAt } from './cells.js';
import { type Cell, commonDType, type DType } from './dtype.js';
import { pythonFloatText } from './float-text.js';
import { allocColumn, BOOL_NA, type Column, missingFill, sameAlias, STRING_NA } from './storage.js';
import { mergeStringBytes } from './string-merge.js';
import { lazyStringColumn, stringBytesOf, withCodes } from './strings.js';

/** Rows `idx` of a column, in that order; index -1 gives a missing value. */
export function takeColumn(c: Column, idx: Int32Array | readonly number[]): Column {
  const rows = idx instanceof Int32Array ? idx : Int32Array.from(idx);
  const n = rows.length;
  let hasNull = false;
  for (let i = 0; i < n; i++)
    if (rows[i] < 0) {
      hasNull = true;
      break;
    }
  // Integers cannot hold a missing value: widen to float64, as pandas does.
  const dtype: DType = hasNull && (c.dtype === 'int64' || c.dtype === 'int32') ? 'float64' : c.dtype;
  const out = dtype === 'string' ? withCodes(c, new Int32Array(n)) : allocColumn(dtype, n);
  const src = c.data;
  const dst = out.data;
  const na = missingFill(dtype);
  // One loop per storage pair, so each stays monomorphic: a single loop over the union of
  // typed arrays runs several times slower (it is on every groupby, merge and sort path).
  if (src instanceof Float64Array && dst instanceof Float64Array) gatherF64(src, dst, rows, na);
  else if (src instanceof Int32Array && dst instanceof Int32Array) gatherI32(src, dst, rows, na);
  else if (src instanceof Uint8Array && dst instanceof Uint8Array) gatherU8(src, dst, rows, na);
  else for (let i = 0; i < n; i++) dst[i] = rows[i] < 0 ? na : src[rows[i]];
  return out;
}

function gatherF64(src: Float64Array, dst: Float64Array, rows: Int32Array, na: number): void {
  for (let i = 0; i < rows.length; i++) {
    const j = rows[i];
    dst[i] = j < 0 ? na : src[j];
  }
}

function gatherI32(src: Int32Array, dst: Int32Array, rows: Int32Array, na: number): void {
  for (let i = 0; i < rows.length; i++) {
    const j = rows[i];
    dst[i] = j < 0 ? na : src[j];
  }
}

function gatherU8(src: Uint8Array, dst: Uint8Array, rows: Int32Array, na: number): void {
  for (let i = 0; i < rows.length; i++) {
    const j = rows[i];
    dst[i] = j < 0 ? na : src[j];
  }
}

/** Rows where mask[i] === 1. */
export function filterColumn(c: Column, mask: Uint8Array, count: number): Column {
  const out = c.dtype === 'string' ? withCodes(c, new Int32Array(count)) : allocColumn(c.dtype, count);
  const src = c.data;
  const dst = out.data;
  let k = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] === 1) dst[k++] = src[i];
  return out;
}

export function sliceColumn(c: Column, start: number, end: number): Column {
  if (c.dtype === 'string') return withCodes(c, (c.data as Int32Array).slice(start, end));
  return { dtype: c.dtype, data: c.data.slice(start, end) };
}

/**
 * Concatenate columns of one dtype; string dictionaries are merged and codes remapped.
 * Mixed int/float widen to float64; anything else mixed with strings becomes strings.
 */
export function concatColumns(cols: readonly Column[]): Column {
  if (cols.length === 1) return cols[0];
  const out = concatValues(cols);
  return cols.every((c) => c.alias === 'object') ? sameAlias(out, cols[0]) : out;
}

function concatValues(cols: readonly Column[]): Column {
  const dtype = commonDType(cols.map((c) => c.dtype));
  const parts = cols.map((c) => (c.dtype === dtype ? c : castColumn(c, dtype)));
  let n = 0;
  for (const c of parts) n += c.data.length;
  if (dtype !== 'string') {
    const out = allocColumn(dtype, n);
    let at = 0;
    for (const c of parts) {
      (out.data as Float64Array).set(c.data, at);
      at += c.data.length;
    }
    return out;
  }
  // Reuse the first dictionary when all parts share it (same source partition).
  const firstBytes = stringBytesOf(parts[0]);
  if (firstBytes !== undefined && parts.every((p) => stringBytesOf(p) === firstBytes)) {
    const out = new Int32Array(n);
    let at = 0;
    for (const c of parts) {
      out.set(c.data, at);
      at += c.data.length;
    }
    return lazyStringColumn(out, firstBytes);
  }
  // Dictionaries still as bytes: merged by their bytes (no JS strings made).
  const allBytes = parts.map(stringBytesOf);
  if (allBytes.every((b) => b !== undefined)) {
    const byBytes = mergeStringBytes(allBytes);
    if (byBytes !== undefined) {
      const out = new Int32Array(n);
      let at = 0;
      parts.forEach((c, j) => {
        remapCodes(c.data as Int32Array, byBytes.remaps[j], out, at);
        at += c.data.length;
      });
      return lazyStringColumn(out, byBytes.merged);
    }
  }
  const first = parts[0].dict!;
  if (parts.every((p) => p.dict === first)) {
    const out = new Int32Array(n);
    let at = 0;
    for (const c of parts) {
      out.set(c.data, at);
      at += c.data.length;
    }
    return { dtype, data: out, dict: first };
  }
  const dict: string[] = [];
  const lookup = new Map<string, number>();
  const out = new Int32Array(n);
  let at = 0;
  for (const c of parts) {
    const remap = new Int32Array(c.dict!.length);
    for (let j = 0; j < c.dict!.length; j++) {
      const s = c.dict![j];
      let code = lookup.get(s);
      if (code === undefined) {
        code = dict.length;
        dict.push(s);
        lookup.set(s, code);
      }
      remap[j] = code;
    }
    const src = c.data as Int32Array;
    for (let i = 0; i < src.length; i++) out[at + i] = src[i] < 0 ? STRING_NA : remap[src[i]];
    at += src.length;
  }
  return { dtype, data: out, dict };
}

function remapCodes(src: Int32Array, remap: Int32Array, out: Int32Array, at: number): void {
  for (let i = 0; i < src.length; i++) out[at + i] = src[i] < 0 ? STRING_NA : remap[src[i]];
}

/** Convert a column to another dtype (astype). Strings parse as numbers/dates; bad values raise. */
export function castColumn(c: Column, to: DType, errors: 'raise' | 'coerce' = 'raise'): Column {
  if (c.dtype === to) return c;
  const n = c.data.length;
  if (to === 'string') return toText(c);
  if (c.dtype === 'string') return parseStrings(c, to, errors);
  const out = allocColumn(to, n);
  const src = c.data;
  const dst = out.data;
  if (to === 'bool') {
    for (let i = 0; i < n; i++) dst[i] = isMissing(c, i) ? BOOL_NA : src[i] !== 0 ? 1 : 0;
    return out;
  }
  const integer = to === 'int64' || to === 'int32';
  for (let i = 0; i < n; i++) {
    const x = numberAt(c, i);
    if (integer && !Number.isFinite(x)) {
      if (errors === 'coerce') throw new TypeError(`cannot coerce missing values into an ${to} column: use float64`);
      throw new TypeError(`cannot convert non-finite value ${x} (row ${i}) to ${to}: fill missing values first (fillna) or use float64`);
    }
    dst[i] = integer ? Math.trunc(x) : x;
  }
  return out;
}

/** Values as text, written as pandas' astype('string') writes them: floats as Python does (-130.0, -0.0, 1e+20), bools True/False; missing stays missing. */
function toText(c: Column): Column {
  const n = c.data.length;
  const vals = new Array<Cell>(n);
  const d = c.data;
  for (let i = 0; i < n; i++) {
    if (isMissing(c, i)) vals[i] = null;
    else if (c.dtype === 'float64') vals[i] = pythonFloatText(d[i]);
    else if (c.dtype === 'bool') vals[i] = d[i] === 1 ? 'True' : 'False';
    else if (c.dtype === 'datetime') vals[i] = new Date(d[i]).toISOString();
    else vals[i] = String(d[i]);
  }
  return columnFromValues(vals, 'string');
}

function parseStrings(c: Column, to: DType, errors: 'raise' | 'coerce'): Column {
  const dict = c.dict!;
  // Parse each distinct string once, then map codes.
  const parsed = new Float64Array(dict.length);
  for (let j = 0; j < dict.length; j++) {
    const s = dict[j].trim();
    let x: number;
    if (to === 'datetime') x = Date.parse(s);
    else if (to === 'bool') x = /^(true|1|yes)$/i.test(s) ? 1 : /^(false|0|no)$/i.test(s) ? 0 : NaN;
    else x = s === '' ? NaN : Number(s);
    if (Number.isNaN(x) && errors === 'raise') {
      throw new TypeError(`cannot convert '${dict[j]}' to ${to}: pass { errors: 'coerce' } to turn unparsable values into missing ones`);
    }
    parsed[j] = x;
  }
  const out = allocColumn(to === 'int64' || to === 'int32' ? 'float64' : to, c.data.length);
  const codes = c.data as Int32Array;
  const na = missingFill(out.dtype);
  for (let i = 0; i < codes.length; i++) {
    const k = codes[i];
    const x = k < 0 ? NaN : parsed[k];
    out.data[i] = Number.isNaN(x) ? na : x;
  }
  return to === 'int64' || to === 'int32' ? castColumn(out, to, errors) : out;
}

/**
 * A string column whose dictionary holds only the values it uses (pieces of a shuffle would
 * otherwise each carry the whole dictionary of their source partition).
 */
export function compactStrings(c: Column): Column {
  if (c.dtype !== 'string') return c;
  const dict = c.dict!;
  const codes = c.data as Int32Array;
  if (dict.length <= 64 || dict.length <= codes.length / 4) return c;
  const remap = new Int32Array(dict.length).fill(-1);
  const out = new Int32Array(codes.length);
  const used: string[] = [];
  for (let i = 0; i < codes.length; i++) {
    const k = codes[i];
    if (k < 0) {
      out[i] = -1;
      continue;
    }
    let r = remap[k];
    if (r < 0) {
      r = used.length;
      remap[k] = r;
      used.push(dict[k]);
    }
    out[i] = r;
  }
  return sameAlias({ dtype: 'string', data: out, dict: used }, c);
}
