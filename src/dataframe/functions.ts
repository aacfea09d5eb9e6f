/** The top-level functions of tsdask/dataframe (dd.readCsv, dd.merge, ...): a builder each, wrapped. */
import type { Delayed } from '../core/delayed.js';
import { type DataFrame, type Series, wrapFrame, wrapSeries } from './collections/index.js';
import type { DanfoDataFrame } from './danfo.js';
import type { DTypeName, Frame } from './frame.js';
import type { ReadCsvOptions } from './io/csv/options.js';
import { readCsvSpec } from './io/csv/read.js';
import * as create from './plan/create.js';
import * as ew from './plan/elementwise.js';
import { merge as mergeSpec, type MergeOptions } from './plan/merge.js';

export type { ToDatetimeOptions } from './plan/elementwise.js';

export interface MergeArgs extends MergeOptions {
  left: DataFrame;
  right: DataFrame;
}

/**
 * Read CSV files as a lazy DataFrame: one partition per block of about `blocksize` bytes
 * (default 64MB; gzip files are one block each).
 */
export function readCsv(pathOrGlob: string | readonly string[], opts: ReadCsvOptions = {}): DataFrame {
  return wrapFrame(readCsvSpec(pathOrGlob, opts));
}

/** A DataFrame over in-memory partitions (graph data nodes). */
export function fromFrames(parts: readonly Frame[], name?: string): DataFrame {
  return wrapFrame(create.fromFrames(parts, name));
}

/** Split a danfo.DataFrame into partitions of about equal size (default: 1 partition per 100k rows, at least 1). */
export function fromDanfo(df: DanfoDataFrame, opts: { npartitions?: number; chunksize?: number } = {}): DataFrame {
  return wrapFrame(create.fromDanfo(df, opts));
}

/**
 * A DataFrame whose partitions are Delayed danfo frames. The schema comes from `meta` or, as
 * in Dask, from computing the first part (synchronously; pass `meta` when that part is async
 * or expensive).
 */
export function fromDelayed(parts: ReadonlyArray<Delayed<unknown>>, opts: { meta?: DanfoDataFrame | Readonly<Record<string, DTypeName>> } = {}): DataFrame {
  return wrapFrame(create.fromDelayed(parts, opts));
}

/** Stack frames vertically: the partitions of each, in order. Columns are unioned by name. */
export function concat(frames: readonly DataFrame[]): DataFrame {
  return wrapFrame(create.concat(frames));
}

/** Merge two frames (pandas' merge): `dd.merge({ left, right, on, how })`. */
export function merge(args: MergeArgs): DataFrame {
  const { left, right, ...opts } = args;
  return wrapFrame(mergeSpec(left, right, opts));
}

/** Parse a string series as datetimes (each distinct string once). */
export function toDatetime(s: Series, opts: ew.ToDatetimeOptions = {}): Series {
  return wrapSeries(ew.toDatetime(s, opts));
}

/** Parse a string series as numbers (each distinct string once). */
export function toNumeric(s: Series, opts: { errors?: 'raise' | 'coerce' } = {}): Series {
  return wrapSeries(ew.toNumeric(s, opts));
}
