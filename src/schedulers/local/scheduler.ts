/**
 * The `threads` and `processes` schedulers: one local engine (run.ts) over a pool of
 * executors of either kind. Pools start on first use and live until `close()` (or
 * `shutdownSchedulers()`); they never keep the process alive between computes.
 */
import type { Graph } from '../../core/graph.js';
import type { Collection } from '../../core/collection.js';
import { type ManagedScheduler, type PersistOptions, persistInProcess, type RunOptions } from '../../core/scheduler.js';
import type { ExecutorKind } from '../../executor/spawn.js';
import { defaultWorkers, Pool } from './pool.js';
import { type DurationStats, Run } from './run.js';

export class LocalScheduler implements ManagedScheduler {
  private pool: Pool | undefined;
  private readonly stats: DurationStats = new Map();

  constructor(
    readonly name: 'threads' | 'processes',
    private readonly kind: ExecutorKind,
  ) {}

  run(graph: Graph, keys: readonly string[], { callbacks, numWorkers }: RunOptions): Promise<unknown[]> {
    this.pool ??= new Pool(this.kind);
    return new Run(this.pool, graph, keys, callbacks, numWorkers ?? defaultWorkers(), this.stats).execute();
  }

  persist<A extends readonly Collection[]>(collections: A, opts: PersistOptions): Promise<A> {
    return persistInProcess(this, collections, opts);
  }

  /** Process ids of the live executors (for processes; threads report this process). */
  pids(): number[] {
    return this.pool?.pids() ?? [];
  }

  async close(): Promise<void> {
    const p = this.pool;
    this.pool = undefined;
    await p?.close();
  }
}
