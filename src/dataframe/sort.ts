/**
 * Lazy sorting: sortValues, setIndex, nlargest / nsmallest.
 *
 * sortValues on several partitions is a distributed sort: every partition sends an evenly
 * spaced sample of the first sort column, the pooled samples give npartitions - 1 boundaries,
 * each partition is range-split by them (a shuffle), and each output partition sorts its rows.
 * Output partition j holds the j-th value range, so concatenating the outputs is the sorted
 * frame; ties keep their input order (stable). Missing values go to the end.
 */
import { kernel } from '../core/kernels.js';
import { DataFrame, fromSingleKey } from './dataframe.js';
import type { Cell, Frame } from './frame.js';
import { blockwise, inferMeta, treeReduce } from './graph.js';
import { concatFrames } from './ops/concat.js';
import { topChunk, topCombine } from './ops/nlargest.js';
import { concatPieces } from './ops/shuffle.js';
import { normalizeAscending, rangeSplit, sort, sortBoundaries, sortFrame, sortSample, toIndex } from './ops/sort.js';
import { Scalar } from './scalar.js';
import { Series } from './series.js';
import { shuffleLayer } from './shuffle.js';

const concatSamples = kernel('dataframe.sort-samples', (samples: readonly Cell[][]): Cell[] => samples.flat());

const concatSort = kernel('dataframe.concat-sort', (pieces: readonly Frame[], by: readonly string[], ascending: readonly boolean[]): Frame =>
  sortFrame(concatFrames(pieces), by, ascending),
);

export interface SortOptions {
  ascending?: boolean | readonly boolean[];
  /** Output partitions (default: as many as the input). */
  npartitions?: number;
}

/** A frame (or series, by its values) sorted by columns. */
export function sortValues<C extends DataFrame | Series>(df: C, by: readonly string[], opts: SortOptions = {}): C {
  if (by.length === 0) throw new TypeError('sortValues: give at least one column');
  for (const b of by) if (!df.meta.has(b)) df.meta.col(b);
  const asc = normalizeAscending(by, opts.ascending ?? true);
  const make = (prefix: string, n: number, layer: DataFrame['layer']): C =>
    (df instanceof Series ? new Series(prefix, n, df.meta, layer) : new DataFrame(prefix, n, df.meta, layer)) as C;
  const nOut = opts.npartitions ?? df.npartitions;
  if (df.npartitions === 1 && nOut === 1) {
    const b = blockwise('sort-values', sort, [df, [...by], asc]);
    return make(b.prefix, 1, b.layer);
  }
  const k = Math.max(20, 10 * nOut);
  const s = treeReduce('sort-sample', df, {
    chunk: sortSample,
    chunkArgs: [by[0], k],
    combine: concatSamples,
    aggregate: sortBoundaries,
    aggregateArgs: [nOut],
  });
  const boundaries = new Scalar<Cell[]>(s.key, s.layer, null);
  const b = shuffleLayer(df, {
    name: 'sort-values',
    nOut,
    split: rangeSplit,
    splitArgs: [by[0], boundaries, nOut, asc[0]],
    merge: concatPieces,
    combine: concatSort,
    combineArgs: [[...by], asc],
  });
  return make(b.prefix, nOut, b.layer);
}

/** Sort by a column and make it the index (dropped from the columns, as Dask's set_index). */
export function setIndex(df: DataFrame, column: string, opts: { drop?: boolean; npartitions?: number } = {}): DataFrame {
  const sorted = sortValues(df, [column], { npartitions: opts.npartitions });
  const args = [sorted, column, opts.drop ?? true];
  const b = blockwise('set-index', toIndex, args);
  return new DataFrame(b.prefix, b.npartitions, inferMeta('set-index', toIndex, args), b.layer);
}

/** The n rows with the largest (or smallest) values of `by`, most extreme first. */
export function selectN<C extends DataFrame | Series>(df: C, n: number, by: readonly string[], largest: boolean): C {
  const name = largest ? 'nlargest' : 'nsmallest';
  for (const b of by) if (!df.meta.has(b)) df.meta.col(b);
  const meta = inferMeta(name, topChunk, [df, n, [...by], largest]);
  const { key, layer } = treeReduce(name, df, {
    chunk: topChunk,
    chunkArgs: [n, [...by], largest],
    combine: topCombine,
    combineArgs: [n, [...by], largest],
    aggregate: topCombine,
    aggregateArgs: [n, [...by], largest],
  });
  return fromSingleKey<C>(df instanceof Series ? 'series' : 'frame', name, key, layer, meta);
}
