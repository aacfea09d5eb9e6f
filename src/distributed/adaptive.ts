/**
 * Adaptive scaling for any cluster (LocalCluster, SLURMCluster, SSHCluster): every `interval`
 * the scheduler's target (scheduler/adaptive-target.ts; asked over the wire when the scheduler
 * runs elsewhere) is clamped to [minimum, maximum] and
 * compared with the workers the cluster has asked for (joined or still starting, so a slow
 * batch queue is not asked twice). More are started at once; fewer are retired gracefully
 * only after the target stayed below for `waitCount` intervals in a row, so workers do not
 * start and stop in quick succession. One scaling action runs at a time.
 */
import { adaptiveTarget, type TargetInput } from './scheduler/adaptive-target.js';
import { errorMessage } from './errors.js';

export interface AdaptOptions {
  /** Fewest workers kept (default 0). */
  minimum?: number;
  /** Most workers started (default Infinity). */
  maximum?: number;
  /** Milliseconds between decisions (default 1000). */
  interval?: number;
  /** Decisions in a row the target must stay below before workers are retired (default 3). */
  waitCount?: number;
  /** Seconds of work each thread should have queued (default 5, like Dask). */
  targetDuration?: number;
}

/** What a cluster offers to be scaled. */
export interface Scalable {
  /** Workers asked for: joined or still starting. */
  requested(): number;
  /** Threads per worker (turns the target's threads into workers). */
  readonly threadsPerWorker: number;
  /** Start or retire workers until `n` are asked for (a batch cluster rounds to whole jobs). */
  scale(n: number): Promise<void>;
  /** Workers start and stop this many at a time (a batch job's processes; default 1): targets are rounded up to it. */
  readonly granularity?: number;
}

/** A scheduler elsewhere: its target for these settings (client.adaptiveTarget). */
export type RemoteTarget = (targetDuration: number, threadsPerWorker: number) => Promise<{ workers: number; why: string }>;

export interface AdaptDecision {
  at: number;
  target: number;
  requested: number;
  action: 'up' | 'down' | 'none';
  why: string;
}

/** Decisions kept for inspection. */
const HISTORY = 200;

export class Adaptive {
  readonly minimum: number;
  readonly maximum: number;
  readonly interval: number;
  readonly waitCount: number;
  readonly targetDuration: number;
  /** Recent decisions that changed something, oldest first. */
  readonly history: AdaptDecision[] = [];
  private below = 0;
  private busy = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    /** The scheduler's state in this process, or a way to ask a scheduler elsewhere. */
    private readonly source: TargetInput | RemoteTarget,
    private readonly cluster: Scalable,
    opts: AdaptOptions = {},
    private readonly log: (line: string) => void = () => undefined,
  ) {
    this.minimum = opts.minimum ?? 0;
    this.maximum = opts.maximum ?? Infinity;
    this.interval = opts.interval ?? 1000;
    this.waitCount = opts.waitCount ?? 3;
    this.targetDuration = opts.targetDuration ?? 5;
    if (!Number.isInteger(this.minimum) || this.minimum < 0) throw new TypeError(`adapt: minimum must be a non-negative integer, got ${opts.minimum}`);
    if (!(this.maximum >= this.minimum)) throw new TypeError(`adapt: maximum (${opts.maximum}) must be at least minimum (${this.minimum})`);
    if (!(this.interval > 0)) throw new TypeError(`adapt: interval must be a positive number of milliseconds, got ${opts.interval}`);
    if (!Number.isInteger(this.waitCount) || this.waitCount < 1) throw new TypeError(`adapt: waitCount must be a positive integer, got ${opts.waitCount}`);
    if (!(this.targetDuration > 0)) throw new TypeError(`adapt: targetDuration must be a positive number of seconds, got ${opts.targetDuration}`);
  }

  start(): this {
    if (this.timer === undefined && !this.stopped) {
      this.timer = setInterval(() => void this.step(), this.interval);
      this.timer.unref();
      void this.step();
    }
    return this;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The target now, clamped to [minimum, maximum]. */
  async target(): Promise<{ workers: number; why: string }> {
    const t =
      typeof this.source === 'function'
        ? await this.source(this.targetDuration, this.cluster.threadsPerWorker)
        : adaptiveTarget(this.source, this.targetDuration, this.cluster.threadsPerWorker);
    const step = Math.max(1, this.cluster.granularity ?? 1);
    const clamped = Math.min(this.maximum, Math.max(this.minimum, t.workers));
    // Whole jobs: rounded up, unless that passes the maximum.
    const rounded = Math.ceil(clamped / step) * step;
    return { workers: rounded <= this.maximum ? rounded : Math.floor(clamped / step) * step || step, why: t.why };
  }

  /** One decision (the timer calls this; tests may too). */
  async step(): Promise<void> {
    if (this.busy || this.stopped) return;
    this.busy = true;
    let decided: { workers: number; why: string };
    try {
      decided = await this.target();
    } catch (e) {
      this.log(`adapt: no target from the scheduler: ${errorMessage(e)}`);
      return;
    } finally {
      this.busy = false;
    }
    if (this.stopped) return;
    const { workers: target, why } = decided;
    const requested = this.cluster.requested();
    let action: AdaptDecision['action'] = 'none';
    if (target > requested) {
      this.below = 0;
      action = 'up';
    } else if (target < requested) {
      if (++this.below >= this.waitCount) action = 'down';
    } else this.below = 0;
    if (action === 'none') return;
    this.below = 0;
    this.history.push({ at: Date.now(), target, requested, action, why });
    if (this.history.length > HISTORY) this.history.shift();
    this.log(`adapt: ${action === 'up' ? 'scaling up' : 'scaling down'} from ${requested} to ${target} worker(s): ${why}`);
    this.busy = true;
    try {
      await this.cluster.scale(target);
    } catch (e) {
      this.log(`adapt: scaling to ${target} failed: ${errorMessage(e)}`);
    } finally {
      this.busy = false;
    }
  }
}
