/**
 * The executor side of the local engine (runs inside a worker thread or a child process).
 * Tasks arrive in batches with the keys they need; each compute (run) has a store and the
 * shared run loop (src/executor), which starts a task as soon as all of its inputs are in the
 * store (computed here, or sent by main), in the engine's priority order. Results stay here
 * until main asks for them or releases them. Completions are reported in one message per run
 * slice (about a millisecond of work).
 */
import { transfer, type Remote } from 'comlink';
import { runTask, Task, type FusedStep, type TaskFn } from '../../core/graph.js';
import { describeFunction, type FnSpec, resolveFunction, setFunctionBase } from '../../core/functions.js';
import { type LoopTask, RunLoop, type TaskExecutor, WAITING } from '../../executor/run-loop.js';
import { fromWire, toWire, type ToWireOptions } from './codec.js';
import { toShared } from '../../core/shared/memory.js';
import { sharedRegistered } from '../../core/shared/inputs.js';
import {
  type Batch,
  type ExecutorApi,
  type MainApi,
  type RemoteError,
  type Report,
  SEND_DROP,
  type SendMode,
  type WireStep,
  type WireTask,
} from './protocol.js';

/** Results leave a thread in shared memory: one copy, then every thread reads the same bytes. */
const SHARE_HERE: Pick<ToWireOptions, 'share' | 'shareType'> = {
  share: (v) => toShared(v),
  shareType: sharedRegistered,
};

/** How long one run slice may execute tasks before reporting and reading new messages. */
const SLICE_MS = 1;

interface Pending extends LoopTask {
  task: Task | undefined;
  send: SendMode;
  /** What decoding the task threw (e.g. its module failed to load), boxed: any value may be thrown. */
  error: { readonly thrown: unknown } | undefined;
  /** Sent ahead of time: starts only when no other task of the run is running here. */
  behind: boolean;
}

/** One compute on this executor: its store, the tasks waiting on each key, its run loop. */
class RunState implements TaskExecutor<Pending> {
  readonly store = new Map<string, unknown>();
  readonly waiters = new Map<string, Pending[]>();
  readonly loop: RunLoop<Pending>;
  private report: Report;
  private transfer: ArrayBuffer[] = [];
  constructor(
    readonly id: number,
    private readonly main: Remote<MainApi>,
    /** Threads share memory with main; processes do not. */
    private readonly shared: boolean,
    /** Turns function ids in wire values back into functions. */
    private readonly fn: (id: number | FnSpec) => TaskFn,
  ) {
    this.report = { run: id, done: [] };
    // Tasks that return Promises run side by side, unbounded (main bounds what it sends).
    this.loop = new RunLoop<Pending>(this, { slots: Infinity, sliceMs: SLICE_MS });
  }

  private readonly get = (k: string): unknown => this.store.get(k);

  admit(p: Pending): boolean {
    return !p.behind || this.loop.running === 0;
  }

  run(p: Pending): unknown {
    if (p.error !== undefined) throw p.error.thrown;
    return runTask(p.task!, this.get);
  }

  done(p: Pending, value: unknown, ms: number): void {
    this.loop.readmit();
    let kept = value;
    if (p.send !== 0) {
      const sent = this.sendValue(p.key, value, p.send === SEND_DROP, 'result');
      if (sent === undefined) return;
      kept = sent;
    }
    this.report.done.push([p.key, ms]);
    if (p.send !== SEND_DROP) this.put(p.key, kept);
  }

  erred(p: Pending, e: unknown): void {
    this.loop.readmit();
    this.fail(p.key, e);
  }

  /** The end of a run slice: send what it produced in one message. */
  idle(): void {
    const r = this.report;
    if (r.done.length === 0 && r.values === undefined && r.errors === undefined) return;
    const list = this.transfer.length > 0 ? [...new Set(this.transfer)] : [];
    this.report = { run: this.id, done: [] };
    this.transfer = [];
    this.main.report(list.length > 0 ? transfer(r, list) : r).catch((e: unknown) => {
      // An untransferable buffer: send copies instead. A value the structured clone refuses
      // (a Proxy, say) fails the tasks whose values were in this report.
      if (list.length > 0) return this.main.report(r).catch((again: unknown) => this.unsendable(r, again));
      this.unsendable(r, e);
    });
  }

  fail(key: string, e: unknown): void {
    this.failWith(key, remoteError(e));
  }

  failWith(key: string, info: RemoteError): void {
    (this.report.errors ??= []).push([key, info]);
  }

  put(key: string, value: unknown): void {
    this.store.set(key, value);
    const w = this.waiters.get(key);
    if (w === undefined) return;
    this.waiters.delete(key);
    for (const p of w) this.loop.arrived(p);
  }

  /**
   * Queue a value for main; returns what to keep of it here (on threads, the value with its large
   * buffers moved to shared memory, so it is copied there once and never again), or undefined
   * (and a task error) when it cannot be sent.
   */
  sendValue(key: string, value: unknown, drop: boolean, what: string): unknown {
    try {
      const [w, marked, replaced] = toWire(value, `the ${what} of task '${key}'`, {
        shared: this.shared,
        // Only threads can take transfers; for processes a copy would be wasted work.
        transfer: drop && this.shared ? this.transfer : undefined,
        fnId: (f, where) => describeFunction(f, where),
        ...(this.shared ? SHARE_HERE : {}),
      });
      (this.report.values ??= []).push([key, w, marked]);
      if (!replaced || drop) return value;
      return marked ? fromWire(w, this.fn) : w;
    } catch (e) {
      this.fail(key, e);
      return undefined;
    }
  }

  private unsendable(r: Report, e: unknown): void {
    const keys = [...(r.values ?? []).map(([k]) => k), ...(r.errors ?? []).map(([k]) => k)];
    const message = `could not send the result of task '${keys[0] ?? '?'}' to the main thread: ${(e as Error)?.message ?? e}`;
    this.main.report({ run: r.run, done: [], errors: keys.map((k) => [k, { name: 'DataCloneError', message }]) }).catch(() => undefined);
  }
}

export function remoteError(e: unknown): RemoteError {
  if (e instanceof Error) {
    const out: RemoteError = { name: e.name, message: e.message, stack: e.stack };
    const props: Record<string, unknown> = {};
    let any = false;
    for (const k of Object.keys(e)) {
      const v = (e as unknown as Record<string, unknown>)[k];
      try {
        structuredClone(v);
        props[k] = v;
        any = true;
      } catch {
        props[k] = String(v);
        any = true;
      }
    }
    if (any) out.props = props;
    return out;
  }
  let text: string;
  try {
    text = typeof e === 'string' ? e : JSON.stringify(e);
  } catch {
    text = String(e);
  }
  return { name: 'Error', message: `a task threw a non-Error value: ${text}` };
}

export class ExecutorRuntime implements ExecutorApi {
  private readonly specs = new Map<number, FnSpec>();
  private readonly fns = new Map<number, TaskFn>();
  private readonly runs = new Map<number, RunState>();
  private readonly ended = new Set<number>();
  private name = 'executor';

  constructor(
    private readonly main: Remote<MainApi>,
    /** Threads share memory with main; processes do not. */
    private readonly shared: boolean,
  ) {}

  init(opts: { base: string; name: string }): void {
    this.name = opts.name;
    setFunctionBase(opts.base);
  }

  private fn = (id: number | FnSpec): TaskFn => {
    if (typeof id !== 'number') return resolveFunction(id);
    let f = this.fns.get(id);
    if (f === undefined) {
      const spec = this.specs.get(id);
      if (spec === undefined) throw new Error(`${this.name}: unknown function id ${id} (protocol error)`);
      f = resolveFunction(spec);
      this.fns.set(id, f);
    }
    return f;
  };

  private state(run: number): RunState | undefined {
    if (this.ended.has(run)) return undefined;
    let rs = this.runs.get(run);
    if (rs === undefined) {
      rs = new RunState(run, this.main, this.shared, this.fn);
      this.runs.set(run, rs);
    }
    return rs;
  }

  submit(b: Batch): void {
    if (b.defs !== undefined) for (const [id, spec] of b.defs) this.specs.set(id, spec);
    const rs = this.state(b.run);
    if (rs === undefined) return;
    if (b.data !== undefined) for (const [key, w, marked] of b.data) rs.put(key, marked ? fromWire(w, this.fn) : w);
    if (b.tasks !== undefined) for (const t of b.tasks) this.accept(rs, t);
    if (b.release !== undefined) for (const key of b.release) rs.store.delete(key);
    if (b.fetch !== undefined) {
      for (const [key, drop] of b.fetch) {
        if (!rs.store.has(key)) {
          rs.failWith(key, { name: 'Error', message: `${this.name} was asked for '${key}' but does not hold it (protocol error)` });
          continue;
        }
        const kept = rs.sendValue(key, rs.store.get(key), drop, 'value');
        if (drop) rs.store.delete(key);
        else if (kept !== undefined) rs.store.set(key, kept);
      }
    }
    // Also with nothing to run: the slice's end sends what this batch asked for.
    rs.loop.schedule();
  }

  endRun(run: number): void {
    this.runs.get(run)?.loop.close();
    this.runs.delete(run);
    this.ended.add(run);
    if (this.ended.size > 10_000) this.ended.delete(this.ended.values().next().value as number);
  }

  private decodeArgs(args: unknown[], marked: boolean): unknown[] {
    return marked ? (fromWire(args, this.fn) as unknown[]) : args;
  }

  private accept(rs: RunState, [key, priority, fnId, args, marked, deps, send, chain, behind]: WireTask): void {
    const p: Pending = { key, priority, state: WAITING, missing: 0, task: undefined, send, error: undefined, behind };
    try {
      if (chain === 0) p.task = new Task(this.fn(fnId), this.decodeArgs(args, marked), deps);
      else {
        const steps: FusedStep[] = chain.map(([k, f, a, m, d]: WireStep) => ({ key: k, task: new Task(this.fn(f), this.decodeArgs(a, m), d) }));
        const last = steps[steps.length - 1].task;
        p.task = new Task(last.fn, last.args, deps, steps);
      }
    } catch (e) {
      p.error = { thrown: e };
    }
    for (const d of deps) {
      if (rs.store.has(d)) continue;
      p.missing++;
      const w = rs.waiters.get(d);
      if (w === undefined) rs.waiters.set(d, [p]);
      else w.push(p);
    }
    rs.loop.add(p);
  }
}
