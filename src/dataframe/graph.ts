/**
 * Graph building for partitioned collections. A collection is a key prefix `name-token`, a
 * partition count and one graph layer whose keys are `name-token#i`. Builders here are what
 * every DataFrame/Series method (and groupby, merge, shuffle) uses:
 *  - `blockwise`: one task per partition, reading partition i of each partitioned argument;
 *  - `treeReduce`: chunk per partition, combine `splitEvery` at a time, one final task.
 */
import { type GraphLayer, PartitionLayer, partKey, StaticLayer } from '../core/collection.js';
import { type GraphNode, isPlainObject, KeyRef, Task, type TaskFn } from '../core/graph.js';
import { tokenize } from '../core/tokenize.js';
import type { Frame } from './frame.js';

export { PartitionLayer, partKey };

/** What every partitioned collection (DataFrame, Series) exposes to graph builders. */
export interface Partitioned {
  readonly prefix: string;
  readonly npartitions: number;
  /** Empty partition with the schema. */
  readonly meta: Frame;
  readonly layer: GraphLayer;
}

/** A single-key lazy value (a reduction's result). */
export interface SingleKey {
  readonly key: string;
  readonly layer: GraphLayer;
  /** A stand-in value of the right type, used when computing metas. */
  readonly metaValue: unknown;
}

export const PARTITIONED = Symbol.for('tsdask.dataframe.partitioned');
export const SINGLE = Symbol.for('tsdask.dataframe.single');

export function isPartitioned(x: unknown): x is Partitioned {
  return x !== null && typeof x === 'object' && PARTITIONED in (x as object);
}
export function isSingle(x: unknown): x is SingleKey {
  return x !== null && typeof x === 'object' && SINGLE in (x as object);
}

function tokenOf(x: unknown): unknown {
  if (isPartitioned(x)) return { p: x.prefix };
  if (isSingle(x)) return { s: x.key };
  return x;
}

/** Walk nested args, replacing lazy inputs via `f`; shares unchanged structure. */
function mapLazy(x: unknown, f: (lazy: Partitioned | SingleKey) => unknown): unknown {
  if (isPartitioned(x) || isSingle(x)) return f(x);
  if (Array.isArray(x)) return x.map((v) => mapLazy(v, f));
  if (isPlainObject(x)) {
    const out: Record<string, unknown> = {};
    for (const k in x) out[k] = mapLazy(x[k], f);
    return out;
  }
  return x;
}

function findLazy(args: readonly unknown[]): { parts: Partitioned[]; singles: SingleKey[] } {
  const parts: Partitioned[] = [];
  const singles: SingleKey[] = [];
  mapLazy(args, (l) => {
    if (isPartitioned(l)) parts.push(l);
    else singles.push(l);
    return l;
  });
  return { parts, singles };
}

/** Arguments with lazy inputs replaced by their metas (to derive an output meta). */
export function metaArgs(args: readonly unknown[]): unknown[] {
  return mapLazy(args, (l) => (isPartitioned(l) ? l.meta : l.metaValue)) as unknown[];
}

/** Run `fn` on metas: the output schema, or an error that says which operation failed. */
export function inferMeta(name: string, fn: TaskFn, args: readonly unknown[]): Frame {
  try {
    return fn(...metaArgs(args)) as Frame;
  } catch (e) {
    const err = e as Error;
    err.message = `${name}: ${err.message}`;
    throw err;
  }
}

export interface Built {
  prefix: string;
  npartitions: number;
  layer: GraphLayer;
}

/**
 * One task per partition: `fn(...args)` where each partitioned argument becomes its partition
 * i and each single-key argument its value. All partitioned arguments must have the same
 * number of partitions (they are assumed aligned: derived from the same source).
 */
export function blockwise(name: string, fn: TaskFn, args: readonly unknown[]): Built {
  const { parts, singles } = findLazy(args);
  if (parts.length === 0) throw new Error(`${name}: blockwise needs at least one partitioned input`);
  const n = parts[0].npartitions;
  for (const p of parts) {
    if (p.npartitions !== n) {
      throw new RangeError(
        `${name}: inputs have ${n} and ${p.npartitions} partitions; element-wise operations need collections derived from the same frame (repartition one to match)`,
      );
    }
  }
  const prefix = `${name}-${tokenize(fn, mapLazy(args, tokenOf))}`;
  const deps = uniqueLayers([...parts.map((p) => p.layer), ...singles.map((s) => s.layer)]);
  const make = (i: number) => new Task(fn, mapLazy(args, (l) => new KeyRef(isPartitioned(l) ? partKey(l.prefix, i) : l.key)) as unknown[]);
  return { prefix, npartitions: n, layer: new PartitionLayer(prefix, n, make, deps) };
}

function uniqueLayers(layers: GraphLayer[]): GraphLayer[] {
  const seen = new Set<string>();
  return layers.filter((l) => (seen.has(l.id) ? false : (seen.add(l.id), true)));
}

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

/** A tree reduction over the partitions of `input`; returns the key of the final value. */
export function treeReduce(name: string, input: Partitioned, spec: ReduceSpec): { key: string; layer: GraphLayer } {
  const split = Math.max(2, spec.splitEvery ?? 8);
  const token = tokenize(name, input.prefix, spec.chunk, spec.chunkArgs ?? [], spec.combine, spec.combineArgs ?? [], spec.aggregate, spec.aggregateArgs ?? [], split);
  const extra = findLazy([spec.chunkArgs ?? [], spec.combineArgs ?? [], spec.aggregateArgs ?? []]);
  const resolve = (args: readonly unknown[]) => mapLazy(args, (l) => new KeyRef(isPartitioned(l) ? partKey(l.prefix, 0) : l.key)) as unknown[];
  if (extra.parts.length > 0) throw new Error(`${name}: reduction arguments cannot be partitioned collections`);
  const entries: Array<[string, GraphNode]> = [];
  let level: string[] = [];
  for (let i = 0; i < input.npartitions; i++) {
    const k = `${name}-chunk-${token}#${i}`;
    entries.push([k, new Task(spec.chunk, [new KeyRef(partKey(input.prefix, i)), ...resolve(spec.chunkArgs ?? [])])]);
    level.push(k);
  }
  let depth = 0;
  while (level.length > split) {
    const next: string[] = [];
    for (let i = 0; i < level.length; i += split) {
      const k = `${name}-combine-${token}#${depth}.${next.length}`;
      const group = level.slice(i, i + split).map((x) => new KeyRef(x));
      entries.push([k, new Task(spec.combine, [group, ...resolve(spec.combineArgs ?? [])])]);
      next.push(k);
    }
    level = next;
    depth++;
  }
  const key = `${name}-agg-${token}`;
  entries.push([key, new Task(spec.aggregate, [level.map((x) => new KeyRef(x)), ...resolve(spec.aggregateArgs ?? [])])]);
  const deps = uniqueLayers([input.layer, ...extra.singles.map((s) => s.layer)]);
  return { key, layer: new StaticLayer(key, entries, deps) };
}

/** Token helper for collections built by hand (readers, shuffles). */
export function tokenFor(...parts: unknown[]): string {
  return tokenize(...parts.map(tokenOf));
}

