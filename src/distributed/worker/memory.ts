/**
 * A worker's memory: above a target, least-recently-used results spill to disk; higher up the
 * worker pauses (starts no task) until memory drops. The nanny kills it at the top.
 */
import { fromWorker } from '../protocol/index.js';
import { formatBytes } from '../sizeof.js';
import type { DataStore } from './store.js';
import type { SchedulerLink } from './task.js';

const SPILL_TARGET = 0.6;
const SPILL_RSS = 0.7;
const PAUSE_RSS = 0.8;

export interface MemoryHooks {
  /** Keys that tasks about to run read (never spilled). */
  inUse(): Set<string>;
  pause(): void;
  resume(): void;
  log(line: string): void;
}

export class MemoryWatch {
  private paused = false;
  private grownSinceCheck = 0;

  constructor(
    /** Bytes; 0 = no limit (nothing to watch). */
    private readonly limit: number,
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

  check(): void {
    if (this.limit <= 0) return;
    let rss = process.memoryUsage.rss();
    if (this.store.memoryBytes > SPILL_TARGET * this.limit || rss > SPILL_RSS * this.limit) {
      const spilled = this.store.spillUntil(0.5 * SPILL_TARGET * this.limit, this.hooks.inUse());
      // Spilled values only leave memory at the next collection: collect now (workers run with --expose-gc).
      if (spilled > 0 || rss > PAUSE_RSS * this.limit) {
        globalThis.gc?.();
        rss = process.memoryUsage.rss();
      }
    }
    if (!this.paused && rss > PAUSE_RSS * this.limit) {
      this.paused = true;
      this.hooks.pause();
      const reason = `process memory ${formatBytes(rss)} is above 80% of the ${formatBytes(this.limit)} limit`;
      this.hooks.log(`worker ${this.name} paused: ${reason}`);
      this.scheduler.send(fromWorker.status('paused', reason));
    } else if (this.paused && rss < (PAUSE_RSS - 0.1) * this.limit) {
      this.paused = false;
      this.scheduler.send(fromWorker.status('running'));
      this.hooks.resume();
    }
  }
}
