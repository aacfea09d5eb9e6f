/** The options and argument types of the Client's public methods. */
import type { Collection } from '../../core/collection.js';
import type { Future } from './future.js';
import type { LocalClusterOptions } from '../local-cluster.js';

export interface ClientOptions {
  /** Cluster token (default: TSDASK_TOKEN). Needed for schedulers on non-loopback addresses. */
  token?: string;
  /** Give up connecting after this many milliseconds (default 10 s). */
  timeout?: number;
  /**
   * Become the default scheduler for compute() and what `scheduler: 'distributed'` names
   * (default true): the most recently connected open Client is the default, a config setting
   * made after it connected wins over it, and closing it falls back to the previous one.
   */
  setAsDefault?: boolean;
  /** CA certificate file for tls:// schedulers with a private CA. */
  tlsCa?: string;
  /** Accept any TLS certificate (self-signed test clusters only). */
  insecure?: boolean;
  /** Options for the LocalCluster started by `Client.connect()` with no address. */
  cluster?: LocalClusterOptions;
}

/** Options of `client.compute`: those of submit, and whether to fuse the graph (default true, as `compute`). */
export interface ClientComputeOptions extends SubmitOptions {
  optimize?: boolean;
}

export interface SubmitOptions {
  /** Use this key instead of one derived from the function and arguments. */
  key?: string;
  /** Same function and arguments, same key (default true): identical submissions run once. */
  pure?: boolean;
  /** Run the task again this many times when it raises. */
  retries?: number;
  /**
   * Worker resources each task needs while it runs, e.g. `{ GPU: 1 }`: tasks run only on workers
   * started with them (`tsdask worker --resources GPU=2`, `LocalCluster.start({ resources })`),
   * and no more at once than the worker's amounts allow. They wait (status 'pending') while no
   * worker has them. submit/map: the submitted calls; compute: every task of the collections.
   */
  resources?: Record<string, number>;
}

export type Awaitable<T> = T | PromiseLike<T>;
/** An argument of submit/map: a value, or a Future / collection producing it. */
export type Remote<T> = T | Future<T> | Collection<T>;
export type RemoteArgs<A extends readonly unknown[]> = { [K in keyof A]: Remote<A[K]> };
/** What gather returns for a structure of futures. */
export type Gathered<T> =
  T extends Future<infer R>
    ? R
    : T extends readonly unknown[]
      ? { -readonly [K in keyof T]: Gathered<T[K]> }
      : T extends object
        ? { -readonly [K in keyof T]: Gathered<T[K]> }
        : T;
