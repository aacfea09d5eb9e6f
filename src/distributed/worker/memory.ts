/**
 * A worker's memory manager. It tells apart managed memory (the results the store holds) from
 * process memory (RSS, as the OS and the nanny measure it; "unmanaged" is the difference: code,
 * V8's heap beyond results, buffers in flight, whatever tasks keep alive), and acts on
 * fractions of the limit (memory-thresholds.ts, Dask's defaults):
 *
 *   managed > target     least-recently-used results go to disk until managed <= target
 *   process > spill      results go to disk until about as much as the process is over the
 *                        target is freed (unmanaged memory cannot be spilled, managed can)
 *   process > pause      everything that can be is spilled, and no new task starts; data is
 *                        still served to peers (from disk when spilled). It resumes below
 *                        pause - 10% (hysteresis: it does not flap around one threshold).
 *                        Stuck there (nothing left to spill, nothing running, still above
 *                        after a collection, for STUCK_MS), waiting cannot free anything (the
 *                        memory is unmanaged: kept by code, or freed but not given back to
 *                        the OS): it runs the tasks it holds one at a time anyway, so it never
 *                        hangs; one that cannot fit ends at the nanny's terminate line, told
 *                        to the user as a memory kill
 *   process > terminate  the nanny kills the process (nanny.ts)
 */
import { fromWorker } from '../protocol/index.js';
import { formatFraction, type MemoryThresholds } from '../memory-thresholds.js';
import { formatBytes } from '../sizeof.js';
import type { DataStore } from './store.js';
import type { SchedulerLink } from './task.js';

/** A paused worker resumes this far (fraction of the limit) below its pause threshold. */
const HYSTERESIS = 0.1;
/** Above the pause threshold with nothing left to spill, collect garbage at most this often (ms). */
const IDLE_GC_MS = 1000;
/** Paused with nothing to spill and nothing running this long (ms): run a held task anyway. */
const STUCK_MS = 1000;

export interface MemoryHooks {
  /** Keys that tasks about to run read (never spilled); while paused, only running or forced tasks count. */
  inUse(paused: boolean): Set<string>;
  pause(): void;
  resume(): void;
  /** Send the scheduler this worker's figures now (before a status change, so they match it). */
  report(): void;
  log(line: string): void;
  /** Is a task running, or one started anyway still on its way (fetching its inputs)? */
  busy(): boolean;
  /** Start the first held task (in priority order) although paused; its key, or undefined if none is held. */
  runOne(): string | undefined;
}

/** The figures a heartbeat reports. */
export interface MemorySample {
  rss: number;
  heap: number;
  managed: number;
  spilled: number;
  spilledCount: number;
}

export class MemoryManager {
  paused = false;
  /** Why it is paused ('' while running). */
  pauseReason = '';
  private grownSinceCheck = 0;
  private lastGc = 0;
  /** The store's completed spill writes at the last collection. */
  private writesSeen = 0;
  /** When the worker was first seen paused with nothing to spill and nothing running (0: not now). */
  private stuckSince = 0;
  /** Tasks run anyway since it got stuck (reset on resume). */
  private unstuck = 0;

  constructor(
    /** Bytes; 0 = no limit (nothing to watch). */
    private readonly limit: number,
    private readonly thresholds: MemoryThresholds,
    private readonly name: string,
    private readonly store: DataStore,
    private readonly scheduler: SchedulerLink,
    private readonly hooks: MemoryHooks,
  ) {}

  /** Check after every ~1% of the limit of new results, not only on the timer. */
  grew(nbytes: number): void {
    if (this.limit <= 0) return;
    this.grownSinceCheck += nbytes;
    if (this.grownSinceCheck > 0.01 * this.limit) {
      this.grownSinceCheck = 0;
      this.check();
    }
  }

  sample(): MemorySample {
    const u = process.memoryUsage();
    return {
      rss: u.rss,
      heap: u.heapUsed,
      managed: this.store.memoryBytes + this.store.writingBytes,
      spilled: this.store.spilledBytes,
      spilledCount: this.store.spilledCount,
    };
  }

  check(): void {
    const limit = this.limit;
    if (limit <= 0) return;
    const { target, spill, pause } = this.thresholds;
    const store = this.store;
    let keep: Set<string> | undefined;
    const inUse = () => (keep ??= this.hooks.inUse(this.paused));
    let rss = process.memoryUsage.rss();
    // Values whose spill write is under way leave memory when it completes: count them as gone.
    const leaving = () => store.writingBytes;
    if (target !== false && store.memoryBytes > target * limit) store.spillUntil(target * limit, inUse());
    if (spill !== false && rss - leaving() > spill * limit) {
      // Free as many managed bytes as the process is above where it should settle.
      const settle = (target === false ? spill : Math.min(target, spill)) * limit;
      store.spillUntil(Math.max(0, store.memoryBytes - (rss - leaving() - settle)), inUse());
    }
    // Spilled values leave memory at the next collection after their write completed.
    if (store.writesDone !== this.writesSeen) rss = this.collect();
    let stuck = false;
    if (pause !== false && rss > pause * limit) {
      // Spill harder: all that can go to disk goes (unmanaged memory is out of reach).
      const more = store.spillUntil(0, inUse());
      if (more === 0 && leaving() === 0 && Date.now() - this.lastGc > IDLE_GC_MS) rss = this.collect();
      stuck = more === 0 && leaving() === 0 && !this.hooks.busy();
    }
    if (pause === false) return;
    if (!this.paused && rss > pause * limit) {
      this.paused = true;
      this.pauseReason = this.explain(rss, pause);
      this.hooks.pause();
      this.hooks.log(`worker ${this.name} paused: ${this.pauseReason}`);
      this.hooks.report();
      this.scheduler.send(fromWorker.status('paused', this.pauseReason));
    } else if (this.paused && rss < (pause - Math.min(HYSTERESIS, pause / 2)) * limit) {
      this.paused = false;
      this.pauseReason = '';
      this.stuckSince = 0;
      this.unstuck = 0;
      this.hooks.log(`worker ${this.name} resumed: process memory ${formatBytes(rss)} of its ${formatBytes(limit)} limit`);
      this.hooks.report();
      this.scheduler.send(fromWorker.status('running'));
      this.hooks.resume();
    }
    if (this.paused && stuck && rss > pause * limit) this.unstick(rss);
    else this.stuckSince = 0;
  }

  /**
   * Paused, nothing to spill, nothing running: no wait ends this (Dask's paused-forever). After
   * STUCK_MS (time for a peer to steal the held tasks) and a last collection, run one anyway;
   * the next goes as soon as that one ended, until the worker resumes.
   */
  private unstick(rss: number): void {
    const now = Date.now();
    if (this.stuckSince === 0) this.stuckSince = now;
    if (this.unstuck === 0 && now - this.stuckSince < STUCK_MS) return;
    rss = this.collect();
    const { pause } = this.thresholds;
    if (pause === false || rss <= pause * this.limit) return;
    const key = this.hooks.runOne();
    if (key === undefined) return;
    this.unstuck++;
    if (this.unstuck <= 5 || this.unstuck % 50 === 0)
      this.hooks.log(
        `worker ${this.name} is paused with nothing left to spill and nothing running (process memory ${formatBytes(rss)}, results held ` +
          `${formatBytes(this.store.memoryBytes)}): waiting cannot free unmanaged memory, so it runs '${key}' anyway (${this.unstuck} so far)`,
      );
  }

  /** Spilled values leave memory only at the next collection: collect now (workers run with --expose-gc). */
  private collect(): number {
    this.writesSeen = this.store.writesDone;
    globalThis.gc?.();
    this.lastGc = Date.now();
    return process.memoryUsage.rss();
  }

  private explain(rss: number, pause: number): string {
    const managed = this.store.memoryBytes + this.store.writingBytes;
    const heap = process.memoryUsage().heapUsed;
    const s = this.store;
    return (
      `process memory ${formatBytes(rss)} is above ${formatFraction(pause)} of the ${formatBytes(this.limit)} limit ` +
      `(results held ${formatBytes(managed)}, unmanaged ${formatBytes(Math.max(0, rss - managed))}, V8 heap ${formatBytes(heap)}; ` +
      `spilled ${formatBytes(s.spilledBytes)} in ${s.spilledCount} files)`
    );
  }
}
