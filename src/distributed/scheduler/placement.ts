/**
 * Where ready tasks run: root tasks wait in one priority queue and go out in contiguous runs
 * to workers with free slots; tasks with inputs go to the worker that moves the fewest bytes
 * and starts soonest; tasks that need worker resources wait per demand until a worker has
 * them free; tasks no worker can take wait as no-worker until one joins. Paused workers get
 * nothing new.
 *
 * Root-task queuing (Dask's): roots (tasks without inputs, e.g. CSV blocks) leave the queue
 * only as a worker's slots free up, so they are produced no faster than their results are
 * consumed and memory stays flat in a read-reduce graph. A worker holds its threads' worth of
 * tasks plus a pipeline that covers a round trip to the scheduler (so short tasks never wait
 * on us: Dask's worker-saturation), and that pipeline is capped by bytes: the root results
 * held on the worker that dependents have not read yet, plus the expected output of the roots
 * queued there, stay within ROOT_QUEUE_FRACTION of its memory limit. Once that is used up a
 * worker gets one task per thread (Dask's saturation of 1), never fewer: no stall, no deadlock.
 * A disk shuffle's output tasks count as roots (their inputs are file references; tasks.ts
 * `queuesAsRoot`), as Dask's P2P unpack tasks are root-ish behind their barrier.
 */
import { Heap } from '../../executor/heap.js';
import { type DepLocation, type FunctionDef, toWorker } from '../protocol/index.js';
import { fits, give, resourceKey, type Resources, take } from '../resources.js';
import type { TaskTable } from './task-table.js';
import { queuesAsRoot, type TaskState, type WorkerState } from './tasks.js';

/** Keep about this much work (seconds) queued per thread, so workers never wait on us. */
const PIPELINE_SECONDS = 0.02;
const MAX_PIPELINE = 512;
/** Root tasks queued on a worker beyond its threads produce at most this fraction of its memory limit. */
export const ROOT_QUEUE_FRACTION = 0.1;
/** The same for a worker without a limit, in bytes. */
const ROOT_QUEUE_BYTES = 256 * 2 ** 20;

export class Placement {
  private readonly queued = new Heap<TaskState>();
  private readonly noWorker = new Set<TaskState>();
  /** Tasks with resources that some worker has but none has free now, one queue per demand. */
  private readonly constrained = new Map<string, Heap<TaskState>>();

  constructor(
    private readonly table: TaskTable,
    /** Bytes per second assumed for peer transfers. */
    readonly bandwidth: number,
    /** Called for a task that has nothing to run (scattered data asked to run). */
    private readonly unrunnable: (ts: TaskState) => void,
    /** Called for a task whose inputs (`bytes`) exceed every worker's memory limit. */
    private readonly oversized: (ts: TaskState, bytes: number, limit: number) => void,
  ) {}

  /** All inputs are in memory: queue `ts` or send it to a worker. */
  makeReady(ts: TaskState): void {
    if (ts.resources !== null) {
      this.placeConstrained(ts, ts.resources);
      return;
    }
    if (queuesAsRoot(ts)) {
      this.table.setState(ts, 'queued');
      this.queued.push(ts);
      return;
    }
    if (this.tooLarge(ts)) return;
    const w = this.decideWorker(ts);
    if (w === undefined) this.park(ts);
    else this.sendToWorker(ts, w);
  }

  /**
   * Inputs larger than every worker's whole memory limit can never be held together: fail
   * now, saying so and how to fix it, instead of pausing or killing workers over it.
   */
  private tooLarge(ts: TaskState): boolean {
    const limit = this.table.largestMemoryLimit();
    if (limit === Infinity) return false;
    let bytes = 0;
    for (const d of ts.deps) bytes += d.nbytes;
    if (bytes <= limit) return false;
    this.oversized(ts, bytes, limit);
    return true;
  }

  /** No worker can take `ts` now: it waits for one to join. */
  park(ts: TaskState): void {
    this.table.setState(ts, 'no-worker');
    this.noWorker.add(ts);
  }

  /**
   * A task needing resources goes to a worker with them free now; else it waits here (queued)
   * while some worker has them at all, or as no-worker until one with them joins (as Dask).
   */
  placeConstrained(ts: TaskState, need: Resources): void {
    const w = this.decideWorker(ts);
    if (w !== undefined) {
      this.sendToWorker(ts, w);
      return;
    }
    if (this.someWorkerHas(need)) {
      this.table.setState(ts, 'queued');
      const key = resourceKey(need);
      let q = this.constrained.get(key);
      if (q === undefined) {
        q = new Heap();
        this.constrained.set(key, q);
      }
      q.push(ts);
    } else this.park(ts);
  }

  private someWorkerHas(need: Resources): boolean {
    for (const w of this.table.workers.values()) if (w.status !== 'closed' && fits(w.resources, need)) return true;
    return false;
  }

  /** Start waiting resource-bound tasks where resources came free, best priority first. */
  fillConstrained(): void {
    for (const [key, q] of this.constrained) {
      for (;;) {
        const ts = q.peek();
        if (ts === undefined) {
          this.constrained.delete(key);
          break;
        }
        if (ts.state !== 'queued') {
          q.pop();
          continue;
        }
        const w = this.decideWorker(ts);
        if (w !== undefined) {
          q.pop();
          this.sendToWorker(ts, w);
          continue;
        }
        // Every task in this queue needs the same: if no worker has it anymore, all wait for one.
        if (ts.resources !== null && !this.someWorkerHas(ts.resources)) {
          this.constrained.delete(key);
          for (let t = q.pop(); t !== undefined; t = q.pop()) if (t.state === 'queued') this.park(t);
        }
        break;
      }
    }
  }

  /** A worker joined: tasks that waited for one try again, best priority first. */
  placeWaiting(): void {
    const waiting = [...this.noWorker].sort((a, b) => a.priority - b.priority);
    this.noWorker.clear();
    for (const ts of waiting) {
      if (ts.state !== 'no-worker') continue;
      if (ts.resources !== null) {
        this.placeConstrained(ts, ts.resources);
        continue;
      }
      const target = this.decideWorker(ts);
      if (target !== undefined) this.sendToWorker(ts, target);
      else this.noWorker.add(ts);
    }
  }

  /** Fewest bytes to move, then earliest expected start. */
  decideWorker(ts: TaskState): WorkerState | undefined {
    let best: WorkerState | undefined;
    let bestCost = Infinity;
    const need = ts.resources;
    const consider = (w: WorkerState): void => {
      if (w.status !== 'running') return;
      if (need !== null && !fits(w.freeResources, need)) return;
      let missing = 0;
      for (const d of ts.deps) if (!d.whoHas.includes(w)) missing += d.nbytes;
      const cost = w.occupancy / w.nthreads + missing / this.bandwidth;
      if (cost < bestCost) {
        bestCost = cost;
        best = w;
      }
    };
    const seen = new Set<WorkerState>();
    for (const d of ts.deps)
      for (const w of d.whoHas)
        if (!seen.has(w)) {
          seen.add(w);
          consider(w);
        }
    // An idle worker may beat a busy holder when little data has to move.
    if (this.table.workers.size <= 32 || best === undefined) {
      for (const w of this.table.workers.values()) if (!seen.has(w)) consider(w);
    }
    return best;
  }

  sendToWorker(ts: TaskState, w: WorkerState): void {
    const spec = ts.spec;
    if (spec === null) {
      this.unrunnable(ts);
      return;
    }
    this.table.setState(ts, 'processing');
    ts.processingOn = w;
    ts.started = false;
    w.processing.add(ts);
    w.occupancy += this.table.duration(ts);
    if (ts.resources !== null) take(w.freeResources, ts.resources);
    if (ts.fns !== null) {
      let defs: FunctionDef[] | undefined;
      for (const id of ts.fns) {
        if (w.fnsKnown.has(id)) continue;
        const fn = this.table.fnTable.get(id);
        if (fn === undefined) continue;
        w.fnsKnown.add(id);
        (defs ??= []).push({ id, spec: fn });
      }
      if (defs !== undefined) w.sink.send(toWorker.functions(defs));
    }
    const deps: DepLocation[] = [];
    for (const d of ts.deps) deps.push({ key: d.key, nbytes: d.nbytes, holders: d.whoHas.includes(w) ? [] : d.whoHas.map((h) => h.address) });
    w.sink.send(
      toWorker.compute({
        key: ts.key,
        spec: w.sink.wire(spec),
        priority: ts.priority,
        deps,
        sendResult: ts.push !== null && ts.push.size > 0 ? true : undefined,
        isolate: ts.suspicious > 0 ? true : undefined,
        resources: ts.resources ?? undefined,
      }),
    );
  }

  /** Take a task off the worker (or queue) it sits on; optionally tell the worker to drop it. */
  unassign(ts: TaskState, tellWorker: boolean): void {
    if (ts.state === 'processing' && ts.processingOn !== null) {
      const w = ts.processingOn;
      this.leaveWorker(ts, w);
      if (tellWorker) w.sink.send(toWorker.cancelCompute([ts.key]));
      ts.started = false;
    } else if (ts.state === 'no-worker') this.noWorker.delete(ts);
    // queued tasks (root or constrained) are skipped lazily when popped
  }

  /** `ts` no longer runs on `w` (finished, failed or taken away): free its slot and resources. */
  leaveWorker(ts: TaskState, w: WorkerState): void {
    w.processing.delete(ts);
    w.executing.delete(ts);
    w.occupancy = Math.max(0, w.occupancy - this.table.duration(ts));
    if (ts.resources !== null) give(w.freeResources, ts.resources);
    ts.processingOn = null;
  }

  /**
   * How many tasks a worker may hold at once when the next is a root: its threads, plus enough
   * queued to cover a round trip, as far as the root byte budget (see above) leaves room.
   */
  private slots(w: WorkerState, next: TaskState | undefined): number {
    const g = next?.group;
    const avg = g?.avgDuration;
    const extra = avg === undefined ? 2 : Math.max(1, Math.min(MAX_PIPELINE, Math.floor(PIPELINE_SECONDS / Math.max(avg, 1e-6))));
    const out = g?.avgOutput;
    if (out === undefined || out <= 0) return w.nthreads * (1 + extra);
    const budget = (w.memoryLimit > 0 ? ROOT_QUEUE_FRACTION * w.memoryLimit : ROOT_QUEUE_BYTES) - w.rootBytes;
    const room = Math.max(0, Math.floor(budget / out));
    return w.nthreads + Math.min(w.nthreads * extra, room);
  }

  /** Hand queued root tasks to workers with free slots, in contiguous runs (siblings together). */
  fillWorkers(): void {
    if (this.constrained.size > 0) this.fillConstrained();
    if (this.queued.size === 0) return;
    const ws = [...this.table.workers.values()].filter((w) => w.status === 'running');
    if (ws.length === 0) return;
    ws.sort((a, b) => a.processing.size / a.nthreads - b.processing.size / b.nthreads);
    // Round-robin over chunks so every worker gets work even when the queue is short.
    let progress = true;
    while (progress && this.queued.size > 0) {
      progress = false;
      for (const w of ws) {
        const free = this.slots(w, this.peekQueued()) - w.processing.size;
        if (free <= 0) continue;
        const chunk = Math.max(1, Math.min(free, Math.ceil(this.queued.size / ws.length)));
        for (let i = 0; i < chunk; i++) {
          const ts = this.popQueued();
          if (ts === undefined) break;
          this.sendToWorker(ts, w);
          progress = true;
        }
      }
    }
  }

  /** The best queued root task (queued entries of tasks that moved on are dropped lazily). */
  peekQueued(): TaskState | undefined {
    let ts = this.queued.peek();
    while (ts !== undefined && ts.state !== 'queued') {
      this.queued.pop();
      ts = this.queued.peek();
    }
    return ts;
  }

  /** Tasks waiting for a worker that can take them. */
  waitingForWorker(): ReadonlySet<TaskState> {
    return this.noWorker;
  }

  /** About how many tasks wait here (root queue entries of tasks that moved on are counted until popped). */
  queuedCount(): number {
    let n = this.queued.size + this.noWorker.size;
    for (const q of this.constrained.values()) n += q.size;
    return n;
  }

  private popQueued(): TaskState | undefined {
    for (;;) {
      const ts = this.queued.pop();
      if (ts === undefined || ts.state === 'queued') return ts;
    }
  }

  clear(): void {
    this.queued.clear();
    this.noWorker.clear();
    this.constrained.clear();
  }
}
