/**
 * The run loop of one executor: the tasks it was given wait for their inputs, become ready,
 * start in priority order in at most `slots` at a time, and end done or erred. It is used by
 * the local engine's executors (a worker thread or a child process) and by a distributed
 * worker; what it does not know is theirs: where inputs come from (the caller counts them and
 * calls `arrived`), how one task runs, and what a finished task means (`TaskExecutor`).
 *
 *   WAITING --arrived (last input)--> READY --slot free--> RUNNING --> DONE
 *   any state --drop--> DONE (a running task gives its slot back at once)
 *
 * A task that returns a thenable holds its slot until it settles; a synchronous one holds it
 * only while it runs. The loop runs in slices of `sliceMs` on the event loop (setImmediate),
 * so messages are read between slices, and calls `idle` after each slice (to send reports).
 * A group that outlasts its slice stops starting tasks; the rest wait, already announced, for
 * the next slice (so a worker reads its peers' requests between the tasks of a long group).
 */
import { isThenable } from '../core/graph.js';
import { Heap } from './heap.js';

export const WAITING = 0;
export const READY = 1;
export const RUNNING = 2;
/** Finished, failed or dropped: no longer the loop's concern. */
export const DONE = 3;
export type LoopState = typeof WAITING | typeof READY | typeof RUNNING | typeof DONE;

/** What the loop needs of a task (executors add their own fields). */
export interface LoopTask {
  readonly key: string;
  /** Lower runs first. */
  readonly priority: number;
  /** Start it in a group of its own (announced alone: it is suspected of crashing executors). */
  readonly alone?: boolean;
  /** Set by the loop. Create tasks as WAITING. */
  state: LoopState;
  /** Inputs not available yet: counted by the caller before `add`, counted down by `arrived`. */
  missing: number;
  /** Set by the loop once given to `starting`: not given again when its group's slice ran out before it started. */
  announced?: boolean;
}

/**
 * How tasks run and what their end means: the part of an executor the loop plugs into.
 * `V` is what `run` produces (a value, or e.g. a thread's encoded reply).
 */
export interface TaskExecutor<T extends LoopTask, V = unknown> {
  /** Run one task: return its value, or a thenable of it; throw to fail it. */
  run(t: T): V | PromiseLike<V>;
  /** `t` ended with `value` after `ms` milliseconds (its slot is already free). */
  done(t: T, value: V, ms: number): void;
  /** `t` failed (threw or rejected); the executor reports it with `t.key`. */
  erred(t: T, error: unknown, ms: number): void;
  /** How many ready tasks to start as one group (default 1). */
  groupSize?(): number;
  /**
   * Called with a group before any of its tasks runs (e.g. to say which keys start). Tasks of
   * a group may start in a later slice (its time ran out); they are not given here again.
   */
  starting?(group: readonly T[]): void;
  /** Called after each slice (e.g. to send the completions of the slice in one message). */
  idle?(): void;
  /**
   * May `t` start now? (e.g. the worker resources it needs are free; take them here.) A task
   * refused steps aside, so others run, until `readmit()`.
   */
  admit?(t: T): boolean;
  /** What `admit` took goes back: `t` did not start after all, or its function really ended (even when dropped). */
  release?(t: T): void;
  /** `t` was dropped while it ran and has now produced `value`, which nobody reads: undo its side effects (a file it wrote). */
  discard?(t: T, value: V): void;
}

export interface RunLoopOptions {
  /** Most tasks running at once (Infinity: no bound). */
  slots: number;
  /** How long one slice may run tasks before yielding to the event loop. */
  sliceMs: number;
}

export class RunLoop<T extends LoopTask, V = unknown> {
  private readonly ready = new Heap<T>();
  private readonly group: T[] = [];
  /** The tasks of `group` not announced before. */
  private readonly fresh: T[] = [];
  /** Ready tasks `admit` refused: back in the heap on `readmit`. */
  private parked: T[] = [];
  private readonly slots: number;
  private readonly sliceMs: number;
  private active = 0;
  private scheduled = false;
  private paused = false;
  private closed = false;

  constructor(
    private readonly executor: TaskExecutor<T, V>,
    opts: RunLoopOptions,
  ) {
    this.slots = opts.slots;
    this.sliceMs = opts.sliceMs;
  }

  /** Tasks holding a slot now. */
  get running(): number {
    return this.active;
  }

  /** Take a task whose `missing` inputs were counted; it becomes ready when they arrive. */
  add(t: T): void {
    if (t.missing > 0) t.state = WAITING;
    else this.makeReady(t);
  }

  /** One input of `t` is now available. */
  arrived(t: T): void {
    if (t.state === WAITING && --t.missing === 0) this.makeReady(t);
  }

  /** Forget `t` whatever its state; a running task's end will be ignored. */
  drop(t: T): void {
    if (t.state === RUNNING) {
      this.active--;
      this.schedule();
    }
    t.state = DONE;
  }

  /** Start no new task until `resume` (running ones go on). */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.schedule();
  }

  /** Stop for good: nothing starts, and ends of running tasks are ignored. */
  close(): void {
    this.closed = true;
    this.ready.clear();
  }

  /** Run a slice soon (also when nothing is ready: `idle` then sends what is pending). */
  schedule(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    setImmediate(this.slice);
  }

  /** What refused tasks waited for may be free now (e.g. resources were given back): try them again. */
  readmit(): void {
    if (this.parked.length === 0) return;
    for (const t of this.parked) if (t.state === READY) this.ready.push(t);
    this.parked = [];
    this.schedule();
  }

  private makeReady(t: T): void {
    t.state = READY;
    this.ready.push(t);
    this.schedule();
  }

  /** The best ready task, skipping dropped ones (they leave the heap lazily). */
  private nextReady(): T | undefined {
    for (;;) {
      const t = this.ready.peek();
      if (t === undefined || t.state === READY) return t;
      this.ready.pop();
    }
  }

  private readonly slice = (): void => {
    // `scheduled` stays set during the slice: tasks made ready here need no new turn.
    const ex = this.executor;
    const deadline = performance.now() + this.sliceMs;
    while (!this.closed && !this.paused && this.active < this.slots) {
      const started = ex.groupSize === undefined ? this.startNext() : this.startGroup(ex, ex.groupSize(), deadline);
      if (!started || performance.now() > deadline) break;
    }
    this.scheduled = false;
    if (this.closed) return;
    ex.idle?.();
    if (!this.paused && this.active < this.slots && this.nextReady() !== undefined) this.schedule();
  };

  /** Start the best ready task; false if there is none. */
  private startNext(): boolean {
    const ex = this.executor;
    for (;;) {
      const t = this.nextReady();
      if (t === undefined) return false;
      this.ready.pop();
      if (ex.admit !== undefined && !ex.admit(t)) {
        this.parked.push(t);
        continue;
      }
      this.start(t);
      return true;
    }
  }

  /**
   * Start up to `limit` ready tasks as one group, `alone` ones by themselves; false if none.
   * Once `deadline` has passed the rest of the group goes back to the ready heap (announced).
   */
  private startGroup(ex: TaskExecutor<T, V>, limit: number, deadline: number): boolean {
    const group = this.group;
    const fresh = this.fresh;
    while (group.length < limit) {
      const t = this.nextReady();
      if (t === undefined || (t.alone === true && group.length > 0)) break;
      this.ready.pop();
      if (ex.admit !== undefined && !ex.admit(t)) {
        this.parked.push(t);
        continue;
      }
      group.push(t);
      if (t.announced !== true) fresh.push(t);
      if (t.alone === true) break;
    }
    if (group.length === 0) return false;
    if (fresh.length > 0) {
      ex.starting?.(fresh);
      for (const t of fresh) t.announced = true;
      fresh.length = 0;
    }
    for (let i = 0; i < group.length; i++) {
      const t = group[i];
      if (t.state !== READY || this.closed) ex.release?.(t);
      else if (this.active >= this.slots || this.paused || (i > 0 && performance.now() > deadline)) {
        // An async task of this group may have taken the last slot, or the slice is used up.
        ex.release?.(t);
        this.ready.push(t);
      } else this.start(t);
    }
    group.length = 0;
    return true;
  }

  private start(t: T): void {
    t.state = RUNNING;
    this.active++;
    const t0 = performance.now();
    let value: V | PromiseLike<V>;
    try {
      value = this.executor.run(t);
    } catch (e) {
      this.executor.release?.(t);
      if (t.state !== RUNNING) return; // dropped while it ran
      this.end(t);
      this.executor.erred(t, e, performance.now() - t0);
      return;
    }
    if (isPending(value)) {
      value.then(
        (v) => {
          this.executor.release?.(t);
          if (t.state !== RUNNING || this.closed) {
            this.executor.discard?.(t, v);
            return;
          }
          this.end(t);
          this.executor.done(t, v, performance.now() - t0);
          this.schedule();
        },
        (e: unknown) => {
          this.executor.release?.(t);
          if (t.state !== RUNNING || this.closed) return;
          this.end(t);
          this.executor.erred(t, e, performance.now() - t0);
          this.schedule();
        },
      );
      return;
    }
    this.executor.release?.(t);
    if (t.state !== RUNNING) {
      this.executor.discard?.(t, value);
      return;
    }
    this.end(t);
    this.executor.done(t, value, performance.now() - t0);
  }

  private end(t: T): void {
    t.state = DONE;
    this.active--;
  }
}

function isPending<V>(x: V | PromiseLike<V>): x is PromiseLike<V> {
  return isThenable(x);
}
