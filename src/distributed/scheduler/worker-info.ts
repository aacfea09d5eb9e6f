/** A worker as clients and the dashboard see it: its figures and its memory as last reported. */
import type { WorkerInfo, WorkerMemory } from '../protocol/index.js';
import type { WorkerState } from './tasks.js';

export function workerMemory(w: WorkerState): WorkerMemory {
  const m = w.metrics;
  return {
    status: w.status === 'paused' ? 'paused' : 'running',
    rss: m.rss,
    managed: m.managed,
    unmanaged: Math.max(0, m.rss - m.managed),
    heap: m.heap,
    spilled: m.spilled,
    spilledCount: m.spilledCount,
    pauseReason: w.status === 'paused' ? w.pauseReason : '',
  };
}

/** With its memory once a heartbeat reported it. */
export function workerInfo(w: WorkerState): WorkerInfo {
  const memory = w.metrics.rss > 0 ? workerMemory(w) : undefined;
  // A copy of the resources: an in-process client gets this object itself, and the amounts are the scheduler's.
  return { address: w.address, name: w.name, nthreads: w.nthreads, memoryLimit: w.memoryLimit, resources: { ...w.resources }, memory };
}
