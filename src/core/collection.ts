/**
 * The collection protocol: what every lazy thing (Delayed, DataFrame, Bag, Array, Future)
 * tells the scheduler layer. Collections only build graphs; they never run anything.
 */
import type { Graph, GraphNode } from './graph.js';

/** A piece of graph plus the pieces it depends on; pieces are merged once per id. */
export interface GraphLayer {
  readonly id: string;
  nodes(): Iterable<readonly [string, GraphNode]>;
  readonly deps: readonly GraphLayer[];
}

export type KeyTree = string | readonly KeyTree[];
export type ValueTree = unknown;

export type DefaultScheduler = 'sync' | 'threads' | 'processes';

export interface CollectionImpl<T> {
  layer(): GraphLayer;
  /** Output keys, nested like the result parts `finalize` expects. */
  keys(): KeyTree;
  /**
   * Turn computed parts (same shape as keys()) into the user's value. A function property, not
   * a method: it runs detached from this object, as the function of a task.
   */
  readonly finalize: (parts: ValueTree) => T | Promise<T>;
  /** The same collection backed by already-computed data (what `persist` returns). */
  rebuild(data: ReadonlyMap<string, unknown>): Collection<T>;
  readonly defaultScheduler: DefaultScheduler;
  /**
   * A rewrite of the culled graph before fusing (Dask's `__dask_optimize__`), run once per
   * plan however many collections in it share the function: e.g. DataFrames reading one CSV
   * block once for every column set. It must keep every key the graph had.
   */
  readonly optimize?: GraphRewrite;
  /**
   * `keys()` is one key that lives outside any graph (a Future: its value is on a cluster) and
   * `finalize` is the identity, so a task taking the collection reads that key directly.
   */
  readonly external?: boolean;
}

export type GraphRewrite = (graph: Graph, keys: readonly string[]) => Graph;

export const COLLECTION = Symbol.for('tsdask.collection');

export interface Collection<T = unknown> {
  readonly [COLLECTION]: CollectionImpl<T>;
}

export function isCollection(x: unknown): x is Collection {
  return x !== null && (typeof x === 'object' || typeof x === 'function') && COLLECTION in x;
}

/** Merge layers (depth-first, each id once) into one graph. */
export function materialize(layers: readonly GraphLayer[]): Graph {
  const graph: Graph = new Map();
  const seen = new Set<string>();
  const stack: GraphLayer[] = [...layers];
  while (stack.length > 0) {
    const layer = stack.pop()!;
    if (seen.has(layer.id)) continue;
    seen.add(layer.id);
    for (const [k, node] of layer.nodes()) graph.set(k, node);
    for (const d of layer.deps) if (!seen.has(d.id)) stack.push(d);
  }
  return graph;
}

export function flattenKeys(tree: KeyTree, out: string[] = []): string[] {
  if (typeof tree === 'string') out.push(tree);
  else for (const t of tree) flattenKeys(t, out);
  return out;
}

export function mapKeyTree(tree: KeyTree, get: (key: string) => unknown): ValueTree {
  return typeof tree === 'string' ? get(tree) : tree.map((t) => mapKeyTree(t, get));
}

/** A layer holding a fixed set of nodes. */
export class StaticLayer implements GraphLayer {
  constructor(
    readonly id: string,
    private readonly entries: ReadonlyMap<string, GraphNode> | ReadonlyArray<readonly [string, GraphNode]>,
    readonly deps: readonly GraphLayer[] = [],
  ) {}
  nodes(): Iterable<readonly [string, GraphNode]> {
    return this.entries instanceof Map ? this.entries.entries() : (this.entries as ReadonlyArray<readonly [string, GraphNode]>);
  }
}

/** The key of partition `i` of a partitioned collection named `prefix`. */
export function partKey(prefix: string, i: number): string {
  return `${prefix}#${i}`;
}

/** A layer of `npartitions` keys `id#i`, built on demand. */
export class PartitionLayer implements GraphLayer {
  constructor(
    readonly id: string,
    readonly npartitions: number,
    private readonly make: (i: number) => GraphNode,
    readonly deps: readonly GraphLayer[],
  ) {}
  *nodes(): Iterable<readonly [string, GraphNode]> {
    for (let i = 0; i < this.npartitions; i++) yield [partKey(this.id, i), this.make(i)];
  }
}
