/**
 * Tree reductions over a frame's partitions (the shared core/tree-reduce.ts): the result is a
 * single-key spec; `onePartition` turns it into a one-partition frame or series.
 */
import { KeyRef, Task, type TaskFn } from '../../core/graph.js';
import { PartitionLayer, partKey, StaticLayer } from '../../core/collection.js';
import { tokenize } from '../../core/tokenize.js';
import { splitOf, treeKeys, treeReduceNodes } from '../../core/tree-reduce.js';
import { type DType, emptyColumn, Frame } from '../frame.js';
import { alias } from '../ops/identity.js';
import { findLazy, mapLazy, uniqueLayers } from './blockwise.js';
import { type FrameSpec, frameSpec, isPartitioned, type Kind, type ScalarSpec, scalarSpec } from './spec.js';

export interface ReduceSpec {
  /** Per partition: (partition, ...chunkArgs) => partial. */
  chunk: TaskFn;
  chunkArgs?: readonly unknown[];
  /** (partials[], ...combineArgs) => partial. */
  combine: TaskFn;
  combineArgs?: readonly unknown[];
  /** (partials[], ...aggArgs) => result: combines the last level and finishes. */
  aggregate: TaskFn;
  aggregateArgs?: readonly unknown[];
  splitEvery?: number;
}

/** A tree reduction over the partitions of `input` (core/tree-reduce.ts): the final value, with `metaValue` as its stand-in. */
export function treeReduce(name: string, input: FrameSpec, spec: ReduceSpec, metaValue: unknown = null): ScalarSpec {
  const split = splitOf(spec.splitEvery);
  const token = tokenize(
    name,
    input.prefix,
    spec.chunk,
    spec.chunkArgs ?? [],
    spec.combine,
    spec.combineArgs ?? [],
    spec.aggregate,
    spec.aggregateArgs ?? [],
    split,
  );
  const extra = findLazy([spec.chunkArgs ?? [], spec.combineArgs ?? [], spec.aggregateArgs ?? []]);
  if (extra.parts.length > 0) throw new Error(`${name}: reduction arguments cannot be partitioned collections`);
  // Lazy single values among the arguments become references to their keys.
  const resolve = (args: readonly unknown[] = []) => mapLazy(args, (l) => new KeyRef(isPartitioned(l) ? partKey(l.prefix, 0) : l.key)) as unknown[];
  const key = `${name}-agg-${token}`;
  const inputs = Array.from({ length: input.npartitions }, (_, i) => partKey(input.prefix, i));
  const reduction = {
    chunk: spec.chunk,
    chunkArgs: resolve(spec.chunkArgs),
    combine: spec.combine,
    combineArgs: resolve(spec.combineArgs),
    aggregate: spec.aggregate,
    aggregateArgs: resolve(spec.aggregateArgs),
  };
  const entries = treeReduceNodes(inputs, reduction, split, treeKeys(name, token, key));
  const deps = uniqueLayers([input.layer, ...extra.singles.map((s) => s.layer)]);
  return scalarSpec(key, new StaticLayer(key, entries, deps), metaValue);
}

/** A one-partition collection reading a single key (the result of a reduction). */
export function onePartition<K extends Kind>(kind: K, name: string, s: ScalarSpec, meta: Frame): FrameSpec<K> {
  const prefix = `${name}-${tokenize(s.key)}`;
  return frameSpec(kind, prefix, 1, meta, new PartitionLayer(prefix, 1, () => new Task(alias, [new KeyRef(s.key)]), [s.layer]));
}

/** Meta of a reduction by column: one `dtype` column indexed by column name. */
export function reductionMeta(dtype: DType): Frame {
  return new Frame(['0'], [emptyColumn(dtype)], 0, emptyColumn('string'));
}
