/**
 * What DataFrame and Series share: a key prefix, partitions keyed `prefix#i`, a meta (empty
 * partition with the schema), the collection protocol, and partition-level plumbing
 * (partitions(i), toDelayed, head/tail, length, persist).
 */
import { COLLECTION, type Collection, type CollectionImpl, type GraphLayer, materialize, StaticLayer } from '../core/collection.js';
import { compute, persist, visualize } from '../core/compute.js';
import { Delayed } from '../core/delayed.js';
import { DataNode, KeyRef, Task } from '../core/graph.js';
import { kernel } from '../core/kernels.js';
import type { ComputeOptions, VisualizeOptions } from '../core/options.js';
import { TOKEN, tokenize } from '../core/tokenize.js';
import type { Frame } from './frame.js';
import { blockwise, type Built, PartitionLayer, PARTITIONED, partKey, type Partitioned, treeReduce } from './graph.js';
import { concatFrames } from './ops/concat.js';
import { sliceRows } from './ops/slice.js';
import { Scalar } from './scalar.js';

const identity = kernel('dataframe.identity', (x: unknown) => x);
const lenChunk = kernel('dataframe.len.chunk', (part: Frame) => part.length);
const sumNumbers = kernel('dataframe.len.sum', (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0));
const concatSlice = kernel('dataframe.concat-slice', (parts: readonly Frame[], start: number, end: number | null) =>
  sliceRows(concatFrames(parts), start, end ?? undefined),
);

export abstract class PartitionedCollection<T> implements Partitioned, Collection<T> {
  readonly [PARTITIONED] = true;

  constructor(
    readonly prefix: string,
    readonly npartitions: number,
    readonly meta: Frame,
    readonly layer: GraphLayer,
  ) {}

  /** Build the same kind of collection (DataFrame or Series) from a graph piece. */
  protected abstract make(built: Built, meta: Frame): this;
  /** Computed partitions to the user's value (a danfo object). */
  protected abstract finish(parts: Frame[]): T;

  /** Partition keys in order. */
  keys(): string[] {
    return Array.from({ length: this.npartitions }, (_, i) => partKey(this.prefix, i));
  }

  get [COLLECTION](): CollectionImpl<T> {
    return {
      layer: () => this.layer,
      keys: () => this.keys(),
      finalize: (parts) => this.finish(parts as Frame[]),
      rebuild: (data) => {
        const nodes = this.keys().map((k) => [k, new DataNode(data.get(k))] as const);
        return this.make({ prefix: this.prefix, npartitions: this.npartitions, layer: new StaticLayer(`persisted-${this.prefix}`, nodes) }, this.meta);
      },
      defaultScheduler: 'threads',
    };
  }

  [TOKEN](): string {
    return this.prefix;
  }

  /** Same collection built by a blockwise kernel with the same meta. */
  protected mapSame(name: string, fn: (...a: never[]) => unknown, args: readonly unknown[], meta: Frame = this.meta): this {
    return this.make(blockwise(name, fn as (...a: unknown[]) => unknown, args), meta);
  }

  async compute(opts: ComputeOptions = {}): Promise<T> {
    const [v] = await compute(this, opts);
    return v as T;
  }

  async persist(opts: ComputeOptions = {}): Promise<this> {
    const [v] = await persist(this, opts);
    return v as this;
  }

  visualize(opts: VisualizeOptions = {}): Promise<string> {
    return visualize(this, opts);
  }

  /** Some partitions, as a collection of the same kind. */
  partitions(which: number | readonly number[]): this {
    const list = typeof which === 'number' ? [which] : [...which];
    for (const i of list) {
      if (!Number.isInteger(i) || i < -this.npartitions || i >= this.npartitions) {
        throw new RangeError(`partitions(${i}): there are ${this.npartitions} partitions (0..${this.npartitions - 1})`);
      }
    }
    const idx = list.map((i) => (i < 0 ? this.npartitions + i : i));
    const prefix = `partitions-${tokenize(this.prefix, idx)}`;
    const layer = new PartitionLayer(prefix, idx.length, (j) => new Task(identity, [new KeyRef(partKey(this.prefix, idx[j]))]), [this.layer]);
    return this.make({ prefix, npartitions: idx.length, layer }, this.meta);
  }

  /** One Delayed per partition, each computing to a danfo object. */
  toDelayed(): Delayed<T>[] {
    const toUser = this.finishFn;
    return this.keys().map((k, i) => {
      const key = `to-danfo-${tokenize(this.prefix)}#${i}`;
      return new Delayed<T>(key, new Task(toUser, [[new KeyRef(k)]]), [this.layer]);
    });
  }

  /** A registered kernel doing what `finish` does (so toDelayed tasks ship by name). */
  protected abstract readonly finishFn: (parts: Frame[]) => T;

  /** Row count (computes). */
  async length(opts: ComputeOptions = {}): Promise<number> {
    return this.lengthLazy().compute(opts);
  }

  /** Row count as a lazy Scalar. */
  lengthLazy(): Scalar<number> {
    const { key, layer } = treeReduce('len', this, { chunk: lenChunk, combine: sumNumbers, aggregate: sumNumbers, splitEvery: 32 });
    return new Scalar<number>(key, layer, 0);
  }

  /**
   * The first n rows. Reads the first partition; if it holds fewer than n rows, keeps reading
   * further partitions (in growing batches) until n rows are found, instead of silently
   * returning fewer rows.
   */
  async head(n = 5, opts: ComputeOptions = {}): Promise<T> {
    return this.edge(n, true, opts);
  }

  /** The last n rows (from the last partitions backwards). */
  async tail(n = 5, opts: ComputeOptions = {}): Promise<T> {
    return this.edge(n, false, opts);
  }

  private async edge(n: number, front: boolean, opts: ComputeOptions): Promise<T> {
    let take = 1;
    for (;;) {
      take = Math.min(take, this.npartitions);
      const idx = Array.from({ length: take }, (_, j) => (front ? j : this.npartitions - take + j));
      const args = front ? [0, n] : [-n, null];
      const key = `${front ? 'head' : 'tail'}-${tokenize(this.prefix, idx, n)}`;
      const task = new Task(concatSlice, [idx.map((i) => new KeyRef(partKey(this.prefix, i))), ...args]);
      const d = new Delayed<Frame>(key, task, [this.layer]);
      const part = await d.compute(opts);
      if (part.length >= n || take === this.npartitions) return this.finish([part]);
      take *= 4;
    }
  }

  /** Number of tasks in the graph (for the lazy repr). */
  taskCount(): number {
    return materialize([this.layer]).size;
  }

  protected layerNames(): string {
    const names = new Set<string>();
    for (const k of materialize([this.layer]).keys()) {
      const hash = k.lastIndexOf('#');
      const base = hash >= 0 ? k.slice(0, hash) : k;
      const dash = base.lastIndexOf('-');
      names.add(dash > 0 ? base.slice(0, dash) : base);
    }
    return [...names].join(', ');
  }
}
