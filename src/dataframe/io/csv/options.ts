/** readCsv options and their normalized form (plain data, so block tasks ship anywhere). */
import { type DType, type DTypeName, normalizeDType } from '../../frame.js';

export interface ReadCsvOptions {
  /** Column dtypes; anything not given is inferred from a sample of the first file. */
  dtype?: Readonly<Record<string, DTypeName>>;
  /** Columns to parse as datetimes, or `{ Date: ['Year', 'Month', 'Day'] }` / `{ Date: [0, 1, 2] }` to join columns into one. */
  parseDates?: readonly string[] | Readonly<Record<string, ReadonlyArray<string | number>>>;
  /** Bytes per partition (number or '64MB', '512KiB'...); null = one partition per file. Default 64MB, or 1/20 of the connected Client's memory limit per worker thread when that is smaller (at least 4MB). */
  blocksize?: number | string | null;
  usecols?: readonly string[];
  sep?: string;
  header?: boolean;
  /** Column names (required when header is false, optional otherwise to rename). */
  names?: readonly string[];
  compression?: 'infer' | 'gzip' | 'none';
  encoding?: 'utf8' | 'utf-8' | 'latin1' | 'latin-1' | 'iso-8859-1';
  /** Read integer-looking columns as float64 so later missing values fit (Dask's assume_missing). */
  assumeMissing?: boolean;
  /** Bytes of the first file used to infer dtypes (default 256000, like Dask). */
  sampleBytes?: number;
  /** Extra strings meaning "missing" (added to the defaults: '', NA, N/A, NaN, null, ...). */
  naValues?: readonly string[];
  /** Use only naValues (not the defaults). */
  keepDefaultNa?: boolean;
}

export const DEFAULT_NA = [
  '',
  '#N/A',
  '#N/A N/A',
  '#NA',
  '-1.#IND',
  '-1.#QNAN',
  '-NaN',
  '-nan',
  '1.#IND',
  '1.#QNAN',
  '<NA>',
  'N/A',
  'NA',
  'NULL',
  'NaN',
  'None',
  'n/a',
  'nan',
  'null',
];

/** How a physical column of the file is read. */
export type ReadKind = DType | 'skip';

export interface BlockSpec {
  /** Per physical column: output name and how to read it. */
  names: string[];
  kinds: ReadKind[];
  /** Joined date columns: output name and the physical column indexes, in order. */
  joins: Array<{ name: string; cols: number[] }>;
  sep: number;
  latin1: boolean;
  gzip: boolean;
  header: boolean;
  na: string[];
  /** Where the inferred dtypes came from, for error messages. */
  inferredFrom: string;
  inferred: boolean[];
  /** Header line text of the first file (checked against every file). */
  headerLine: string | null;
  /** Text columns the user asked for as 'object' (read as strings, reported as 'object'). */
  objects?: readonly string[];
  /** Columns whose sample held missing values, and int columns whose sample held zeros (what the meta knows: column/meta-facts.ts). */
  sampled?: { readonly missing: readonly string[]; readonly zeros: readonly string[] };
}

/** Knobs of the reader's internals; tests change them to reach every code path. */
export const readTuning = {
  /** Bytes per read: small enough to stay in cache while parsed, reused block after block. */
  chunk: 1 << 20,
  /** Use the generated row loop (fast-rows.ts) for the common rows. */
  fastRows: true,
};

const UNITS: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };

export function parseBytes(x: number | string): number {
  if (typeof x === 'number') return x;
  const m = /^\s*([\d.]+)\s*([a-z]*)\s*$/i.exec(x);
  const unit = m ? UNITS[(m[2] || 'b').toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new TypeError(`readCsv: cannot read a size from '${x}'; use a number of bytes or e.g. '64MB', '256KiB'`);
  return Math.round(Number(m[1]) * unit);
}

export function normalizeDtypes(dtype: ReadCsvOptions['dtype']): Record<string, DType> {
  const out: Record<string, DType> = {};
  for (const [k, v] of Object.entries(dtype ?? {})) out[k] = normalizeDType(v, `readCsv dtype for '${k}'`);
  return out;
}
