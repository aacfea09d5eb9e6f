/**
 * The common Scheduler interface: run a graph, return the values of the requested keys.
 * Every scheduler (sync, threads, processes, a distributed Client) implements it and fires
 * the same callbacks, which the progress bar and profilers use.
 */
import type { Graph } from '../core/graph.js';

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

export interface Scheduler {
  readonly name: string;
  /** Values of `keys`, in order. Rejects with the first task error. */
  run(graph: Graph, keys: readonly string[], opts: RunOptions): Promise<unknown[]>;
}

/** Fire one callback hook on every registered callback set, isolating callback bugs. */
export function fire<K extends keyof Callbacks>(cbs: readonly Callbacks[], hook: K, ...args: Parameters<NonNullable<Callbacks[K]>>): void {
  for (const cb of cbs) {
    const f = cb[hook] as ((...a: unknown[]) => void) | undefined;
    if (f !== undefined) f.apply(cb, args);
  }
}
