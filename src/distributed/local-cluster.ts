/**
 * A cluster on this machine: a scheduler in this process and worker processes, each under a
 * nanny that restarts it when it dies or runs out of memory.
 */
import { availableParallelism } from 'node:os';
import type { ClusterSummary } from '../display/cluster.js';
import { type MemoryThresholds, resolveThresholds } from './memory-thresholds.js';
import { Nanny } from './nanny.js';
import { SchedulerServer } from './scheduler/server.js';
import { checkResources } from './resources.js';
import { formatBytes, parseBytes } from './sizeof.js';
import { errorMessage } from './errors.js';
import { Adaptive, type AdaptOptions } from './adaptive.js';
import { retireOrder } from './scheduler/adaptive-target.js';

export interface LocalClusterOptions {
  /** Worker processes (default: one per core). */
  nWorkers?: number;
  /** Task slots per worker (default 1). */
  threadsPerWorker?: number;
  /** Per worker: '2GB', bytes, 'auto' (machine memory / nWorkers, the default) or 0 for none. */
  memoryLimit?: string | number;
  /**
   * Fractions of memoryLimit at which a worker spills (`target`: results held, `spill`: process
   * memory), pauses and is killed by its nanny (`terminate`); false turns one off. Default: the
   * config keys `distributed.worker.memory.{target,spill,pause,terminate}`, else 0.6 / 0.7 / 0.8 / 0.95.
   */
  memoryThresholds?: Partial<MemoryThresholds>;
  /** Every worker paused this long with work pending: the scheduler has one run a task anyway (default 500 ms). */
  pausedGraceMs?: number;
  /** A worker silent this long is removed (default 5 min, or TSDASK_WORKER_TTL_MS; see SchedulerServerOptions). */
  workerTtlMs?: number;
  /**
   * Per worker: abstract resources such as `{ GPU: 1 }` (like `tsdask worker --resources GPU=1`).
   * A task submitted with `{ resources: { GPU: 1 } }` runs only on a worker that has them, and
   * no more such tasks run at once on a worker than its amounts allow.
   */
  resources?: Record<string, number>;
  /** ':8787' (default; falls back to a free port when taken), ':0', or null for none. */
  dashboardAddress?: string | null;
  /** Scheduler interface and port (default 127.0.0.1 and a free port). */
  host?: string;
  port?: number;
  token?: string;
  /** Print worker and scheduler messages (default: only errors). */
  verbose?: boolean;
  /** Scheduler: errors a task as KilledWorker after this many worker deaths. */
  allowedFailures?: number;
  /** Extra environment handed to worker processes. */
  env?: Record<string, string>;
}

export class LocalCluster {
  private closed: Promise<void> | undefined;
  private adaptive: Adaptive | undefined;
  /** Worker names are never reused (a retired worker's name stays in the logs). */
  private started = 0;
  /** One scale() at a time: a later call waits for the one before (adapt and the user may both call). */
  private scaling: Promise<void> = Promise.resolve();

  private constructor(
    readonly scheduler: SchedulerServer,
    readonly workers: Nanny[],
    private readonly opts: Required<Pick<LocalClusterOptions, 'threadsPerWorker'>> & {
      memoryLimit: number;
      memoryThresholds: MemoryThresholds;
      verbose: boolean;
      resources?: Record<string, number>;
    },
  ) {}

  static async start(opts: LocalClusterOptions = {}): Promise<LocalCluster> {
    const nWorkers = opts.nWorkers ?? availableParallelism();
    if (!Number.isInteger(nWorkers) || nWorkers < 0) throw new TypeError(`LocalCluster: nWorkers must be a non-negative integer, got ${opts.nWorkers}`);
    const threadsPerWorker = opts.threadsPerWorker ?? 1;
    if (!Number.isInteger(threadsPerWorker) || threadsPerWorker < 1)
      throw new TypeError(`LocalCluster: threadsPerWorker must be a positive integer, got ${opts.threadsPerWorker}`);
    const memoryLimit = parseBytes(opts.memoryLimit ?? 'auto', Math.max(1, nWorkers));
    const memoryThresholds = resolveThresholds(opts.memoryThresholds, 'LocalCluster');
    const resources = checkResources(opts.resources, 'LocalCluster') ?? undefined;
    const verbose = opts.verbose ?? false;
    const log = (line: string) => {
      if (verbose) console.error(`[tsdask] ${line}`);
    };
    let scheduler: SchedulerServer;
    const base = {
      host: opts.host ?? '127.0.0.1',
      port: opts.port ?? 0,
      token: opts.token,
      allowedFailures: opts.allowedFailures,
      pausedGraceMs: opts.pausedGraceMs,
      workerTtlMs: opts.workerTtlMs,
      log,
    };
    try {
      scheduler = await SchedulerServer.start({ ...base, dashboardAddress: opts.dashboardAddress === undefined ? ':8787' : opts.dashboardAddress });
      if (opts.dashboardAddress === undefined && scheduler.dashboard === undefined) {
        await scheduler.close();
        scheduler = await SchedulerServer.start({ ...base, dashboardAddress: ':0' });
      }
    } catch (e) {
      throw new Error(`LocalCluster: cannot start the scheduler: ${errorMessage(e)}`, { cause: e });
    }
    const cluster = new LocalCluster(scheduler, [], { threadsPerWorker, memoryLimit, memoryThresholds, verbose, resources });
    try {
      await cluster.scaleUp(nWorkers, opts.env);
    } catch (e) {
      await cluster.close();
      throw e;
    }
    return cluster;
  }

  private async scaleUp(n: number, env?: Record<string, string>): Promise<void> {
    if (env) Object.assign(process.env, env);
    const fresh: Nanny[] = [];
    for (let i = 0; i < n; i++) {
      fresh.push(
        new Nanny({
          scheduler: this.scheduler.address,
          nthreads: this.opts.threadsPerWorker,
          memoryLimit: this.opts.memoryLimit,
          memoryThresholds: this.opts.memoryThresholds,
          resources: this.opts.resources,
          token: this.scheduler.token,
          name: `local-${this.started++}`,
          deathTimeoutMs: 20_000,
          log: (line) => {
            if (this.opts.verbose || /restart|killed|gives up/.test(line)) console.error(`[tsdask nanny] ${line}`);
          },
          stdio: this.opts.verbose ? 'inherit' : 'ignore',
        }),
      );
    }
    this.workers.push(...fresh);
    await Promise.all(fresh.map((w) => w.start()));
  }

  /**
   * Start workers, or retire them gracefully (their results move to the others first), until
   * there are `n`.
   */
  scale(n: number): Promise<void> {
    if (!Number.isInteger(n) || n < 0) throw new TypeError(`LocalCluster.scale: n must be a non-negative integer, got ${n}`);
    const run = this.scaling.then(() => this.scaleTo(n));
    this.scaling = run.catch(() => undefined);
    return run;
  }

  private async scaleTo(n: number): Promise<void> {
    if (this.closed !== undefined) return;
    if (n > this.workers.length) {
      await this.scaleUp(n - this.workers.length);
      return;
    }
    if (n === this.workers.length) return;
    const byAddress = new Map(this.workers.map((w) => [w.address, w]));
    const leaving: Nanny[] = [];
    for (const ws of retireOrder(this.scheduler.state.workers.values())) {
      if (this.workers.length - leaving.length <= n) break;
      const nanny = byAddress.get(ws.address);
      if (nanny !== undefined) leaving.push(nanny);
    }
    await this.scheduler.retireWorkers(
      leaving.map((w) => w.address),
      { reason: `LocalCluster scaled to ${n} worker(s)` },
    );
    for (const w of leaving) this.workers.splice(this.workers.indexOf(w), 1);
    await Promise.all(leaving.map((w) => w.stop()));
  }

  /**
   * Scale with the work: more workers while tasks are queued (up to `maximum`), fewer once
   * they are done (down to `minimum`), retired gracefully. Replaces an earlier adapt().
   */
  adapt(opts: AdaptOptions = {}): Adaptive {
    this.adaptive?.stop();
    const log = (line: string) => {
      if (this.opts.verbose) console.error(`[tsdask] ${line}`);
    };
    this.adaptive = new Adaptive(
      this.scheduler.state,
      { requested: () => this.workers.length, threadsPerWorker: this.opts.threadsPerWorker, scale: (n) => this.scale(n) },
      opts,
      log,
    ).start();
    return this.adaptive;
  }

  get schedulerAddress(): string {
    return this.scheduler.address;
  }

  get token(): string | undefined {
    return this.scheduler.token;
  }

  get dashboardLink(): string | undefined {
    return this.scheduler.dashboardLink;
  }

  /** Stop the worker processes (resolves once they exited) and the scheduler; a second call gets the same promise. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      this.adaptive?.stop();
      await Promise.all(this.workers.map((w) => w.stop()));
      await this.scheduler.close();
    })();
    return this.closed;
  }

  /** What the notebook summary shows (src/display); workers are listed by the Client, which hears from them. */
  get summary(): ClusterSummary {
    const n = this.workers.length;
    return {
      kind: 'LocalCluster',
      address: this.schedulerAddress,
      workers: n,
      threads: n * this.opts.threadsPerWorker,
      memory: this.opts.memoryLimit > 0 ? this.opts.memoryLimit * n : 0,
      dashboard: this.dashboardLink,
      workerList: [],
    };
  }

  toString(): string {
    const n = this.workers.length;
    const mem = this.opts.memoryLimit > 0 ? formatBytes(this.opts.memoryLimit * n) : 'unlimited';
    return `LocalCluster(${this.schedulerAddress}, workers=${n}, threads=${n * this.opts.threadsPerWorker}, memory=${mem}${this.dashboardLink ? `, dashboard=${this.dashboardLink}` : ''})`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}
