/**
 * Running a worker's tasks through the shared run loop (src/executor), in priority order: on
 * this process's event loop (`nthreads` at a time for tasks that return Promises), or one per
 * worker thread. Before a group of tasks starts, the scheduler hears which keys start, so a
 * task that crashes the process is identified (killed-worker). Results go to the store and
 * are reported as finished (with the value when asked), failures as erred.
 */
import { taskStarted, taskStopped } from '../../diagnostics/profiler.js';
import { DataNode, runTask } from '../../core/graph.js';
import { RunLoop, type TaskExecutor } from '../../executor/run-loop.js';
import { fromWorker, type Payload, type PayloadRef, toWireError, type WireError } from '../protocol/index.js';
import { fits, give, type Resources, take } from '../resources.js';
import { lostShuffleInput } from '../../core/shuffle/files.js';
import { decodeTask } from '../task-codec.js';
import type { FunctionTable } from './functions.js';
import type { MemoryManager } from './memory.js';
import { discardEncoded, discardResult } from './shuffle-files.js';
import type { DataStore } from './store.js';
import type { SchedulerLink, WorkerTask } from './task.js';
import type { ThreadPool, ThreadResult } from './thread-pool.js';

/**
 * Short tasks are announced in groups of up to this many. A group still yields to the event
 * loop once its slice is used (executor/run-loop.ts), so peers' requests and the scheduler's
 * messages are read between its tasks.
 */
const MAX_BATCH = 64;

export class Execution {
  readonly loop: RunLoop<WorkerTask>;
  private readonly freeResources: Record<string, number>;
  private lastTaskMs = 0;
  /** Memory is high: only tasks the scheduler forces start (see `admit`). */
  private paused = false;

  constructor(
    nthreads: number,
    private readonly pool: ThreadPool | undefined,
    private readonly store: DataStore,
    private readonly fns: FunctionTable,
    resources: Resources,
    private readonly scheduler: SchedulerLink,
    private readonly memory: MemoryManager,
    /** The tasks assigned here by key (a task leaves it when it ends). */
    private readonly tasks: Map<string, WorkerTask>,
    private readonly isClosed: () => boolean,
    /** `t` read a disk-shuffle input whose file is gone (shuffle/files.ts): not a failure of `t`. */
    private readonly lostInput: (t: WorkerTask, dep: string) => void,
  ) {
    this.freeResources = { ...resources };
    const slots = { slots: nthreads, sliceMs: 20 };
    this.loop = pool === undefined ? new RunLoop(this.inlineExecutor(), slots) : new RunLoop(this.threadsExecutor(pool), slots);
  }

  /** Stop `t` (cancelled or stolen); a running thread is replaced, a running function's result is dropped when it ends. */
  drop(t: WorkerTask): void {
    if (this.pool?.interrupt(t.key) === true) this.releaseResources(t); // its thread is gone
    this.loop.drop(t);
  }

  /** Say which keys start, before they run: if one kills the process, the scheduler knows. */
  private announce(group: readonly WorkerTask[]): void {
    this.scheduler.send(fromWorker.started(group.map((t) => t.key)));
    this.scheduler.flush();
  }

  private readonly getValue = (k: string): unknown => this.store.get(k);

  /** Start no task but forced ones (refused tasks wait in the loop until `resume`). */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.loop.readmit();
  }

  /** `t` may start although the worker is paused. */
  force(t: WorkerTask): void {
    t.forced = true;
    this.loop.readmit();
  }

  /**
   * While paused only forced tasks start, and those already announced as started (the rest of
   * a group whose slice ran out: the scheduler counts them as running, so it moves them to no
   * other worker). A task that needs resources starts only while they are free; it holds them
   * until its function ends.
   */
  private readonly admit = (t: WorkerTask): boolean => {
    if (this.paused && !t.forced && t.announced !== true) return false;
    if (t.resources === null) return true;
    if (!fits(this.freeResources, t.resources)) return false;
    take(this.freeResources, t.resources);
    t.holdsResources = true;
    return true;
  };

  private readonly releaseResources = (t: WorkerTask): void => {
    if (!t.holdsResources) return;
    t.holdsResources = false;
    if (t.resources !== null) give(this.freeResources, t.resources);
    this.loop.readmit();
  };

  /** Inline: on this event loop; short tasks announced in groups, long or suspicious ones alone. */
  private inlineExecutor(): TaskExecutor<WorkerTask> {
    return {
      groupSize: () => (this.lastTaskMs > 1 ? 1 : MAX_BATCH),
      starting: (group) => this.announce(group),
      admit: this.admit,
      release: this.releaseResources,
      discard: (_t, value) => discardResult(value),
      run: (t) => {
        t.start = Date.now();
        const node = decodeTask(t.key, t.spec, this.fns.resolve);
        taskStarted(t.key);
        return node instanceof DataNode ? node.value : runTask(node, this.getValue);
      },
      done: (t, value, ms) => {
        taskStopped();
        this.lastTaskMs = ms;
        this.finishTask(t, value, t.start);
      },
      erred: (t, e, ms) => {
        taskStopped();
        this.lastTaskMs = ms;
        this.fail(t, e, t.start);
      },
    };
  }

  /** Threads: hand ready tasks to free threads with their inputs as bytes. */
  private threadsExecutor(pool: ThreadPool): TaskExecutor<WorkerTask, ThreadResult> {
    return {
      groupSize: () => pool.free,
      starting: (group) => this.announce(group),
      admit: this.admit,
      release: this.releaseResources,
      discard: (_t, r) => {
        if (r.ok) discardEncoded(r.payload, r.type);
      },
      run: (t) => {
        t.start = Date.now();
        const deps: [string, Payload][] = t.deps.map((d) => [d.key, this.store.getPayload(d.key)]);
        return pool.run(t.key, t.spec, deps);
      },
      done: (t, r) => {
        if (r.ok) this.finishEncoded(t, r.payload, r.nbytes, r.type, r.start, r.stop, r.thread);
        else this.failWire(t, r.error, r.start, r.thread);
      },
      erred: (t, e) => this.fail(t, e, t.start),
    };
  }

  private finishEncoded(t: WorkerTask, payload: Payload, nbytes: number, type: string, start: number, stop: number, thread: number): void {
    if (this.isClosed()) return;
    if (this.tasks.get(t.key) === t) this.tasks.delete(t.key);
    this.store.setPayload(t.key, payload, nbytes, type, true);
    this.scheduler.send(
      fromWorker.finished({ key: t.key, nbytes, type, startedAt: start, stoppedAt: stop, value: t.ret ? this.scheduler.wire(payload) : undefined, thread }),
    );
    this.memory.grew(nbytes);
  }

  private finishTask(t: WorkerTask, value: unknown, start: number): void {
    if (this.isClosed()) return;
    if (this.tasks.get(t.key) === t) this.tasks.delete(t.key);
    const info = this.store.setValue(t.key, value);
    let ref: PayloadRef | undefined;
    if (t.ret) {
      try {
        ref = this.scheduler.wire(this.store.getPayload(t.key));
      } catch (e) {
        this.store.delete(t.key);
        this.fail(t, e, start);
        return;
      }
    }
    this.scheduler.send(
      fromWorker.finished({ key: t.key, nbytes: info.nbytes, type: info.type, startedAt: start, stoppedAt: Date.now(), value: ref, thread: 0 }),
    );
    this.memory.grew(info.nbytes);
  }

  fail(t: WorkerTask, err: unknown, start: number): void {
    this.failWire(t, toWireError(err, t.key), start);
  }

  /** `thread`: which pool thread ran it (0: inline). */
  failWire(t: WorkerTask, error: WireError, start: number, thread = 0): void {
    if (this.tasks.get(t.key) === t) this.tasks.delete(t.key);
    this.loop.drop(t);
    if (this.isClosed()) return;
    const lost = lostShuffleInput(error.kind);
    if (lost !== undefined) {
      this.lostInput(t, lost);
      return;
    }
    this.scheduler.send(fromWorker.erred({ key: t.key, error: { ...error, taskKey: t.key }, startedAt: start, stoppedAt: Date.now(), thread }));
  }
}
