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
import { columnFromTyped, columnFromValues, getCell } from './column/cells.js';
import type { Cell, DType } from './column/dtype.js';
import { columnBytes, type Column, type ColumnData, emptyColumn, sameAlias } from './column/storage.js';
import { columnLength } from './column/strings.js';

// The column modules, re-exported: most code reads frames and columns together.
export * from './column/cells.js';
export * from './column/dtype.js';
export * from './column/float-text.js';
export * from './column/int64.js';
export * from './column/meta-facts.js';
export * from './column/storage.js';
export * from './column/strings.js';
export * from './column/transform.js';

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
    return new Frame(
      this.names,
      this.columns.map((c) => sameAlias(emptyColumn(c.dtype), c)),
      0,
      this.index && emptyColumn(this.index.dtype),
    );
  }

  static empty(schema: ReadonlyArray<readonly [string, DType]>): Frame {
    return new Frame(
      schema.map(([n]) => n),
      schema.map(([, t]) => emptyColumn(t)),
      0,
    );
  }

  /** Build from plain columns of JS values; dtypes inferred unless given. */
  static fromColumns(cols: Record<string, readonly Cell[] | ColumnData>, dtypes: Record<string, DType> = {}): Frame {
    const names = Object.keys(cols);
    const columns = names.map((n) => {
      const v = cols[n];
      return ArrayBuffer.isView(v) ? columnFromTyped(v, dtypes[n]) : columnFromValues(v, dtypes[n]);
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

export function frameBytes(f: Frame): number {
  let n = 0;
  for (const c of f.columns) n += columnBytes(c);
  return n;
}
