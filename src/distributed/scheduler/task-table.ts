/**
 * The scheduler's tables (tasks, workers, clients, task groups, function specs) and the
 * bookkeeping of every state change: counts per group, which inputs active tasks still read,
 * and freeing results and forgetting tasks once nothing needs them.
 */
import type { FnSpec } from '../../core/fnspec.js';
import { keyName } from '../../core/graph.js';
import { type Payload, toWorker } from '../protocol/index.js';
import { ACTIVE, type ClientState, TaskGroup, TaskState, type TaskStatus, type WorkerState } from './tasks.js';

/** Unknown task durations start at this guess (seconds). */
export const DEFAULT_DURATION = 0.05;
/** Generations are spaced so one graph can hold this many tasks in order. */
const GENERATION_SPAN = 2 ** 24;

export class TaskTable {
  readonly tasks = new Map<string, TaskState>();
  readonly workers = new Map<string, WorkerState>();
  readonly clients = new Map<string, ClientState>();
  readonly groups = new Map<string, TaskGroup>();
  /** Function specs by id (plain JSON FnSpecs), sent to each worker once. */
  readonly fnTable = new Map<string, FnSpec>();
  private generation = 0;
  /** Cached largest worker memory limit (Infinity: some worker has none); undefined: recompute. */
  private largestLimit: number | undefined;

  /** Priorities of the next graph start here: older graphs run first. */
  nextPriorityBase(): number {
    return ++this.generation * GENERATION_SPAN;
  }

  /** A new task in state released. */
  add(key: string, spec: Payload | null, fns: readonly string[] | null, priority: number): TaskState {
    const g = this.group(key);
    const ts = new TaskState(key, spec, fns, priority, g);
    g.total++;
    g.counts.released++;
    this.tasks.set(key, ts);
    return ts;
  }

  setState(ts: TaskState, next: TaskStatus): void {
    const prev = ts.state;
    if (prev === next) return;
    ts.state = next;
    if (prev === 'memory' && ts.rootHeldOn !== null) this.rootRead(ts);
    ts.group.counts[prev]--;
    ts.group.counts[next]++;
    const wasActive = ACTIVE[prev];
    const isActive = ACTIVE[next];
    if (wasActive === isActive) return;
    if (isActive) {
      for (const d of ts.deps) d.activeDependents++;
    } else {
      for (const d of ts.deps) {
        d.activeDependents--;
        if (d.activeDependents === 0 && d.rootHeldOn !== null) this.rootRead(d);
        if (d.activeDependents === 0 && d.state === 'memory' && (d.wants === null || d.wants.size === 0)) this.releaseMemory(d);
      }
    }
  }

  private group(key: string): TaskGroup {
    const name = keyName(key);
    let g = this.groups.get(name);
    if (g === undefined) {
      g = new TaskGroup(name);
      this.groups.set(name, g);
    }
    return g;
  }

  /** Expected run time in seconds (the group's mean so far). */
  duration(ts: TaskState): number {
    return ts.group.avgDuration ?? DEFAULT_DURATION;
  }

  /** A root's result was read by its last dependent (or is gone): its worker may make more roots. */
  rootRead(ts: TaskState): void {
    const w = ts.rootHeldOn;
    if (w === null) return;
    w.rootBytes -= ts.nbytes;
    ts.rootHeldOn = null;
  }

  /** Tell every holder of `ts`'s result to free it and forget where it was. */
  dropReplicas(ts: TaskState): void {
    if (ts.rootHeldOn !== null) this.rootRead(ts);
    for (const w of ts.whoHas) {
      w.hasWhat.delete(ts);
      w.nbytes -= ts.nbytes;
      freeOn(w, ts.key);
    }
    ts.whoHas = [];
    ts.group.nbytes -= ts.nbytes;
  }

  releaseMemory(ts: TaskState): void {
    if (ts.state !== 'memory') return;
    this.dropReplicas(ts);
    this.setState(ts, 'released');
    if (ts.spec === null || ts.dependents.length === 0) this.maybeForget(ts);
  }

  /** Drop tasks no client and no dependent refers to, walking down to their inputs. */
  maybeForget(root: TaskState): void {
    const stack = [root];
    for (let ts = stack.pop(); ts !== undefined; ts = stack.pop()) {
      if (ts.forgotten || ACTIVE[ts.state] || ts.dependents.length > 0 || (ts.wants !== null && ts.wants.size > 0)) continue;
      if (ts.state === 'memory') {
        if (ts.activeDependents > 0) continue;
        this.dropReplicas(ts);
      }
      ts.forgotten = true;
      ts.group.counts[ts.state]--;
      ts.group.total--;
      if (ts.group.total === 0) this.groups.delete(ts.group.name);
      this.tasks.delete(ts.key);
      for (const d of ts.deps) {
        const i = d.dependents.indexOf(ts);
        if (i >= 0) {
          d.dependents[i] = d.dependents[d.dependents.length - 1];
          d.dependents.pop();
        }
        if (d.dependents.length === 0) stack.push(d);
      }
    }
  }

  /** Workers joined or left: cached figures over them are stale. */
  workersChanged(): void {
    this.largestLimit = undefined;
  }

  /** The largest memory limit of the workers (Infinity if one has none, or none joined yet). */
  largestMemoryLimit(): number {
    if (this.largestLimit !== undefined) return this.largestLimit;
    let max = 0;
    for (const w of this.workers.values()) max = w.memoryLimit > 0 ? Math.max(max, w.memoryLimit) : Infinity;
    this.largestLimit = max === 0 ? Infinity : max;
    return this.largestLimit;
  }

  /** Totals for String(client) and the dashboard. */
  summary(): { workers: number; threads: number; memory: number } {
    let threads = 0;
    let memory = 0;
    for (const w of this.workers.values()) {
      threads += w.nthreads;
      memory += w.memoryLimit;
    }
    return { workers: this.workers.size, threads, memory };
  }
}

/**
 * Tell `w` to free `key`. Consecutive frees for one worker share a message (releasing n results
 * sends one, not n); any other message to it ends the run, so the worker sees the same order.
 */
function freeOn(w: WorkerState, key: string): void {
  const t = w.freeing;
  if (t !== undefined && w.sink.isLastQueued?.(t.msg) === true) {
    t.keys.push(key);
    return;
  }
  const keys = [key];
  const msg = toWorker.freeKeys(keys);
  w.sink.send(msg);
  w.freeing = { msg, keys };
}
