/**
 * Bag: a lazy, partitioned collection of arbitrary JS values (Dask's dask.bag). Partitions
 * are plain arrays; every method builds graph only. Functions given to map/filter/foldby...
 * run on workers: on threads/processes they are shipped by module path or by source text,
 * so a function reading a local variable fails at compute time with a ClosureError naming it.
 * Default scheduler: processes (JS functions over plain objects parallelize best there).
 */
import { COLLECTION, type Collection, type CollectionImpl, type GraphLayer, materialize, StaticLayer } from '../core/collection.js';
import { compute, persist, visualize } from '../core/compute.js';
import { Delayed } from '../core/delayed.js';
import { DataNode, type TaskFn } from '../core/graph.js';
import type { ComputeOptions, VisualizeOptions } from '../core/options.js';
import { TOKEN } from '../core/tokenize.js';
import { BAG, type BagSpec, partKey } from './graph.js';
import { Item } from './item.js';
import type { KeySpec } from './values.js';
import { count } from './verbs/count.js';
import { distinct } from './verbs/distinct.js';
import { extreme } from './verbs/extreme.js';
import { filter } from './verbs/filter.js';
import { flatten } from './verbs/flatten.js';
import { foldby } from './verbs/foldby.js';
import { frequencies } from './verbs/frequencies.js';
import { map } from './verbs/map.js';
import { mapPartitions } from './verbs/map-partitions.js';
import { mean } from './verbs/mean.js';
import { pluck, type PluckKey } from './verbs/pluck.js';
import { reduction } from './verbs/reduction.js';
import { sum } from './verbs/sum.js';
import { take } from './verbs/take.js';
import { topk } from './verbs/topk.js';

/** What a map argument becomes inside the function: a Bag's element, an Item's value, or itself. */
export type ArgValue<A> = A extends Bag<infer E> ? E : A extends Item<infer V> ? V : A;
export type ArgValues<A extends readonly unknown[]> = { [K in keyof A]: ArgValue<A[K]> };

/** The element type after one level of flattening. */
export type Flat<T> = T extends string ? string : T extends Iterable<infer E> ? E : never;

export interface TakeOptions extends ComputeOptions {
  /**
   * Partitions to read first (default 1). If they hold fewer than n elements, more are read
   * (four times as many each round) until n are found or the bag is exhausted.
   */
  npartitions?: number;
}

export class Bag<T = unknown> implements Collection<T[]>, BagSpec {
  readonly [BAG] = true;

  constructor(
    readonly prefix: string,
    readonly npartitions: number,
    readonly layer: GraphLayer,
  ) {}

  static of<U>(spec: BagSpec): Bag<U> {
    return new Bag<U>(spec.prefix, spec.npartitions, spec.layer);
  }

  get [COLLECTION](): CollectionImpl<T[]> {
    return {
      layer: () => this.layer,
      keys: () => this.keys(),
      finalize: (parts): T[] => (parts as T[][]).flat(),
      rebuild: (data) => {
        const nodes = this.keys().map((k) => [k, new DataNode(data.get(k))] as const);
        return new Bag<T>(this.prefix, this.npartitions, new StaticLayer(`persisted-${this.prefix}`, nodes));
      },
      defaultScheduler: 'processes',
    };
  }
  [TOKEN](): string {
    return this.prefix;
  }

  /** Partition keys in order. */
  keys(): string[] {
    return Array.from({ length: this.npartitions }, (_, i) => partKey(this.prefix, i));
  }

  // ---- element-wise --------------------------------------------------------------------

  /** fn(element, ...args) per element; Bag args zip element-wise, Item args pass their value. */
  map<U, A extends unknown[] = []>(fn: (x: T, ...args: ArgValues<A>) => U, ...args: A): Bag<Awaited<U>> {
    return Bag.of(map(this, fn as TaskFn, args));
  }
  filter<S extends T>(pred: (x: T) => x is S): Bag<S>;
  filter(pred: (x: T) => unknown): Bag<T>;
  filter(pred: (x: T) => unknown): Bag<T> {
    return Bag.of(filter(this, pred as TaskFn));
  }
  /** One level of nesting removed (Dask's flatten / concat). */
  flatten(): Bag<Flat<T>> {
    return Bag.of(flatten(this));
  }
  /** element[key]; a list of keys gives a tuple; missing keys are a KeyError unless `dflt` is given. */
  pluck<K extends keyof T & PluckKey>(key: K): Bag<T[K]>;
  pluck(key: PluckKey | readonly PluckKey[], dflt?: unknown): Bag<unknown>;
  pluck(key: PluckKey | readonly PluckKey[], ...dflt: unknown[]): Bag<unknown> {
    return Bag.of(pluck(this, key, dflt.length > 0, dflt[0]));
  }
  /** fn(partitionArray, ...args) per partition; must return an iterable (or a Promise of one). */
  mapPartitions<U, A extends unknown[] = []>(fn: (part: T[], ...args: A) => Iterable<U> | Promise<Iterable<U>>, ...args: A): Bag<U> {
    return Bag.of(mapPartitions(this, fn as TaskFn, args));
  }

  // ---- reductions to one value ----------------------------------------------------------

  count(opts: { splitEvery?: number } = {}): Item<number> {
    const r = count(this, opts.splitEvery);
    return new Item(r.key, r.layer);
  }
  sum(opts: { splitEvery?: number } = {}): Item<number> {
    const r = sum(this, opts.splitEvery);
    return new Item(r.key, r.layer);
  }
  mean(opts: { splitEvery?: number } = {}): Item<number> {
    const r = mean(this, opts.splitEvery);
    return new Item(r.key, r.layer);
  }
  min(opts: { splitEvery?: number } = {}): Item<T> {
    const r = extreme(this, 'min', opts.splitEvery);
    return new Item(r.key, r.layer);
  }
  max(opts: { splitEvery?: number } = {}): Item<T> {
    const r = extreme(this, 'max', opts.splitEvery);
    return new Item(r.key, r.layer);
  }
  /**
   * perPartition(partitionArray) on each partition, then aggregate(partials) up a tree (so
   * aggregate must accept its own outputs too).
   */
  reduction<R>(perPartition: (part: T[]) => R, aggregate: (partials: R[]) => R, opts: { splitEvery?: number } = {}): Item<R> {
    const r = reduction(this, perPartition as TaskFn, aggregate as TaskFn, opts.splitEvery);
    return new Item(r.key, r.layer);
  }

  // ---- reductions to a one-partition bag ------------------------------------------------

  /** [element, count] pairs (elements compared by value); `sort: true` orders by count, descending. */
  frequencies(opts: { sort?: boolean; splitEvery?: number } = {}): Bag<[T, number]> {
    return Bag.of(frequencies(this, opts.sort === true, opts.splitEvery));
  }
  /** The k largest elements, largest first; `key` is a function or a property name. */
  topk(k: number, key?: KeySpec<T, unknown>, opts: { splitEvery?: number } = {}): Bag<T> {
    return Bag.of(topk(this, k, (key ?? null) as KeySpec<unknown, unknown> | null, opts.splitEvery));
  }
  /** Each distinct element once (first seen); by value, or by `key(element)`. */
  distinct(key?: KeySpec<T, unknown>, opts: { splitEvery?: number } = {}): Bag<T> {
    return Bag.of(distinct(this, (key ?? null) as KeySpec<unknown, unknown> | null, opts.splitEvery));
  }
  /**
   * Group by key and fold: per partition binop(acc, x) from `init` (or from the group's first
   * element), then partials merged with combine(a, b) (default binop) from `combineInit`.
   * Gives [key, value] pairs.
   */
  foldby<K, A = T>(key: KeySpec<T, K>, binop: (acc: A, x: T) => A, init?: A, combine?: (a: A, b: A) => A, combineInit?: A): Bag<[K, A]>;
  foldby<K, A = T>(key: KeySpec<T, K>, binop: (acc: A, x: T) => A, ...rest: unknown[]): Bag<[K, A]> {
    const [init, combine, combineInit] = rest;
    return Bag.of(
      foldby(this, {
        key: key as KeySpec<unknown, unknown>,
        binop: binop as TaskFn,
        init: [rest.length >= 1 && init !== undefined, init],
        combine: (combine ?? binop) as TaskFn,
        combineInit: [rest.length >= 3 && combineInit !== undefined, combineInit],
      }),
    );
  }

  // ---- running --------------------------------------------------------------------------

  /** The first n elements (computes). */
  async take(n: number, opts: TakeOptions = {}): Promise<T[]> {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`take: n must be a non-negative integer, got ${n}`);
    const { npartitions: first = 1, ...computeOpts } = opts;
    let parts = Math.max(1, Math.min(first, this.npartitions));
    for (;;) {
      const { key, task } = take(this, n, parts);
      const out = await new Item<T[]>(key, new StaticLayer(key, [[key, task]], [this.layer])).compute(computeOpts);
      if (out.length >= n || parts === this.npartitions) return out;
      parts = Math.min(parts * 4, this.npartitions);
    }
  }

  async compute(opts: ComputeOptions = {}): Promise<T[]> {
    const [v] = await compute(this, opts);
    return v;
  }
  async persist(opts: ComputeOptions = {}): Promise<Bag<T>> {
    const [v] = await persist(this, opts);
    return v;
  }
  visualize(opts: VisualizeOptions = {}): Promise<string> {
    return visualize(this, opts);
  }
  /** One Delayed per partition (each computing to that partition's array). */
  toDelayed(): Delayed<T[]>[] {
    const layer = this.layer;
    return this.keys().map((k) => new Delayed<T[]>(k, undefined, [layer]));
  }
  toString(): string {
    return `Bag<npartitions=${this.npartitions}, name=${this.prefix}, tasks=${materialize([this.layer]).size}>`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}
