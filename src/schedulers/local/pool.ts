/**
 * A pool of executors of one kind, started lazily, reused across computes, replaced when one
 * dies. While no compute is running the pool is unref'd, so it never keeps the user's script
 * alive; child processes are killed when the parent exits and exit themselves if it vanishes.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { expose, type Remote, wrap } from 'comlink';
import { describeFunction, type FnSpec, resolveFunction } from '../../core/functions.js';
import type { TaskFn } from '../../core/graph.js';
import { type ExecutorHandle, type ExecutorKind, startExecutor } from '../../executor/spawn.js';
import { SharedInputs } from '../../core/shared/inputs.js';
import { channels } from './link.js';
import type { ExecutorApi, Report } from './protocol.js';

export interface Slot {
  readonly handle: ExecutorHandle;
  readonly api: Remote<ExecutorApi>;
  /** Function ids whose specs this executor confirmed having (added once a batch carrying them was accepted). */
  readonly sentFns: Set<number>;
  alive: boolean;
}

export interface RunHandler {
  readonly id: number;
  onReport(slot: Slot, r: Report): void;
  onLost(slot: Slot, reason: string): void;
  /** The pool is shutting down under this compute. */
  abort(reason: Error): void;
}

/** What every executor of the local engine runs (see entry.ts). */
const ENTRY = join(__dirname, 'entry');

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

/** Where `require()` in shipped function bodies resolves from: the user's script. */
function functionBase(): string {
  return require.main?.filename ?? (process.argv[1] ? process.argv[1] : join(process.cwd(), '[repl]'));
}

export class Pool {
  private slots: Slot[] = [];
  private readonly runs = new Map<number, RunHandler>();
  private nextRun = 1;
  private nextIndex = 1;
  private readonly fnIds = new WeakMap<TaskFn, number>();
  /** One id per distinct spec: many closures with one source text share it. */
  private readonly specIds = new Map<string, number>();
  private readonly specs: FnSpec[] = [];
  private readonly fns: TaskFn[] = [];
  private closed = false;

  constructor(readonly kind: ExecutorKind) {
    this.inputs = kind === 'thread' ? new SharedInputs() : undefined;
  }

  get shared(): boolean {
    return this.kind === 'thread';
  }

  /** Threads: the shared-memory copies of user data, kept while the user's buffers live. */
  readonly inputs: SharedInputs | undefined;

  /** `n` live executors: existing ones first, new ones started (or dead ones replaced) as needed. */
  acquire(n: number): Slot[] {
    if (this.closed) throw new Error(`the ${this.kind} pool was shut down`);
    for (let i = 0; i < n; i++) {
      if (this.slots[i] === undefined || !this.slots[i].alive) this.slots[i] = this.start();
    }
    return this.slots.slice(0, n);
  }

  /** Process ids of live executors (threads report the main pid). */
  pids(): number[] {
    return this.slots.filter((s) => s.alive).map((s) => s.handle.pid);
  }

  private start(): Slot {
    const handle = startExecutor(this.kind, `${this.kind}-${this.nextIndex++}`, ENTRY);
    const { call, back } = channels(handle.link);
    const slot: Slot = { handle, api: wrap<ExecutorApi>(call), sentFns: new Set(), alive: true };
    expose(
      {
        report: (r: Report) => this.runs.get(r.run)?.onReport(slot, r),
      },
      back,
    );
    handle.onExit((reason) => {
      slot.alive = false;
      if (this.closed) return;
      for (const run of [...this.runs.values()]) run.onLost(slot, reason);
    });
    slot.api.init({ base: functionBase(), name: handle.name }).catch(() => undefined);
    if (this.runs.size === 0) handle.unref();
    return slot;
  }

  newRunId(): number {
    return this.nextRun++;
  }

  /** A compute is running: keep the event loop alive for it. */
  register(run: RunHandler): void {
    if (this.runs.size === 0) for (const s of this.slots) if (s?.alive) s.handle.ref();
    this.runs.set(run.id, run);
  }

  unregister(run: RunHandler): void {
    if (!this.runs.delete(run.id)) return;
    for (const s of this.slots) if (s?.alive) s.api.endRun(run.id).catch(() => undefined);
    if (this.runs.size === 0) for (const s of this.slots) if (s?.alive) s.handle.unref();
  }

  /** A pool-wide id for a function; throws ClosureError naming `where` if it cannot be shipped. */
  fnId(fn: TaskFn, where: string): number {
    let id = this.fnIds.get(fn);
    if (id === undefined) {
      const spec = describeFunction(fn, where);
      const key = spec.kind === 'kernel' ? `k:${spec.name}` : spec.kind === 'module' ? `m:${spec.path}#${spec.exportName}` : `s:${spec.hash}`;
      id = this.specIds.get(key);
      if (id === undefined) {
        this.specs.push(spec);
        this.fns.push(fn);
        id = this.specs.length - 1;
        this.specIds.set(key, id);
      }
      this.fnIds.set(fn, id);
    }
    return id;
  }

  spec(id: number): FnSpec {
    return this.specs[id];
  }

  /** Main-side decoding of functions inside results. */
  resolveFn = (id: number | FnSpec): TaskFn => (typeof id === 'number' ? this.fns[id] : resolveFunction(id));

  async close(): Promise<void> {
    this.closed = true;
    for (const run of [...this.runs.values()]) run.abort(new Error(`tsdask: the ${this.kind} pool was shut down while a compute was running on it`));
    const all = this.slots.filter((s) => s?.alive);
    this.slots = [];
    // Ref'd while closing: an unref'd executor would let the process exit before it has.
    await Promise.all(
      all.map((s) => {
        s.handle.ref();
        return s.handle.close();
      }),
    );
  }
}
