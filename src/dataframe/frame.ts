/**
 * The columnar partition: one typed array per column, so kernels loop over numbers instead of
 * boxed cells.
 *
 * | dtype    | storage                          | missing                  |
 * | -------- | -------------------------------- | ------------------------ |
 * | float64  | Float64Array                     | NaN                      |
 * | int64    | Float64Array (exact to 2^53)     | none (like pandas int64) |
 * | int32    | Int32Array                       | none                     |
 * | bool     | Uint8Array, 0 / 1                | 2                        |
 * | string   | Int32Array codes + dictionary    | code -1                  |
 * | datetime | Float64Array, epoch milliseconds | NaN (NaT)                |
 *
 * int64 lives in a Float64Array on purpose: JS numbers are doubles, every kernel then shares
 * one code path with float64, and ids/counts in CSVs stay far below 2^53. A BigInt64Array
 * would make every arithmetic kernel pay for BigInt conversion.
 *
 * A Series partition is a Frame with one column. `index` is optional row labels (reductions
 * by column, value counts); most frames have none and rows are simply numbered.
 */

export type DType = 'float64' | 'int64' | 'int32' | 'bool' | 'string' | 'datetime';
export const DTYPES: readonly DType[] = ['float64', 'int64', 'int32', 'bool', 'string', 'datetime'];

/** dtype names users may write; `object` is pandas' name for text columns. */
export type DTypeName = DType | 'object' | 'float' | 'int' | 'boolean' | 'str' | 'float32' | 'datetime64[ns]';

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

export type ColumnData = Float64Array | Int32Array | Uint8Array;

export interface Column {
  readonly dtype: DType;
  readonly data: ColumnData;
  /** Strings only: the values the codes point into. */
  readonly dict?: readonly string[];
}

export const BOOL_NA = 2;
export const STRING_NA = -1;

/** A JS value as users see it: number, string, boolean, Date, or null for missing. */
export type Cell = number | string | boolean | Date | null;

export class Frame {
  constructor(
    readonly names: readonly string[],
    readonly columns: readonly Column[],
    readonly length: number,
    readonly index?: Column,
  ) {
    for (const c of columns) {
      const n = columnLength(c);
      if (n !== length) throw new Error(`Frame: column of length ${n} in a frame of ${length} rows`);
    }
    if (names.length !== columns.length) throw new Error(`Frame: ${names.length} names for ${columns.length} columns`);
  }

  get dtypes(): DType[] {
    return this.columns.map((c) => c.dtype);
  }

  has(name: string): boolean {
    return this.names.includes(name);
  }

  col(name: string): Column {
    const i = this.names.indexOf(name);
    if (i < 0) throw new KeyError(name, this.names);
    return this.columns[i];
  }

  /** Column by name or position. */
  at(i: number): Column {
    return this.columns[i];
  }

  /** The only column of a one-column frame (a Series partition). */
  get series(): Column {
    if (this.columns.length !== 1) throw new Error(`expected a one-column frame (a Series), got ${this.columns.length} columns`);
    return this.columns[0];
  }

  withColumns(names: readonly string[], columns: readonly Column[]): Frame {
    return new Frame(names, columns, this.length, this.index);
  }

  /** Empty frame with the same schema (the `meta` of a collection). */
  empty(): Frame {
    return new Frame(this.names, this.columns.map((c) => emptyColumn(c.dtype)), 0, this.index && emptyColumn(this.index.dtype));
  }

  static empty(schema: ReadonlyArray<readonly [string, DType]>): Frame {
    return new Frame(schema.map(([n]) => n), schema.map(([, t]) => emptyColumn(t)), 0);
  }

  /** Build from plain columns of JS values; dtypes inferred unless given. */
  static fromColumns(cols: Record<string, readonly Cell[] | ColumnData>, dtypes: Record<string, DType> = {}): Frame {
    const names = Object.keys(cols);
    const columns = names.map((n) => {
      const v = cols[n];
      return ArrayBuffer.isView(v) ? columnFromTyped(v as ColumnData, dtypes[n]) : columnFromValues(v as readonly Cell[], dtypes[n]);
    });
    const length = columns.length === 0 ? 0 : columns[0].data.length;
    return new Frame(names, columns, length);
  }

  /** Rows as plain objects (tests, small previews). */
  toRecords(): Record<string, Cell>[] {
    const out: Record<string, Cell>[] = [];
    for (let r = 0; r < this.length; r++) {
      const row: Record<string, Cell> = {};
      for (let c = 0; c < this.names.length; c++) row[this.names[c]] = getCell(this.columns[c], r);
      out.push(row);
    }
    return out;
  }

  /** One column as plain JS values. */
  values(name: string): Cell[] {
    const c = this.col(name);
    const out = new Array<Cell>(this.length);
    for (let i = 0; i < this.length; i++) out[i] = getCell(c, i);
    return out;
  }
}

export class KeyError extends Error {
  constructor(name: string, have: readonly string[]) {
    super(`column '${name}' not found; columns are: ${have.join(', ')}`);
    this.name = 'KeyError';
  }
}

/**
 * A string dictionary still held as bytes (as parsed from a file or received from another
 * process): entry k is bytes[offsets[k], offsets[k + 1]). JS strings are made on first use
 * of `column.dict`; codecs send the bytes as they are, so a string column can be read on a
 * worker and shipped without ever creating a JS string there.
 */
export class StringBytes {
  constructor(
    readonly bytes: Uint8Array,
    readonly offsets: Int32Array,
    /** latin1 text, or UTF-8 that is pure ASCII (both decode byte by byte). */
    readonly oneByte: boolean,
  ) {}
  get size(): number {
    return this.offsets.length - 1;
  }
  /** One entry, decoded on its own (for reading a few rows of a big dictionary). */
  get(k: number): string {
    const buf = Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    return buf.toString(this.oneByte ? 'latin1' : 'utf8', this.offsets[k], this.offsets[k + 1]);
  }
  private strings?: string[];
  /** All entries as JS strings, decoded once per dictionary and shared by every column using it. */
  materialize(): string[] {
    return (this.strings ??= this.decodeAll());
  }
  private decodeAll(): string[] {
    const n = this.size;
    const out = new Array<string>(n);
    const buf = Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength) as Buffer & {
      latin1Slice(s: number, e: number): string;
      utf8Slice(s: number, e: number): string;
    };
    const o = this.offsets;
    if (this.oneByte) for (let k = 0; k < n; k++) out[k] = buf.latin1Slice(o[k], o[k + 1]);
    else for (let k = 0; k < n; k++) out[k] = buf.utf8Slice(o[k], o[k + 1]);
    return out;
  }
}

const STRING_BYTES = Symbol('tsdask.stringBytes');

/** A string column whose dictionary materializes lazily from bytes (same Column contract). */
export function lazyStringColumn(codes: Int32Array, src: StringBytes): Column {
  const col = {
    dtype: 'string' as const,
    data: codes,
    get dict(): readonly string[] {
      return src.materialize();
    },
  };
  Object.defineProperty(col, STRING_BYTES, { value: src });
  return col;
}

const ROWS = Symbol('tsdask.rows');

/**
 * A string column whose codes and dictionary are built on first use of `data`, `dict` or its
 * bytes (readCsv keeps high-cardinality text as one entry per value and deduplicates only when
 * a kernel reads it). Same Column contract; building frames around it does not force it.
 */
export function deferredStringColumn(length: number, build: () => { codes: Int32Array; dict: StringBytes }): Column {
  let make: typeof build | undefined = build;
  let built: Column | undefined;
  const force = (): Column => {
    if (built === undefined) {
      const { codes, dict } = make!();
      make = undefined;
      built = lazyStringColumn(codes, dict);
    }
    return built;
  };
  const col = {
    dtype: 'string' as const,
    get data(): Int32Array {
      return force().data as Int32Array;
    },
    get dict(): readonly string[] {
      return force().dict!;
    },
  };
  Object.defineProperty(col, STRING_BYTES, { get: () => stringBytesOf(force()) });
  Object.defineProperty(col, ROWS, { value: length });
  return col;
}

/** Rows of a column, without forcing a deferred string column. */
export function columnLength(c: Column): number {
  return (c as { [ROWS]?: number })[ROWS] ?? c.data.length;
}

/** The byte form of a lazily decoded dictionary, if the column has one. */
export function stringBytesOf(c: Column): StringBytes | undefined {
  return (c as { [STRING_BYTES]?: StringBytes })[STRING_BYTES];
}

/** A string column with new codes over the same dictionary, keeping it lazy when it is. */
export function withCodes(c: Column, codes: Int32Array): Column {
  const src = stringBytesOf(c);
  return src !== undefined ? lazyStringColumn(codes, src) : { dtype: 'string', data: codes, dict: c.dict };
}

/** Entry `k` of a string column's dictionary without materializing a lazy dictionary. */
export function dictEntry(c: Column, k: number): string {
  const src = stringBytesOf(c);
  return src !== undefined ? src.get(k) : c.dict![k];
}

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

export function isNumericDType(t: DType): boolean {
  return t === 'float64' || t === 'int64' || t === 'int32';
}

/** Numeric for reductions: numbers and bools (pandas sums bools). */
export function isNumberLike(t: DType): boolean {
  return isNumericDType(t) || t === 'bool';
}

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

/** Rows `idx` of a column, in that order; index -1 gives a missing value. */
export function takeColumn(c: Column, idx: Int32Array | readonly number[]): Column {
  const n = idx.length;
  let hasNull = false;
  for (let i = 0; i < n; i++) if (idx[i] < 0) { hasNull = true; break; }
  // Integers cannot hold a missing value: widen to float64, as pandas does.
  const dtype: DType = hasNull && (c.dtype === 'int64' || c.dtype === 'int32') ? 'float64' : c.dtype;
  const out = dtype === 'string' ? withCodes(c, new Int32Array(n)) : allocColumn(dtype, n);
  const src = c.data;
  const dst = out.data;
  const na = missingFill(dtype);
  for (let i = 0; i < n; i++) {
    const j = idx[i];
    dst[i] = j < 0 ? na : src[j];
  }
  return out;
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
  const dtype = commonDType(cols.map((c) => c.dtype));
  const parts = cols.map((c) => (c.dtype === dtype ? c : castColumn(c, dtype)));
  let n = 0;
  for (const c of parts) n += c.data.length;
  if (dtype !== 'string') {
    const out = allocColumn(dtype, n);
    let at = 0;
    for (const c of parts) {
      (out.data as Float64Array).set(c.data as Float64Array, at);
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
      out.set(c.data as Int32Array, at);
      at += c.data.length;
    }
    return lazyStringColumn(out, firstBytes);
  }
  const first = parts[0].dict!;
  if (parts.every((p) => p.dict === first)) {
    const out = new Int32Array(n);
    let at = 0;
    for (const c of parts) {
      out.set(c.data as Int32Array, at);
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

export function commonDType(ts: readonly DType[]): DType {
  const set = new Set(ts);
  if (set.size === 1) return ts[0];
  if ([...set].every(isNumberLike)) {
    if (set.has('float64') || set.has('bool')) return 'float64';
    return 'int64';
  }
  return 'string';
}

/** Convert a column to another dtype (astype). Strings parse as numbers/dates; bad values raise. */
export function castColumn(c: Column, to: DType, errors: 'raise' | 'coerce' = 'raise'): Column {
  if (c.dtype === to) return c;
  const n = c.data.length;
  if (to === 'string') {
    const vals = new Array<Cell>(n);
    for (let i = 0; i < n; i++) {
      const v = getCell(c, i);
      vals[i] = v === null || (typeof v === 'number' && Number.isNaN(v)) ? null : v instanceof Date ? v.toISOString() : String(v);
    }
    return columnFromValues(vals, 'string');
  }
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

/** Bytes held by a column (for memory accounting). */
export function columnBytes(c: Column): number {
  let n = c.data.byteLength;
  if (c.dict) for (const s of c.dict) n += 2 * s.length + 16;
  return n;
}

export function frameBytes(f: Frame): number {
  let n = 0;
  for (const c of f.columns) n += columnBytes(c);
  return n;
}
