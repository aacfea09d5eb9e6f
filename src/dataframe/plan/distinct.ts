/**
 * Distinct values: valueCounts and unique of a series, distinct (drop_duplicates) of a frame,
 * isin against another series. Each is a tree reduction of per-partition distinct sets into
 * one partition; `distinct` can instead hash-shuffle into several (`splitOut`).
 */
import { partKey } from '../../core/collection.js';
import { distinctRows, distinctSplit, dropDuplicatesChunk, dropDuplicatesCombine, type Keep } from '../ops/distinct.js';
import { isinValues, uniqueChunk, uniqueCombine } from '../ops/unique.js';
import { valueCountsChunk, valueCountsCombine, valueCountsFinalize } from '../ops/value-counts.js';
import { derive, inferMeta } from './blockwise.js';
import { onePartition, treeReduce } from './reduce.js';
import { shuffle } from './shuffle.js';
import { type FrameSpec, scalarSpec } from './spec.js';

export interface ValueCountsOptions {
  /** Fractions of the total instead of counts. */
  normalize?: boolean;
  /** Skip missing values (default true). */
  dropna?: boolean;
  /** Sort by count (default true). */
  sort?: boolean;
  /** Smallest counts first (default false). */
  ascending?: boolean;
  splitEvery?: number;
}

/** Counts of each distinct value, largest first; the values are the index. */
export function valueCounts(s: FrameSpec<'series'>, opts: ValueCountsOptions = {}): FrameSpec<'series'> {
  const dropna = opts.dropna ?? true;
  const finalArgs = [opts.normalize ?? false, opts.sort ?? true, opts.ascending ?? false] as const;
  const counts = treeReduce('value-counts', s, {
    chunk: valueCountsChunk,
    chunkArgs: [dropna],
    combine: valueCountsCombine,
    aggregate: valueCountsFinalize,
    aggregateArgs: finalArgs,
    splitEvery: opts.splitEvery,
  });
  const meta = valueCountsFinalize([valueCountsChunk(s.meta, dropna)], ...finalArgs);
  return onePartition('series', 'value-counts', counts, meta);
}

/** Distinct values in order of first appearance. */
export function unique(s: FrameSpec<'series'>, opts: { splitEvery?: number } = {}): FrameSpec<'series'> {
  const u = treeReduce('unique', s, { chunk: uniqueChunk, combine: uniqueCombine, aggregate: uniqueCombine, splitEvery: opts.splitEvery });
  return onePartition('series', 'unique', u, s.meta);
}

export interface DistinctOptions {
  /** Columns that decide whether rows are duplicates (default: all). */
  subset?: readonly string[];
  keep?: Keep;
  /** Output partitions: 1 = tree reduction; more = hash shuffle by the subset columns. */
  splitOut?: number;
  splitEvery?: number;
}

/** Rows with duplicates removed (pandas' drop_duplicates). */
export function distinct(df: FrameSpec<'frame'>, opts: DistinctOptions = {}): FrameSpec<'frame'> {
  const subset = opts.subset ? [...opts.subset] : null;
  for (const c of subset ?? []) if (!df.meta.has(c)) df.meta.col(c);
  const keep = opts.keep ?? 'first';
  if (keep !== 'first' && keep !== 'last') throw new TypeError(`distinct: keep must be 'first' or 'last', got '${String(keep)}'`);
  const splitOut = opts.splitOut ?? 1;
  if (splitOut === 1) {
    const rows = treeReduce('drop-duplicates', df, {
      chunk: dropDuplicatesChunk,
      chunkArgs: [subset, keep],
      combine: dropDuplicatesCombine,
      combineArgs: [subset, keep],
      aggregate: dropDuplicatesCombine,
      aggregateArgs: [subset, keep],
      splitEvery: opts.splitEvery,
    });
    return onePartition('frame', 'drop-duplicates', rows, df.meta);
  }
  const spec = {
    name: 'drop-duplicates',
    nOut: splitOut,
    split: distinctSplit,
    splitArgs: [subset, keep, splitOut],
    merge: dropDuplicatesCombine,
    mergeArgs: [subset, keep],
    combine: dropDuplicatesCombine,
    combineArgs: [subset, keep],
  };
  return shuffle('frame', df, spec, inferMeta('drop-duplicates', distinctRows, [df, subset, keep]));
}

/** `s.isin(other)`: membership in another (lazy) series' distinct values, computed once. */
export function isinSeries(s: FrameSpec<'series'>, other: FrameSpec<'series'>): FrameSpec<'series'> {
  const u = unique(other);
  // The distinct values are one partition; every partition of `s` reads that one key.
  const values = scalarSpec(partKey(u.prefix, 0), u.layer, u.meta);
  return derive('series', 'isin', isinValues, [s, values]);
}
