/** Item: a lazy single value computed from a bag (count, sum, min, a reduction...). */
import { COLLECTION, type Collection, type CollectionImpl, type GraphLayer, StaticLayer } from '../core/collection.js';
import { compute, persist, visualize } from '../core/compute.js';
import { DataNode, KeyRef, Task, type TaskFn } from '../core/graph.js';
import { kernel } from '../core/kernels.js';
import type { ComputeOptions, VisualizeOptions } from '../core/options.js';
import { TOKEN, tokenize } from '../core/tokenize.js';
import { ITEM, type ItemSpec } from './graph.js';
import { fnLabel } from './verbs/label.js';

const applyKernel = kernel('bag.item.apply', (value: unknown, fn: TaskFn) => fn(value));

export class Item<T = unknown> implements Collection<T>, ItemSpec {
  readonly [ITEM] = true;
  constructor(
    readonly key: string,
    readonly layer: GraphLayer,
  ) {}

  get [COLLECTION](): CollectionImpl<T> {
    return {
      layer: () => this.layer,
      keys: () => this.key,
      finalize: (v) => v as T,
      rebuild: (data) => new Item<T>(this.key, new StaticLayer(`persisted-${this.key}`, [[this.key, new DataNode(data.get(this.key))]])),
      defaultScheduler: 'processes',
    };
  }
  [TOKEN](): string {
    return this.key;
  }

  /** A lazy fn(value). */
  apply<U>(fn: (value: T) => U): Item<Awaited<U>> {
    const key = `${fnLabel('apply', fn)}-${tokenize(fn, this.key)}`;
    return new Item(key, new StaticLayer(key, [[key, new Task(applyKernel, [new KeyRef(this.key), fn])]], [this.layer]));
  }

  async compute(opts: ComputeOptions = {}): Promise<T> {
    const [v] = await compute(this, opts);
    return v;
  }
  async persist(opts: ComputeOptions = {}): Promise<Item<T>> {
    const [v] = await persist(this, opts);
    return v;
  }
  visualize(opts: VisualizeOptions = {}): Promise<string> {
    return visualize(this, opts);
  }
  toString(): string {
    return `Item<key=${this.key}>`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}
