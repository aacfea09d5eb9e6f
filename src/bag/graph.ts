/**
 * Graph building for bags. A bag is a key prefix `name-token`, a partition count and one
 * layer whose keys are `name-token#i`; each partition is a plain JS array of elements.
 *  - `blockwise`: one task per partition; Bag arguments become their partition i (zipped),
 *    Item arguments their single value;
 *  - `reduceTree`: the shared tree reduction (core/tree-reduce.ts) over the partitions, with a
 *    final task keyed `prefix#0` (so the result is a one-partition bag or an Item).
 */
import { type GraphLayer, PartitionLayer, partKey, StaticLayer } from '../core/collection.js';
import { KeyRef, mapNested, Task, type TaskFn } from '../core/graph.js';
import { tokenize } from '../core/tokenize.js';
import { splitOf, treeKeys, treeReduceNodes } from '../core/tree-reduce.js';

/** What graph builders need from a bag. */
export interface BagSpec {
  readonly prefix: string;
  readonly npartitions: number;
  readonly layer: GraphLayer;
}

/** What graph builders need from a lazy single value. */
export interface ItemSpec {
  readonly key: string;
  readonly layer: GraphLayer;
}

export const BAG = Symbol.for('tsdask.bag');
export const ITEM = Symbol.for('tsdask.bag.item');

export function isBag(x: unknown): x is BagSpec {
  return x !== null && typeof x === 'object' && BAG in x;
}
export function isItem(x: unknown): x is ItemSpec {
  return x !== null && typeof x === 'object' && ITEM in x;
}

export { PartitionLayer, partKey };

/** Walk nested args replacing bags and items via `f`; unchanged structure is shared, not copied. */
function mapLazy(x: unknown, f: (lazy: BagSpec | ItemSpec) => unknown): unknown {
  return mapNested(x, (v) => (isBag(v) || isItem(v) ? f(v) : v));
}

/** Bags and items inside `args`, as stand-ins that tokenize by key rather than by identity. */
function tokenOf(args: readonly unknown[]): unknown {
  return mapLazy(args, (l) => (isBag(l) ? { bag: l.prefix } : { item: l.key }));
}

function layersIn(args: readonly unknown[]): { bags: BagSpec[]; layers: GraphLayer[] } {
  const bags: BagSpec[] = [];
  const layers: GraphLayer[] = [];
  const seen = new Set<string>();
  mapLazy(args, (l) => {
    if (isBag(l)) bags.push(l);
    if (!seen.has(l.layer.id)) {
      seen.add(l.layer.id);
      layers.push(l.layer);
    }
    return l;
  });
  return { bags, layers };
}

/**
 * One task per partition: `fn(...args)` with each Bag argument replaced by its partition i and
 * each Item by its value. Bags must have the same number of partitions.
 */
export function blockwise(name: string, fn: TaskFn, args: readonly unknown[]): BagSpec {
  const { bags, layers } = layersIn(args);
  if (bags.length === 0) throw new Error(`${name}: blockwise needs a bag argument`);
  const n = bags[0].npartitions;
  for (const b of bags) {
    if (b.npartitions !== n) {
      throw new RangeError(
        `${name}: bags have ${n} and ${b.npartitions} partitions; zipping bags needs the same partitioning (build both from the same source)`,
      );
    }
  }
  const prefix = `${name}-${tokenize(fn, tokenOf(args))}`;
  const make = (i: number) => new Task(fn, mapLazy(args, (l) => new KeyRef(isBag(l) ? partKey(l.prefix, i) : l.key)) as unknown[]);
  return { prefix, npartitions: n, layer: new PartitionLayer(prefix, n, make, layers) };
}

/** A reduction in three steps; each step is a registered kernel. */
export interface Reduction {
  /** (partition, ...chunkArgs) => partial */
  readonly chunk: TaskFn;
  /** (partials[], ...combineArgs) => partial */
  readonly combine: TaskFn;
  /** (partials[], ...aggregateArgs) => result */
  readonly aggregate: TaskFn;
}

export interface ReduceArgs {
  chunkArgs?: readonly unknown[];
  combineArgs?: readonly unknown[];
  aggregateArgs?: readonly unknown[];
  /** Partials combined per task (default 8). */
  splitEvery?: number;
}

/** Tree reduction over the partitions of `input` (core/tree-reduce.ts). The result's key is `prefix#0`. */
export function reduceTree(name: string, input: BagSpec, r: Reduction, a: ReduceArgs = {}): BagSpec & ItemSpec {
  const split = splitOf(a.splitEvery);
  const chunkArgs = a.chunkArgs ?? [];
  const combineArgs = a.combineArgs ?? [];
  const aggregateArgs = a.aggregateArgs ?? [];
  const extra = layersIn([chunkArgs, combineArgs, aggregateArgs]);
  if (extra.bags.length > 0) throw new Error(`${name}: reduction arguments cannot be bags`);
  const token = tokenize(name, input.prefix, r.chunk, tokenOf(chunkArgs), r.combine, tokenOf(combineArgs), r.aggregate, tokenOf(aggregateArgs), split);
  const prefix = `${name}-${token}`;
  const resolve = (args: readonly unknown[]) => mapLazy(args, (l) => new KeyRef((l as ItemSpec).key)) as unknown[];
  const key = partKey(prefix, 0);
  const inputs = Array.from({ length: input.npartitions }, (_, i) => partKey(input.prefix, i));
  const reduction = {
    chunk: r.chunk,
    chunkArgs: resolve(chunkArgs),
    combine: r.combine,
    combineArgs: resolve(combineArgs),
    aggregate: r.aggregate,
    aggregateArgs: resolve(aggregateArgs),
  };
  const entries = treeReduceNodes(inputs, reduction, split, treeKeys(name, token, key));
  return { prefix, key, npartitions: 1, layer: new StaticLayer(prefix, entries, [input.layer, ...extra.layers]) };
}
