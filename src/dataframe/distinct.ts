/**
 * Lazy distinct-value operations: valueCounts and unique of a series, distinct
 * (drop_duplicates) of a frame. Each is a tree reduction of per-partition distinct sets
 * into one partition; `distinct` can instead hash-shuffle into several (`splitOut`).
 */
import { kernel } from '../core/kernels.js';
import { DataFrame, fromSingleKey } from './dataframe.js';
import type { Cell, Frame } from './frame.js';
import { blockwise, inferMeta, partKey, treeReduce } from './graph.js';
import { dropDuplicatesChunk, dropDuplicatesCombine, distinctRows, type Keep } from './ops/distinct.js';
import { splitByKeys } from './ops/shuffle.js';
import { isinValues, uniqueChunk, uniqueCombine } from './ops/unique.js';
import { valueCountsChunk, valueCountsCombine, valueCountsFinalize } from './ops/value-counts.js';
import { Scalar } from './scalar.js';
import { Series } from './series.js';
import { shuffleLayer } from './shuffle.js';

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
export function valueCounts(s: Series, opts: ValueCountsOptions = {}): Series {
  const dropna = opts.dropna ?? true;
  const finalArgs = [opts.normalize ?? false, opts.sort ?? true, opts.ascending ?? false];
  const { key, layer } = treeReduce('value-counts', s, {
    chunk: valueCountsChunk,
    chunkArgs: [dropna],
    combine: valueCountsCombine,
    aggregate: valueCountsFinalize,
    aggregateArgs: finalArgs,
    splitEvery: opts.splitEvery,
  });
  const meta = valueCountsFinalize([valueCountsChunk(s.meta, dropna)], ...(finalArgs as [boolean, boolean, boolean]));
  return fromSingleKey<Series>('series', 'value-counts', key, layer, meta);
}

/** Distinct values in order of first appearance. */
export function unique(s: Series, opts: { splitEvery?: number } = {}): Series {
  const { key, layer } = treeReduce('unique', s, { chunk: uniqueChunk, combine: uniqueCombine, aggregate: uniqueCombine, splitEvery: opts.splitEvery });
  return fromSingleKey<Series>('series', 'unique', key, layer, s.meta);
}

export interface DistinctOptions {
  /** Columns that decide whether rows are duplicates (default: all). */
  subset?: readonly string[];
  keep?: Keep;
  /** Output partitions: 1 = tree reduction; more = hash shuffle by the subset columns. */
  splitOut?: number;
  splitEvery?: number;
}

const distinctSplit = kernel(
  'dataframe.drop-duplicates.split',
  (part: Frame, subset: readonly string[] | null, keep: Keep, nparts: number, base = nparts, stage = 0): Frame[] =>
    splitByKeys(distinctRows(part, subset, keep), subset ?? part.names, nparts, base, stage),
);

/** Rows with duplicates removed (pandas' drop_duplicates). */
export function distinct(df: DataFrame, opts: DistinctOptions = {}): DataFrame {
  const subset = opts.subset ? [...opts.subset] : null;
  for (const c of subset ?? []) if (!df.meta.has(c)) df.meta.col(c);
  const keep = opts.keep ?? 'first';
  if (keep !== 'first' && keep !== 'last') throw new TypeError(`distinct: keep must be 'first' or 'last', got '${String(keep)}'`);
  const splitOut = opts.splitOut ?? 1;
  if (splitOut === 1) {
    const { key, layer } = treeReduce('drop-duplicates', df, {
      chunk: dropDuplicatesChunk,
      chunkArgs: [subset, keep],
      combine: dropDuplicatesCombine,
      combineArgs: [subset, keep],
      aggregate: dropDuplicatesCombine,
      aggregateArgs: [subset, keep],
      splitEvery: opts.splitEvery,
    });
    return fromSingleKey<DataFrame>('frame', 'drop-duplicates', key, layer, df.meta);
  }
  const b = shuffleLayer(df, {
    name: 'drop-duplicates',
    nOut: splitOut,
    split: distinctSplit,
    splitArgs: [subset, keep, splitOut],
    merge: dropDuplicatesCombine,
    mergeArgs: [subset, keep],
    combine: dropDuplicatesCombine,
    combineArgs: [subset, keep],
  });
  return new DataFrame(b.prefix, b.npartitions, inferMeta('drop-duplicates', distinctRows, [df, subset, keep]), b.layer);
}

/** `s.isin(other)`: membership in another (lazy) series' distinct values, computed once. */
export function isinSeries(s: Series, other: Series): Series {
  const u = unique(other);
  // The distinct values are one partition; every partition of `s` reads that one key.
  const values = new Scalar<Frame>(partKey(u.prefix, 0), u.layer, u.meta as unknown as Cell);
  const args = [s, values];
  const b = blockwise('isin', isinValues, args);
  return new Series(b.prefix, b.npartitions, inferMeta('isin', isinValues, args), b.layer);
}
