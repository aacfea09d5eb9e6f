/** String columns whose dictionary stays as bytes until something reads it. */
import { type Column, sameAlias } from './storage.js';

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
    /** The entries already decoded, when the bytes were made from them (nothing to decode here). */
    decoded?: string[],
  ) {
    this.strings = decoded;
  }
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
export function deferredStringColumn(length: number, build: () => { codes: Int32Array; dict: StringBytes }, missing?: Int32Array): Column {
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
  if (missing !== undefined) Object.defineProperty(col, MISSING, { value: missing });
  return col;
}

const MISSING = Symbol('tsdask.missing');

/**
 * Codes whose negative entries are the missing rows, without building a deferred column's
 * dictionary (readCsv's raw codes already mark them; building only renumbers the others):
 * isna/notna need no deduplication.
 */
export function missingCodes(c: Column): Int32Array {
  return (c as { [MISSING]?: Int32Array })[MISSING] ?? (c.data as Int32Array);
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
  return sameAlias(src !== undefined ? lazyStringColumn(codes, src) : { dtype: 'string', data: codes, dict: c.dict }, c);
}

/** Entry `k` of a string column's dictionary without materializing a lazy dictionary. */
export function dictEntry(c: Column, k: number): string {
  const src = stringBytesOf(c);
  return src !== undefined ? src.get(k) : c.dict![k];
}
