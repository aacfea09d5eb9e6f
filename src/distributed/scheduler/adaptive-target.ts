/**
 * How many workers the queued work calls for (Dask's "target duration" idea): the seconds of
 * work ready or running, from each task group's measured mean duration, spread so that each
 * thread has about `targetDuration` seconds of it, but never more threads than ready tasks;
 * and enough workers that held results stay under 60% of their memory. Shared by every
 * cluster that adapts (adaptive.ts runs it on a timer).
 */
import { DEFAULT_DURATION } from './task-table.js';
import type { TaskGroup, WorkerState } from './tasks.js';

/** Held results above this fraction of the cluster's memory call for more workers. */
const MEMORY_FRACTION = 0.6;

export interface TargetInput {
  groups: ReadonlyMap<string, TaskGroup>;
  workers: ReadonlyMap<string, WorkerState>;
}

export interface AdaptiveTarget {
  /** Workers wanted (before the cluster's minimum and maximum). */
  workers: number;
  /** Tasks ready to run or running. */
  ready: number;
  /** Expected seconds of that work. */
  seconds: number;
  /** Why, for logs. */
  why: string;
}

export function adaptiveTarget(s: TargetInput, targetDuration: number, threadsPerWorker: number): AdaptiveTarget {
  let ready = 0;
  let seconds = 0;
  for (const g of s.groups.values()) {
    const n = g.counts.queued + g.counts['no-worker'] + g.counts.processing;
    if (n === 0) continue;
    ready += n;
    seconds += n * (g.avgDuration ?? DEFAULT_DURATION);
  }
  const threads = ready === 0 ? 0 : Math.min(ready, Math.max(1, Math.ceil(seconds / targetDuration)));
  const forWork = Math.ceil(threads / Math.max(1, threadsPerWorker));
  let held = 0;
  let limit = 0;
  let limited = 0;
  for (const w of s.workers.values()) {
    held += w.nbytes;
    if (w.memoryLimit > 0) {
      limit += w.memoryLimit;
      limited++;
    }
  }
  // Workers without a limit say nothing about memory.
  const forMemory = limited === 0 || held === 0 ? 0 : Math.ceil(held / (MEMORY_FRACTION * (limit / limited)));
  const workers = Math.max(forWork, forMemory);
  const why =
    forMemory > forWork
      ? `held results need ${forMemory} worker(s) to stay under ${MEMORY_FRACTION * 100}% of memory`
      : `${ready} task(s) ready or running, about ${seconds.toFixed(1)} s of work at ${targetDuration} s per thread`;
  return { workers, ready, seconds, why };
}

/** The workers that cost least to retire first: fewest tasks on them, then fewest bytes held. */
export function retireOrder(workers: Iterable<WorkerState>): WorkerState[] {
  const ws = [...workers].filter((w) => w.status === 'running' || w.status === 'paused');
  return ws.sort((a, b) => a.processing.size - b.processing.size || a.nbytes - b.nbytes);
}
