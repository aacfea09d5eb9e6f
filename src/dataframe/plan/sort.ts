/**
 * Sorting: sortValues, setIndex, nlargest / nsmallest.
 *
 * sortValues on several partitions is a distributed sort: every partition sends an evenly
 * spaced sample of the first sort column, the pooled samples give npartitions - 1 boundaries,
 * each partition is range-split by them (a shuffle), and each output partition sorts its rows.
 * Output partition j holds the j-th value range, so concatenating the outputs is the sorted
 * frame; ties keep their input order (stable). Missing values go to the end.
 */
import { topChunk, topCombine } from '../ops/nlargest.js';
import { concatPieces } from '../ops/shuffle.js';
import { concatSamples, concatSort, normalizeAscending, rangeSplit, sort, sortBoundaries, sortSample, toIndex } from '../ops/sort.js';
import { blockwise, derive, inferMeta } from './blockwise.js';
import { onePartition, treeReduce } from './reduce.js';
import { shuffle } from './shuffle.js';
import type { FrameSpec, Kind } from './spec.js';

export interface SortOptions {
  ascending?: boolean | readonly boolean[];
  /** Output partitions (default: as many as the input). */
  npartitions?: number;
}

/** A frame (or series, by its values) sorted by columns. */
export function sortValues<K extends Kind>(df: FrameSpec<K>, by: readonly string[], opts: SortOptions = {}): FrameSpec<K> {
  if (by.length === 0) throw new TypeError('sortValues: give at least one column');
  for (const b of by) if (!df.meta.has(b)) df.meta.col(b);
  const asc = normalizeAscending(by, opts.ascending ?? true);
  const nOut = opts.npartitions ?? df.npartitions;
  if (df.npartitions === 1 && nOut === 1) {
    return blockwise(df.kind, 'sort-values', sort, [df, [...by], asc], df.meta);
  }
  const k = Math.max(20, 10 * nOut);
  const boundaries = treeReduce('sort-sample', df, {
    chunk: sortSample,
    chunkArgs: [by[0], k],
    combine: concatSamples,
    aggregate: sortBoundaries,
    aggregateArgs: [nOut],
  });
  const spec = {
    name: 'sort-values',
    nOut,
    split: rangeSplit,
    splitArgs: [by[0], boundaries, nOut, asc[0]],
    merge: concatPieces,
    combine: concatSort,
    combineArgs: [[...by], asc],
  };
  return shuffle(df.kind, df, spec, df.meta);
}

/** Sort by a column and make it the index (dropped from the columns, as Dask's set_index). */
export function setIndex(df: FrameSpec<'frame'>, column: string, opts: { drop?: boolean; npartitions?: number } = {}): FrameSpec<'frame'> {
  const sorted = sortValues(df, [column], { npartitions: opts.npartitions });
  return derive('frame', 'set-index', toIndex, [sorted, column, opts.drop ?? true]);
}

/** The n rows with the largest (or smallest) values of `by`, most extreme first. */
export function selectN<K extends Kind>(df: FrameSpec<K>, n: number, by: readonly string[], largest: boolean): FrameSpec<K> {
  const name = largest ? 'nlargest' : 'nsmallest';
  for (const b of by) if (!df.meta.has(b)) df.meta.col(b);
  const meta = inferMeta(name, topChunk, [df, n, [...by], largest]);
  const args = [n, [...by], largest];
  const top = treeReduce(name, df, { chunk: topChunk, chunkArgs: args, combine: topCombine, combineArgs: args, aggregate: topCombine, aggregateArgs: args });
  return onePartition(df.kind, name, top, meta);
}
