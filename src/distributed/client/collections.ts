/**
 * Collections on the cluster: `client.compute` (Futures now), `client.persist` (collections
 * backed by Futures), and the Scheduler interface's `run` (values, with progress callbacks).
 * All of them send the graph core/plan.ts makes, the one `compute()` runs everywhere.
 */
import { COLLECTION, type Collection, type CollectionImpl, flattenKeys, mapKeyTree } from '../../core/collection.js';
import { asDelayed, Delayed } from '../../core/delayed.js';
import type { Graph } from '../../core/graph.js';
import { planCollections } from '../../core/plan.js';
import { fire, type RunOptions } from '../../core/scheduler.js';
import type { TaskDone } from '../protocol/index.js';
import type { Resources } from '../resources.js';
import { Future, type FutureOwner, type FutureStatus } from './future.js';
import type { GraphSender } from './graph-sender.js';

/** Per-key listeners of task-done messages (progress callbacks of a `run`). */
export class TaskListeners {
  private readonly byKey = new Map<string, Set<(msg: TaskDone) => void>>();

  emit(msg: TaskDone): void {
    const ls = this.byKey.get(msg.key);
    if (ls !== undefined) for (const l of ls) l(msg);
  }

  add(key: string, l: (msg: TaskDone) => void): void {
    let set = this.byKey.get(key);
    if (set === undefined) this.byKey.set(key, (set = new Set()));
    set.add(l);
  }

  remove(key: string, l: (msg: TaskDone) => void): void {
    const set = this.byKey.get(key);
    set?.delete(l);
    if (set?.size === 0) this.byKey.delete(key);
  }
}

/** What running collections needs of a Client. */
export interface ClusterSide {
  readonly keys: FutureOwner;
  readonly graphs: GraphSender;
  readonly listeners: TaskListeners;
}

/**
 * Start computing collections; a Future per delayed value or Future, a CollectionFuture per
 * other collection (its parts stay on the cluster, finalized here when awaited).
 */
export function computeOnCluster<T>(
  side: ClusterSide,
  list: readonly Collection<T>[],
  opts: { optimize?: boolean; retries?: number; resources: Resources | null },
): (Future<T> | CollectionFuture<T>)[] {
  // The plan compute() would make (core/plan.ts): one culled, fused graph for all of them.
  const { graph, keys } = planCollections(
    list.filter((c) => !(c instanceof Future)),
    { optimize: opts.optimize },
  );
  const out: (Future<T> | CollectionFuture<T>)[] = [];
  for (const c of list) {
    if (c instanceof Future) out.push(new Future<T>(c.key, side.keys, true));
    else if (c instanceof Delayed) out.push(new Future<T>(c.key, side.keys, !graph.has(c.key)));
    else {
      // Other collections (frames, bags, arrays): parts stay on the cluster and are
      // finalized here, because their user-facing value (a danfo frame...) need not travel.
      const impl = c[COLLECTION];
      const parts = new Map<string, Future>();
      for (const k of flattenKeys(impl.keys())) if (!parts.has(k)) parts.set(k, new Future(k, side.keys, !graph.has(k)));
      out.push(new CollectionFuture<T>(asDelayed(c).key, impl, parts, side.keys));
    }
  }
  const wanted = keys.filter((k) => graph.has(k));
  if (wanted.length > 0) side.graphs.send(graph, wanted, { retries: opts.retries, resources: opts.resources });
  return out;
}

/** Compute collections and keep their results on the workers: each comes back backed by Futures. */
export async function persistOnCluster<A extends readonly Collection[]>(side: ClusterSide, collections: A, opts: { optimize?: boolean }): Promise<A> {
  const { graph, keys } = planCollections(collections, { optimize: opts.optimize });
  const futures = new Map<string, Future>();
  for (const k of keys) futures.set(k, new Future(k, side.keys, !graph.has(k)));
  side.graphs.send(
    graph,
    keys.filter((k) => graph.has(k)),
    {},
  );
  // Resolve once everything is in memory (or fail with the first error), like Dask's wait().
  await Promise.all(
    [...futures.values()].map(async (f) => {
      await f.whenDone();
      if (f.status !== 'finished') throw (await f.exception()) ?? new Error(`persist: '${f.key}' ended as ${f.status}`);
    }),
  );
  return collections.map((c) => c[COLLECTION].rebuild(futures as ReadonlyMap<string, unknown>)) as unknown as A;
}

/** The Scheduler interface: compute a planned graph on the cluster and return the values of keys. */
export async function runOnCluster(side: ClusterSide, graph: Graph, keys: readonly string[], opts: RunOptions): Promise<unknown[]> {
  const callbacks = opts.callbacks;
  const observed = callbacks.length > 0;
  if (observed) fire(callbacks, 'start', graph, keys);
  const uniq = [...new Set(keys)];
  const holds: Future[] = [];
  const listeners: [string, (msg: TaskDone) => void][] = [];
  try {
    for (const k of uniq) holds.push(new Future(k, side.keys, !graph.has(k)));
    if (observed) {
      for (const k of graph.keys()) {
        const l = (msg: TaskDone) => {
          fire(callbacks, 'pretask', { key: k, worker: msg.worker });
          fire(callbacks, 'posttask', { key: k, worker: msg.worker, duration: msg.duration });
        };
        side.listeners.add(k, l);
        listeners.push([k, l]);
      }
    }
    const inGraph = uniq.filter((k) => graph.has(k));
    side.graphs.send(graph, inGraph, { push: inGraph, events: observed, orderKeys: uniq });
    const values = await Promise.all(uniq.map((k) => side.keys.value(k)));
    const byKey = new Map(uniq.map((k, i) => [k, values[i]]));
    if (observed) fire(callbacks, 'finish');
    return keys.map((k) => byKey.get(k));
  } catch (e) {
    if (observed) fire(callbacks, 'finish', e);
    throw e;
  } finally {
    for (const [k, l] of listeners) side.listeners.remove(k, l);
    for (const f of holds) f.release();
  }
}

/**
 * `client.compute(collection)` for collections whose parts are finalized by the caller (data
 * frames, bags, arrays): awaitable like a Future; as an argument to later work it stands for
 * the collection backed by its parts on the cluster.
 */
export class CollectionFuture<T> implements PromiseLike<T>, Collection<T> {
  constructor(
    readonly key: string,
    private readonly impl: CollectionImpl<T>,
    private readonly parts: ReadonlyMap<string, Future>,
    private readonly owner: FutureOwner,
  ) {}

  get status(): FutureStatus {
    const ss = [...this.parts.values()].map((f) => f.status);
    for (const bad of ['error', 'cancelled', 'lost', 'pending'] as const) if (ss.includes(bad)) return bad;
    return 'finished';
  }

  done(): boolean {
    return [...this.parts.values()].every((f) => f.done());
  }

  async result(): Promise<T> {
    const keys = [...this.parts.keys()];
    const values = await Promise.all(keys.map((k) => this.owner.value(k)));
    const byKey = new Map(keys.map((k, i) => [k, values[i]]));
    return this.impl.finalize(mapKeyTree(this.impl.keys(), (k) => byKey.get(k)));
  }

  then<R1 = T, R2 = never>(
    onFulfilled?: ((v: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((e: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.result().then(onFulfilled, onRejected);
  }

  cancel(): Promise<void> {
    return this.owner.cancel([...this.parts.keys()]);
  }

  release(): void {
    for (const f of this.parts.values()) f.release();
  }

  get [COLLECTION](): CollectionImpl<T> {
    return this.impl.rebuild(this.parts)[COLLECTION];
  }

  toString(): string {
    return `<CollectionFuture: ${this.status}, ${this.parts.size} parts, key: ${this.key}>`;
  }
}
