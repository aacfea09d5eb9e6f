/**
 * CPU and memory of every worker over the last minutes, and the spills seen between samples:
 * sampled once a second from the workers' last heartbeats (O(workers), never per task).
 */
import type { WorkerState } from '../scheduler/tasks.js';
import type { HistorySample, SpillMark } from './types.js';

const KEEP = 300;

export class History {
  readonly samples: HistorySample[] = [];
  readonly spills: SpillMark[] = [];
  private readonly last = new Map<string, { time: number; cpu: number; spilledCount: number }>();
  /** Cores busy per worker at the last sample. */
  readonly cpuNow = new Map<string, number>();

  sample(workers: Iterable<WorkerState>, now = Date.now()): void {
    const s: HistorySample = { time: now, workers: {} };
    const seen = new Set<string>();
    for (const w of workers) {
      seen.add(w.address);
      const m = w.metrics;
      const prev = this.last.get(w.address);
      // Heartbeats carry CPU microseconds used so far: the rate between two samples is the load.
      const cpu = prev === undefined || now <= prev.time ? 0 : Math.max(0, (m.cpu - prev.cpu) / 1000 / (now - prev.time));
      if (prev !== undefined && m.spilledCount > prev.spilledCount)
        this.spills.push({ worker: w.address, time: now, count: m.spilledCount - prev.spilledCount });
      this.last.set(w.address, { time: now, cpu: m.cpu, spilledCount: m.spilledCount });
      this.cpuNow.set(w.address, cpu);
      s.workers[w.address] = { cpu, rss: m.rss, managed: m.managed, spilled: m.spilled };
    }
    for (const a of [...this.last.keys()]) {
      if (!seen.has(a)) {
        this.last.delete(a);
        this.cpuNow.delete(a);
      }
    }
    this.samples.push(s);
    if (this.samples.length > KEEP) this.samples.splice(0, this.samples.length - KEEP);
    if (this.spills.length > 1000) this.spills.splice(0, 500);
  }
}
