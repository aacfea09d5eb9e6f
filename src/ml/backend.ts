/**
 * The ML helpers' backend, as joblib's `parallel_backend`: inside `parallelBackend(client, fn)`
 * gridSearch, incrementalFit and every plain `compute()` run on `client`, and user code can ask
 * which backend is current.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Collection } from '../core/collection.js';
import { config } from '../core/config.js';
import type { TaskFn } from '../core/graph.js';
import type { SchedulerName } from '../core/options.js';
import type { Scheduler } from '../core/scheduler.js';

/** A scheduler name or a scheduler object (a connected Client). */
export type Backend = SchedulerName | Scheduler;

const scope = new AsyncLocalStorage<Backend>();

/** Run `fn` with `backend` as the scheduler of the ML helpers and of every compute inside it. */
export function parallelBackend<T>(backend: Backend, fn: () => T): T {
  if (typeof backend !== 'string' && (typeof backend !== 'object' || backend === null || typeof backend.run !== 'function')) {
    throw new TypeError(`parallelBackend: expected a scheduler name or a connected Client, got ${backend === null ? 'null' : typeof backend}`);
  }
  return scope.run(backend, () => config.with({ scheduler: backend }, fn));
}

/**
 * The backend work runs on now: `explicit` if given, else the innermost parallelBackend, else
 * what compute() would pick from config (a connected default Client counts), else threads.
 */
export function currentBackend(explicit?: Backend): Backend {
  return explicit ?? scope.getStore() ?? config.get<Backend | undefined>('scheduler') ?? 'threads';
}

/**
 * A scheduler that keeps data on its workers and runs calls there (a Client): data is
 * scattered to it once, and each call given the scattered Futures reads them on the worker by
 * key.
 */
export interface Scatterer {
  scatter<T>(data: readonly T[], opts?: { broadcast?: boolean }): Promise<Array<Collection<T>>>;
  submit<F extends TaskFn>(fn: F, ...args: readonly unknown[]): PromiseLike<Awaited<ReturnType<F>>> & { release(): void };
}

export function canScatter(b: Backend): b is Scheduler & Scatterer {
  return typeof b === 'object' && typeof (b as Partial<Scatterer>).scatter === 'function' && typeof (b as Partial<Scatterer>).submit === 'function';
}
