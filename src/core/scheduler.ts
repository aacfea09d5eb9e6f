/**
 * The common Scheduler interface: run a graph and return the values of the requested keys, or
 * persist collections and return them backed by computed data. Every scheduler (sync,
 * threads, processes, a distributed Client) implements it and fires the same callbacks, which
 * the progress bar and profilers use. Collections and `compute` depend on this interface
 * only, never on a scheduler's implementation.
 */
import { COLLECTION, type Collection } from './collection.js';
import type { Graph } from './graph.js';
import { planCollections } from './plan.js';

export interface TaskEvent {
  key: string;
  /** Which executor ran it: 'main', 'thread-1', 'process-2', a worker address. */
  worker: string;
}

export interface Callbacks {
  /** Before the first task: the (optimized) graph and the requested keys. */
  start?(graph: Graph, keys: readonly string[]): void;
  pretask?(event: TaskEvent): void;
  /** After a task; `duration` in milliseconds as measured where it ran. */
  posttask?(event: TaskEvent & { duration: number }): void;
  /** A result was dropped because no remaining task or caller needs it. */
  release?(key: string): void;
  /** Once, at the end, with the error if the compute failed. */
  finish?(error?: unknown): void;
}

export interface RunOptions {
  callbacks: readonly Callbacks[];
  numWorkers?: number;
}

export interface PersistOptions extends RunOptions {
  /** Fuse linear chains before running (default true). */
  optimize?: boolean;
}

export interface Scheduler {
  readonly name: string;
  /** Values of `keys`, in order. Rejects with the first task error. */
  run(graph: Graph, keys: readonly string[], opts: RunOptions): Promise<unknown[]>;
  /**
   * Compute `collections` (planned with core/plan.ts) and return each backed by its computed
   * data: in this process for local schedulers, on the workers for a distributed Client.
   */
  persist<A extends readonly Collection[]>(collections: A, opts: PersistOptions): Promise<A>;
  /** The least memory limit per worker thread, in bytes, when workers have limits (planners size blocks by it). */
  memoryPerThread?(): number | undefined;
}

/** A scheduler the registry creates and can close (its pools persist across computes). */
export interface ManagedScheduler extends Scheduler {
  /** Stop pools and free resources; the scheduler may be recreated afterwards. */
  close?(): Promise<void>;
}

/** `persist` for schedulers that return results to this process: run, then rebuild from the values. */
export async function persistInProcess<A extends readonly Collection[]>(scheduler: Scheduler, collections: A, opts: PersistOptions): Promise<A> {
  const plan = planCollections(collections, { optimize: opts.optimize });
  if (plan.keys.length === 0) return collections;
  const values = await scheduler.run(plan.graph, plan.keys, opts);
  const byKey = new Map<string, unknown>();
  plan.keys.forEach((k, i) => byKey.set(k, values[i]));
  return collections.map((c) => c[COLLECTION].rebuild(byKey)) as unknown as A;
}

/** Fire one callback hook on every registered callback set, isolating callback bugs. */
export function fire<K extends keyof Callbacks>(cbs: readonly Callbacks[], hook: K, ...args: Parameters<NonNullable<Callbacks[K]>>): void {
  for (const cb of cbs) {
    const f = cb[hook] as ((...a: unknown[]) => void) | undefined;
    if (f !== undefined) f.apply(cb, args);
  }
}
