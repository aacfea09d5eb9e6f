/**
 * The executor side of the local engine (runs inside a worker thread or a child process).
 * It is a small dataflow machine: tasks arrive in batches with the keys they need; a task runs
 * as soon as all of its inputs are in the local store (computed here, or sent by main), in
 * the engine's priority order. Results stay here until main asks for them or releases them.
 * Completions are reported in one message per run slice (about a millisecond of work).
 */
import { transfer, type Remote } from 'comlink';
import { isThenable, runTask, Task, type FusedStep, type TaskFn } from '../../core/graph.js';
import { describeFunction, type FnSpec, resolveFunction, setFunctionBase } from '../../core/functions.js';
import { fromWire, toWire } from './codec.js';
import { Heap } from './heap.js';
import { type Batch, type ExecutorApi, type MainApi, type RemoteError, type Report, SEND_DROP, type SendMode, type WireStep, type WireTask } from './protocol.js';

/** How long one run slice may execute tasks before reporting and reading new messages. */
const SLICE_MS = 1;

interface Pending {
  run: number;
  key: string;
  priority: number;
  task: Task | undefined;
  /** Inputs not yet in the store. */
  missing: number;
  send: SendMode;
  /** An error found while decoding the task (e.g. its module failed to load). */
  error?: unknown;
}

class RunState {
  readonly store = new Map<string, unknown>();
  readonly waiters = new Map<string, Pending[]>();
  report: Report;
  transfer: ArrayBuffer[] = [];
  constructor(readonly id: number) {
    this.report = { run: id, done: [] };
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
  private readonly ready = new Heap<Pending>();
  private scheduled = false;
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
      rs = new RunState(run);
      this.runs.set(run, rs);
    }
    return rs;
  }

  submit(b: Batch): void {
    if (b.defs !== undefined) for (const [id, spec] of b.defs) this.specs.set(id, spec);
    const rs = this.state(b.run);
    if (rs === undefined) return;
    if (b.data !== undefined) for (const [key, w, marked] of b.data) this.put(rs, key, marked ? fromWire(w, this.fn) : w);
    if (b.tasks !== undefined) for (const t of b.tasks) this.accept(rs, t);
    if (b.release !== undefined) for (const key of b.release) rs.store.delete(key);
    if (b.fetch !== undefined) {
      for (const [key, drop] of b.fetch) {
        if (!rs.store.has(key)) {
          (rs.report.errors ??= []).push([key, { name: 'Error', message: `${this.name} was asked for '${key}' but does not hold it (protocol error)` }]);
          continue;
        }
        this.sendValue(rs, key, rs.store.get(key), drop, 'value');
        if (drop) rs.store.delete(key);
      }
    }
    this.schedule();
  }

  endRun(run: number): void {
    this.runs.delete(run);
    this.ended.add(run);
    if (this.ended.size > 10_000) this.ended.delete(this.ended.values().next().value as number);
  }

  private decodeArgs(args: unknown[], marked: boolean): unknown[] {
    return marked ? (fromWire(args, this.fn) as unknown[]) : args;
  }

  private accept(rs: RunState, [key, priority, fnId, args, marked, deps, send, chain]: WireTask): void {
    const p: Pending = { run: rs.id, key, priority, task: undefined, missing: 0, send };
    try {
      if (chain === 0) p.task = new Task(this.fn(fnId), this.decodeArgs(args, marked), deps);
      else {
        const steps: FusedStep[] = chain.map(([k, f, a, m, d]: WireStep) => ({ key: k, task: new Task(this.fn(f), this.decodeArgs(a, m), d) }));
        const last = steps[steps.length - 1].task;
        p.task = new Task(last.fn, last.args, deps, steps);
      }
    } catch (e) {
      p.error = e;
    }
    for (const d of deps) {
      if (rs.store.has(d)) continue;
      p.missing++;
      const w = rs.waiters.get(d);
      if (w === undefined) rs.waiters.set(d, [p]);
      else w.push(p);
    }
    if (p.missing === 0) this.ready.push(p);
  }

  private put(rs: RunState, key: string, value: unknown): void {
    rs.store.set(key, value);
    const w = rs.waiters.get(key);
    if (w === undefined) return;
    rs.waiters.delete(key);
    for (const p of w) if (--p.missing === 0) this.ready.push(p);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.drain);
  }

  private drain = (): void => {
    this.scheduled = false;
    const deadline = performance.now() + SLICE_MS;
    while (this.ready.size > 0) {
      const p = this.ready.pop()!;
      const rs = this.runs.get(p.run);
      if (rs === undefined) continue;
      this.execute(rs, p);
      if (performance.now() > deadline) break;
    }
    this.flush();
    if (this.ready.size > 0) this.schedule();
  };

  private execute(rs: RunState, p: Pending): void {
    if (p.error !== undefined) return this.fail(rs, p.key, p.error);
    const t0 = performance.now();
    let v: unknown;
    try {
      v = runTask(p.task!, (k) => rs.store.get(k));
    } catch (e) {
      return this.fail(rs, p.key, e);
    }
    if (isThenable(v)) {
      v.then(
        (value) => {
          if (this.runs.get(p.run) !== rs) return;
          this.complete(rs, p, value, performance.now() - t0);
          this.schedule();
        },
        (e) => {
          if (this.runs.get(p.run) !== rs) return;
          this.fail(rs, p.key, e);
          this.schedule();
        },
      );
      return;
    }
    this.complete(rs, p, v, performance.now() - t0);
  }

  private complete(rs: RunState, p: Pending, value: unknown, duration: number): void {
    if (p.send !== 0 && !this.sendValue(rs, p.key, value, p.send === SEND_DROP, 'result')) return;
    rs.report.done.push([p.key, duration]);
    if (p.send !== SEND_DROP) this.put(rs, p.key, value);
  }

  /** Queue a value for main; false (and a task error) when it cannot be sent. */
  private sendValue(rs: RunState, key: string, value: unknown, drop: boolean, what: string): boolean {
    try {
      const [w, marked] = toWire(value, `the ${what} of task '${key}'`, {
        shared: this.shared,
        // Only threads can take transfers; for processes a copy would be wasted work.
        transfer: drop && this.shared ? rs.transfer : undefined,
        fnId: (f, where) => describeFunction(f, where),
      });
      (rs.report.values ??= []).push([key, w, marked]);
      return true;
    } catch (e) {
      this.fail(rs, key, e);
      return false;
    }
  }

  private fail(rs: RunState, key: string, e: unknown): void {
    (rs.report.errors ??= []).push([key, remoteError(e)]);
  }

  private unsendable(r: Report, e: unknown): void {
    const keys = [...(r.values ?? []).map(([k]) => k), ...(r.errors ?? []).map(([k]) => k)];
    const message = `could not send the result of task '${keys[0] ?? '?'}' to the main thread: ${(e as Error)?.message ?? e}`;
    this.main.report({ run: r.run, done: [], errors: keys.map((k) => [k, { name: 'DataCloneError', message }]) }).catch(() => undefined);
  }

  private flush(): void {
    for (const rs of this.runs.values()) {
      const r = rs.report;
      if (r.done.length === 0 && r.values === undefined && r.errors === undefined) continue;
      const list = rs.transfer.length > 0 ? [...new Set(rs.transfer)] : [];
      rs.report = { run: rs.id, done: [] };
      rs.transfer = [];
      this.main.report(list.length > 0 ? transfer(r, list) : r).catch((e: unknown) => {
        // An untransferable buffer: send copies instead. A value the structured clone refuses
        // (a Proxy, say) fails the tasks whose values were in this report.
        if (list.length > 0) return this.main.report(r).catch((again: unknown) => this.unsendable(r, again));
        this.unsendable(r, e);
      });
    }
  }
}
