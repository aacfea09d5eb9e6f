/**
 * What DataFrame and Series share: a key prefix, partitions keyed `prefix#i`, a meta (empty
 * partition with the schema), the collection protocol, and partition-level plumbing
 * (partitions(i), toDelayed, head/tail, length, persist).
 */
import { COLLECTION, type Collection, type CollectionImpl, type GraphLayer, materialize, StaticLayer } from '../../core/collection.js';
import { compute, persist, visualize } from '../../core/compute.js';
import { Delayed } from '../../core/delayed.js';
import { DataNode } from '../../core/graph.js';
import type { ComputeOptions, VisualizeOptions } from '../../core/options.js';
import { TOKEN } from '../../core/tokenize.js';
import type { Frame } from '../frame.js';
import { concatFrames } from '../ops/concat.js';
import { danfoTasks, edgeTask, keysOf, lengthOf, partitions } from '../plan/partitions.js';
import { shareReads } from '../plan/share-reads.js';
import { type FrameSpec, frameSpec, type Kind, PARTITIONED, type Source } from '../plan/spec.js';
import { Scalar } from './scalar.js';

export abstract class PartitionedCollection<K extends Kind, T, Self extends Collection<T>> implements FrameSpec<K>, Collection<T> {
  readonly [PARTITIONED] = true;
  abstract readonly kind: K;

  constructor(
    readonly prefix: string,
    readonly npartitions: number,
    readonly meta: Frame,
    readonly layer: GraphLayer,
    /** Where the columns come from, when a projection can read fewer of them (plan/project.ts). */
    readonly source?: Source,
  ) {}

  /** The same kind of collection (DataFrame or Series) for a spec. */
  protected abstract wrap(spec: FrameSpec<K>): Self;
  /** Computed partitions to the user's value (a danfo object). */
  protected abstract finish(parts: Frame[]): T;
  /** Row count as a lazy Scalar. */
  lengthLazy(): Scalar<number> {
    return Scalar.of(lengthOf(this));
  }

  /** Partition keys in order. */
  keys(): string[] {
    return keysOf(this);
  }

  get [COLLECTION](): CollectionImpl<T> {
    return {
      layer: () => this.layer,
      keys: () => this.keys(),
      finalize: (parts) => this.finish(parts as Frame[]),
      rebuild: (data) => {
        const nodes = this.keys().map((k) => [k, new DataNode(data.get(k))] as const);
        const layer = new StaticLayer(`persisted-${this.prefix}`, nodes);
        // No source: a persisted collection keeps using what is in memory.
        return this.wrap(frameSpec(this.kind, this.prefix, this.npartitions, this.meta, layer));
      },
      defaultScheduler: 'threads',
      // Column sets of one CSV read computed together share one read per block.
      optimize: shareReads,
    };
  }

  [TOKEN](): string {
    return this.prefix;
  }

  async compute(opts: ComputeOptions = {}): Promise<T> {
    const [v] = await compute(this, opts);
    return v;
  }

  /**
   * The result as one columnar Frame (typed arrays, strings as dictionary codes), never as a
   * danfo object: what a result of millions of rows should come back as (danfo keeps ~80
   * bytes per cell on the heap; a Frame 4-8).
   */
  async computeFrame(opts: ComputeOptions = {}): Promise<Frame> {
    const impl = this[COLLECTION];
    const columnar: Collection<Frame> = {
      [COLLECTION]: { ...impl, finalize: (parts) => concatFrames(parts as Frame[]), rebuild: () => columnar },
    };
    const [v] = await compute(columnar, opts);
    return v;
  }

  async persist(opts: ComputeOptions = {}): Promise<Self> {
    // wrap(this) is this, typed as the concrete collection.
    const [v] = await persist(this.wrap(this), opts);
    return v;
  }

  visualize(opts: VisualizeOptions = {}): Promise<string> {
    return visualize(this, opts);
  }

  /** Some partitions, as a collection of the same kind. */
  partitions(which: number | readonly number[]): Self {
    return this.wrap(partitions<K>(this, which));
  }

  /** One Delayed per partition, each computing to a danfo object. */
  toDelayed(): Delayed<T>[] {
    return danfoTasks(this).map(({ key, task }) => new Delayed<T>(key, task, [this.layer]));
  }

  /** Row count (computes). */
  async length(opts: ComputeOptions = {}): Promise<number> {
    return this.lengthLazy().compute(opts);
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
      const { key, task } = edgeTask(this, n, take, front);
      const part = await new Delayed<Frame>(key, task, [this.layer]).compute(opts);
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
