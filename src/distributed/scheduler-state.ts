/**
 * The scheduler's state machine: every task's state, who holds which result, and which worker
 * runs what. It does no I/O itself: it sends ops through each worker's and client's `Sink`, so
 * the same code runs behind real sockets and in simulations.
 *
 * Task states: released -> waiting -> queued | no-worker | processing -> memory | erred, and
 * forgotten (dropped from the table) once no client and no dependent needs the task.
 */
import { keyName } from '../core/graph.js';
import type { FnSpec } from '../core/fnspec.js';
import { Heap } from '../executor/heap.js';
import { type DepLocation, type FunctionDef, type Payload, type PayloadRef, type SchedulerToClient, type SchedulerToWorker, toClient, toWorker, type WireError } from './protocol/index.js';
import { fits, give, resourceKey, type Resources, take } from './resources.js';

/** Where the state machine sends a worker's messages (a connection, or a test's recorder). */
export interface WorkerSink {
  send(msg: SchedulerToWorker): void;
  wire(p: Payload): PayloadRef;
}

/** Where the state machine sends a client's messages. */
export interface ClientSink {
  send(msg: SchedulerToClient): void;
  wire(p: Payload): PayloadRef;
}

export type TaskStatus = 'released' | 'waiting' | 'queued' | 'no-worker' | 'processing' | 'memory' | 'erred';

/** A task is "active" while it still has to run; active tasks keep their inputs in memory. */
const ACTIVE: Record<TaskStatus, boolean> = {
  released: false,
  waiting: true,
  queued: true,
  'no-worker': true,
  processing: true,
  memory: false,
  erred: false,
};

export class TaskGroup {
  readonly counts: Record<TaskStatus, number> = { released: 0, waiting: 0, queued: 0, 'no-worker': 0, processing: 0, memory: 0, erred: 0 };
  total = 0;
  done = 0;
  durationSum = 0;
  durationCount = 0;
  nbytes = 0;
  constructor(readonly name: string) {}
  /** Mean run time in seconds, or undefined before the first result. */
  get avgDuration(): number | undefined {
    return this.durationCount === 0 ? undefined : this.durationSum / this.durationCount;
  }
}

export class TaskState {
  state: TaskStatus = 'released';
  deps: TaskState[] = [];
  dependents: TaskState[] = [];
  /** While waiting: how many deps are not in memory yet. */
  waitingOn = 0;
  /** How many dependents are active (they will read this result). */
  activeDependents = 0;
  whoHas: WorkerState[] = [];
  processingOn: WorkerState | null = null;
  nbytes = 0;
  type = '';
  wants: Set<ClientState> | null = null;
  /** Clients waiting for the value itself (gather / result / compute). */
  push: Set<ClientState> | null = null;
  /** Clients that asked for per-task events (progress callbacks). */
  events: Set<ClientState> | null = null;
  /** How many times a worker died while this task was (maybe) running on it. */
  suspicious = 0;
  /** The worker said it started running this task. */
  started = false;
  retries = 0;
  error: WireError | null = null;
  /** Key of the task whose failure made this one fail (itself when it raised). */
  erredKey = '';
  stealing = false;
  forgotten = false;
  /** Amounts of worker resources this task holds while processing (null: none). */
  resources: Resources | null = null;
  constructor(
    readonly key: string,
    /** Serialized task (opaque here); null for data that was scattered, which has no lineage. */
    public spec: Payload | null,
    public fns: readonly string[] | null,
    public priority: number,
    readonly group: TaskGroup,
  ) {}
}

export class WorkerState {
  processing = new Set<TaskState>();
  hasWhat = new Set<TaskState>();
  nbytes = 0;
  /** Estimated seconds of queued work. */
  occupancy = 0;
  status: 'running' | 'paused' | 'closed' = 'running';
  lastSeen = Date.now();
  fnsKnown = new Set<string>();
  metrics: { rss: number; spilled: number; spilledCount: number; executing: number; cpu: number } = { rss: 0, spilled: 0, spilledCount: 0, executing: 0, cpu: 0 };
  /** Keys announced as started and not finished yet. */
  executing = new Set<TaskState>();
  tasksDone = 0;
  /** What `resources` is not held by tasks processing here. */
  readonly freeResources: Record<string, number>;
  constructor(
    readonly address: string,
    readonly name: string,
    readonly nthreads: number,
    readonly memoryLimit: number,
    readonly pid: number,
    readonly host: string,
    readonly sink: WorkerSink,
    /** What the worker declared (`--resources GPU=2`). */
    readonly resources: Resources = {},
  ) {
    this.freeResources = { ...resources };
  }
}

export class ClientState {
  wants = new Set<TaskState>();
  /** A graph arriving in chunks: its priority base and the tasks created so far. */
  pending: { base: number; created: TaskState[] } | undefined;
  constructor(
    readonly id: string,
    readonly sink: ClientSink,
  ) {}
}

export interface NewTask {
  key: string;
  deps: readonly string[];
  /** Position in the client's depth-first order (lower runs first). */
  order: number;
  spec: Payload | null;
  fns: readonly string[] | null;
  retries?: number;
  /** Worker resources the task needs while it runs (`{ GPU: 1 }`). */
  resources?: Resources | null;
}

export interface TaskEvent {
  key: string;
  worker: string;
  start: number;
  stop: number;
  status: 'ok' | 'error';
}

export interface SchedulerOptions {
  /** A task running on this many workers that died errs as "killed worker" (Dask: 3). */
  allowedFailures?: number;
  /** Bytes per second assumed for peer transfers when choosing workers. */
  bandwidth?: number;
}

/** Unknown task durations start at this guess (seconds). */
const DEFAULT_DURATION = 0.05;
/** Keep about this much work (seconds) queued per thread, so workers never wait on us. */
const PIPELINE_SECONDS = 0.02;
const MAX_PIPELINE = 512;
/** Generations are spaced so one graph can hold this many tasks in order. */
const GENERATION_SPAN = 2 ** 24;

export class SchedulerState {
  readonly tasks = new Map<string, TaskState>();
  readonly workers = new Map<string, WorkerState>();
  readonly clients = new Map<string, ClientState>();
  readonly groups = new Map<string, TaskGroup>();
  /** Function specs by id (plain JSON FnSpecs), sent to each worker once. */
  readonly fnTable = new Map<string, FnSpec>();
  private readonly queued = new Heap<TaskState>();
  private readonly noWorker = new Set<TaskState>();
  /** Tasks with resources that some worker has but none has free now, one queue per demand. */
  private readonly constrained = new Map<string, Heap<TaskState>>();
  private generation = 0;
  private readonly allowedFailures: number;
  private readonly bandwidth: number;
  /** Results to fetch from a worker and push to clients. */
  private readonly pushQueue = new Map<WorkerState, Set<TaskState>>();
  private pushScheduled = false;
  /** Recent task runs for the dashboard's task stream. */
  readonly stream: TaskEvent[] = [];
  readonly log: { time: number; text: string }[] = [];
  /** Workers that died recently: name -> reason (reported to clients in errors). */
  readonly deaths = new Map<string, string>();
  tasksCompleted = 0;

  constructor(opts: SchedulerOptions = {}) {
    this.allowedFailures = opts.allowedFailures ?? 3;
    this.bandwidth = opts.bandwidth ?? 100e6;
  }

  note(text: string): void {
    this.log.push({ time: Date.now(), text });
    if (this.log.length > 200) this.log.splice(0, this.log.length - 200);
  }

  // ---------------------------------------------------------------- state bookkeeping

  private setState(ts: TaskState, next: TaskStatus): void {
    const prev = ts.state;
    if (prev === next) return;
    ts.state = next;
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

  // ---------------------------------------------------------------- clients

  addClient(id: string, sink: ClientSink): ClientState {
    const c = new ClientState(id, sink);
    this.clients.set(id, c);
    return c;
  }

  removeClient(c: ClientState): void {
    this.clients.delete(c.id);
    this.releaseKeys(c, [...c.wants].map((t) => t.key));
    for (const ts of this.tasks.values()) {
      ts.push?.delete(c);
      ts.events?.delete(c);
    }
  }

  /**
   * A client submits tasks and says which keys it wants. Tasks already known keep their state
   * (shared work runs once); failed ones are tried again.
   */
  updateGraph(
    client: ClientState,
    tasks: readonly NewTask[],
    wants: readonly string[],
    opts: { push?: readonly string[]; events?: boolean; more?: boolean } = {},
  ): void {
    // A big graph arrives in chunks (`more`), dependencies first; all chunks share one priority base.
    const pending = client.pending ?? (client.pending = { base: ++this.generation * GENERATION_SPAN, created: [] });
    const base = pending.base;
    const created: TaskState[] = [];
    const depKeys: (readonly string[])[] = [];
    for (const t of tasks) {
      let ts = this.tasks.get(t.key);
      if (ts !== undefined) {
        if (ts.state === 'erred' && ts.spec !== null) this.resetErred(ts);
        continue;
      }
      const g = this.group(t.key);
      ts = new TaskState(t.key, t.spec, t.fns, base + t.order, g);
      ts.retries = t.retries ?? 0;
      ts.resources = t.resources ?? null;
      g.total++;
      g.counts.released++;
      this.tasks.set(t.key, ts);
      created.push(ts);
      depKeys.push(t.deps);
    }
    const missing: [TaskState, string][] = [];
    for (let i = 0; i < created.length; i++) {
      const ts = created[i];
      const deps: TaskState[] = [];
      for (const k of depKeys[i]) {
        const d = this.tasks.get(k);
        if (d === undefined) {
          missing.push([ts, k]);
          continue;
        }
        deps.push(d);
        d.dependents.push(ts);
      }
      ts.deps = deps;
    }
    if (opts.events) for (const ts of created) (ts.events ??= new Set()).add(client);
    for (const [ts, k] of missing) {
      this.fail(ts, {
        name: 'FutureLostError',
        message: `task '${ts.key}' depends on '${k}', which is not on the cluster: the Future holding it was released, cancelled or lost in a restart. Keep a reference to the Future (or resubmit it) while tasks use it.`,
        taskKey: ts.key,
        kind: 'lost-data',
      });
    }
    if (opts.more) {
      for (const ts of created) pending.created.push(ts);
      return;
    }
    client.pending = undefined;
    for (const k of wants) {
      const ts = this.tasks.get(k);
      if (ts === undefined) continue;
      (ts.wants ??= new Set()).add(client);
      client.wants.add(ts);
    }
    for (const k of wants) {
      const ts = this.tasks.get(k);
      if (ts !== undefined) this.ensureComputed(ts);
    }
    if (opts.push) this.requestPush(client, opts.push);
    for (const k of wants) {
      const ts = this.tasks.get(k);
      if (ts === undefined) {
        client.sink.send(toClient.taskErred({ key: k, error: { name: 'KeyError', message: `key '${k}' is not on the cluster`, taskKey: k, kind: 'lost-data' } }));
      } else this.tellState(client, ts);
    }
    // Created tasks nothing wants (sent along but not needed) are dropped at once.
    for (const ts of pending.created) if (ts.state === 'released') this.maybeForget(ts);
    for (const ts of created) if (ts.state === 'released') this.maybeForget(ts);
    this.fillWorkers();
  }

  private resetErred(ts: TaskState): void {
    // Resubmitting a failed key runs it (and its failed inputs) again.
    const stack = [ts];
    while (stack.length > 0) {
      const t = stack.pop()!;
      if (t.state !== 'erred' || t.spec === null) continue;
      t.error = null;
      t.erredKey = '';
      t.suspicious = 0;
      this.setState(t, 'released');
      for (const d of t.deps) stack.push(d);
    }
  }

  /** Tell a client that a key it wants is already done: in memory, or failed. */
  tellState(client: ClientState, ts: TaskState): void {
    if (ts.state === 'memory') client.sink.send(toClient.keyInMemory({ key: ts.key, type: ts.type, nbytes: ts.nbytes }));
    else if (ts.state === 'erred') client.sink.send(toClient.taskErred({ key: ts.key, error: ts.error ?? { name: 'Error', message: `task '${ts.key}' failed` }, cause: ts.erredKey }));
  }

  /** Make `ts` (and whatever it needs) run unless it is running, done or failed. */
  ensureComputed(root: TaskState): void {
    if (root.state !== 'released') return;
    const stack: TaskState[] = [root];
    const expanded = new Set<TaskState>();
    while (stack.length > 0) {
      const ts = stack[stack.length - 1];
      if (ts.state !== 'released') {
        stack.pop();
        continue;
      }
      if (!expanded.has(ts)) {
        expanded.add(ts);
        if (ts.spec === null) {
          stack.pop();
          this.fail(ts, {
            name: 'LostDataError',
            message: `data '${ts.key}' was scattered to a worker that is gone, and scattered data cannot be recomputed: scatter it again`,
            taskKey: ts.key,
            kind: 'lost-data',
          });
          continue;
        }
        for (const d of ts.deps) if (d.state === 'released') stack.push(d);
        continue;
      }
      stack.pop();
      let waitingOn = 0;
      let erred: TaskState | undefined;
      for (const d of ts.deps) {
        if (d.state === 'erred') erred = d;
        else if (d.state !== 'memory') waitingOn++;
      }
      if (erred !== undefined) {
        this.fail(ts, erred.error!, erred.erredKey);
        continue;
      }
      ts.waitingOn = waitingOn;
      this.setState(ts, 'waiting');
      if (waitingOn === 0) this.makeReady(ts);
    }
  }

  releaseKeys(client: ClientState, keys: readonly string[]): void {
    for (const k of keys) {
      const ts = this.tasks.get(k);
      if (ts === undefined) continue;
      client.wants.delete(ts);
      ts.push?.delete(client);
      if (ts.wants === null) continue;
      ts.wants.delete(client);
      if (ts.wants.size > 0) continue;
      ts.wants = null;
      this.dropIfUnneeded(ts);
    }
    this.fillConstrained(); // dropped tasks may have freed resources
  }

  /** Cancel running work and free memory nobody needs anymore, then forget what can be. */
  private dropIfUnneeded(root: TaskState): void {
    const stack = [root];
    while (stack.length > 0) {
      const ts = stack.pop()!;
      if (ts.forgotten || (ts.wants !== null && ts.wants.size > 0) || ts.activeDependents > 0) continue;
      if (ts.state === 'memory') this.releaseMemory(ts);
      else if (ACTIVE[ts.state]) {
        this.unassign(ts, true);
        this.setState(ts, 'released'); // inputs lose an active dependent and may be released
        for (const d of ts.deps) stack.push(d);
      }
      this.maybeForget(ts);
    }
  }

  /** Take a task off the worker (or queue) it sits on; optionally tell the worker to drop it. */
  private unassign(ts: TaskState, tellWorker: boolean): void {
    if (ts.state === 'processing' && ts.processingOn !== null) {
      const w = ts.processingOn;
      w.processing.delete(ts);
      w.executing.delete(ts);
      w.occupancy = Math.max(0, w.occupancy - this.duration(ts));
      if (ts.resources !== null) give(w.freeResources, ts.resources);
      if (tellWorker) w.sink.send(toWorker.cancelCompute([ts.key]));
      ts.processingOn = null;
      ts.started = false;
    } else if (ts.state === 'no-worker') this.noWorker.delete(ts);
    // queued tasks (root or constrained) are skipped lazily when popped
  }

  /** Tell every holder of `ts`'s result to free it and forget where it was. */
  private dropReplicas(ts: TaskState): void {
    for (const w of ts.whoHas) {
      w.hasWhat.delete(ts);
      w.nbytes -= ts.nbytes;
      w.sink.send(toWorker.freeKeys([ts.key]));
    }
    ts.whoHas = [];
    ts.group.nbytes -= ts.nbytes;
  }

  private releaseMemory(ts: TaskState): void {
    if (ts.state !== 'memory') return;
    this.dropReplicas(ts);
    this.setState(ts, 'released');
    if (ts.spec === null || ts.dependents.length === 0) this.maybeForget(ts);
  }

  /** Drop tasks no client and no dependent refers to, walking down to their inputs. */
  private maybeForget(root: TaskState): void {
    const stack = [root];
    while (stack.length > 0) {
      const ts = stack.pop()!;
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

  cancel(client: ClientState, keys: readonly string[]): void {
    for (const k of keys) {
      const ts = this.tasks.get(k);
      if (ts === undefined) continue;
      // Cancelling is for everyone (like Dask): other clients' futures report it too.
      for (const c of ts.wants ?? []) {
        c.wants.delete(ts);
        if (c !== client) c.sink.send(toClient.cancelled({ key: k }));
      }
      ts.wants = null;
      this.dropIfUnneeded(ts);
    }
    this.fillConstrained();
  }

  // ---------------------------------------------------------------- scheduling

  private duration(ts: TaskState): number {
    return ts.group.avgDuration ?? DEFAULT_DURATION;
  }

  private makeReady(ts: TaskState): void {
    if (ts.resources !== null) {
      this.placeConstrained(ts, ts.resources);
      return;
    }
    if (ts.deps.length === 0) {
      this.setState(ts, 'queued');
      this.queued.push(ts);
      return;
    }
    const w = this.decideWorker(ts);
    if (w === undefined) {
      this.setState(ts, 'no-worker');
      this.noWorker.add(ts);
      return;
    }
    this.sendToWorker(ts, w);
  }

  /**
   * A task needing resources goes to a worker with them free now; else it waits here (queued)
   * while some worker has them at all, or as no-worker until one with them joins (as Dask).
   */
  private placeConstrained(ts: TaskState, need: Resources): void {
    const w = this.decideWorker(ts);
    if (w !== undefined) {
      this.sendToWorker(ts, w);
      return;
    }
    if (this.someWorkerHas(need)) {
      this.setState(ts, 'queued');
      const key = resourceKey(need);
      let q = this.constrained.get(key);
      if (q === undefined) {
        q = new Heap();
        this.constrained.set(key, q);
      }
      q.push(ts);
    } else {
      this.setState(ts, 'no-worker');
      this.noWorker.add(ts);
    }
  }

  private someWorkerHas(need: Resources): boolean {
    for (const w of this.workers.values()) if (w.status !== 'closed' && fits(w.resources, need)) return true;
    return false;
  }

  /** Start waiting resource-bound tasks where resources came free, best priority first. */
  private fillConstrained(): void {
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
        if (!this.someWorkerHas(ts.resources!)) {
          this.constrained.delete(key);
          for (let t = q.pop(); t !== undefined; t = q.pop()) {
            if (t.state !== 'queued') continue;
            this.setState(t, 'no-worker');
            this.noWorker.add(t);
          }
        }
        break;
      }
    }
  }

  /** Fewest bytes to move, then earliest expected start. */
  private decideWorker(ts: TaskState): WorkerState | undefined {
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
    if (this.workers.size <= 32 || best === undefined) {
      for (const w of this.workers.values()) if (!seen.has(w)) consider(w);
    }
    return best;
  }

  private sendToWorker(ts: TaskState, w: WorkerState): void {
    const spec = ts.spec;
    if (spec === null) {
      // Scattered data has nothing to run (ensureComputed fails it before it gets here).
      this.fail(ts, { name: 'LostDataError', message: `data '${ts.key}' has no task to recompute it from`, taskKey: ts.key, kind: 'lost-data' });
      return;
    }
    this.setState(ts, 'processing');
    ts.processingOn = w;
    ts.started = false;
    w.processing.add(ts);
    w.occupancy += this.duration(ts);
    if (ts.resources !== null) take(w.freeResources, ts.resources);
    if (ts.fns !== null) {
      let defs: FunctionDef[] | undefined;
      for (const id of ts.fns) {
        if (w.fnsKnown.has(id)) continue;
        const fn = this.fnTable.get(id);
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
        sendResult: ts.push !== null && ts.push.size > 0,
        isolate: ts.suspicious > 0,
        resources: ts.resources ?? undefined,
      }),
    );
  }

  /** How many tasks a worker may hold at once: enough queued work to cover a round trip. */
  private slots(w: WorkerState, next: TaskState | undefined): number {
    const avg = next?.group.avgDuration;
    const extra = avg === undefined ? 2 : Math.max(1, Math.min(MAX_PIPELINE, Math.floor(PIPELINE_SECONDS / Math.max(avg, 1e-6))));
    return w.nthreads * (1 + extra);
  }

  /** Hand queued root tasks to workers with free slots, in contiguous runs (siblings together). */
  fillWorkers(): void {
    if (this.constrained.size > 0) this.fillConstrained();
    if (this.queued.size === 0) return;
    const ws = [...this.workers.values()].filter((w) => w.status === 'running');
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

  private peekQueued(): TaskState | undefined {
    let ts = this.queued.peek();
    while (ts !== undefined && ts.state !== 'queued') {
      this.queued.pop();
      ts = this.queued.peek();
    }
    return ts;
  }

  private popQueued(): TaskState | undefined {
    for (;;) {
      const ts = this.queued.pop();
      if (ts === undefined || ts.state === 'queued') return ts;
    }
  }

  /** Move queued-but-not-started work from the busiest worker to idle ones. */
  balance(): void {
    if (this.peekQueued() !== undefined) return;
    const running = [...this.workers.values()].filter((w) => w.status === 'running');
    const idle = running.filter((w) => w.processing.size < w.nthreads);
    if (idle.length === 0) return;
    for (const thief of idle) {
      let victim: WorkerState | undefined;
      for (const w of running) {
        if (w === thief) continue;
        if (victim === undefined || w.processing.size / w.nthreads > victim.processing.size / victim.nthreads) victim = w;
      }
      if (victim === undefined) return;
      const backlog = victim.processing.size - victim.nthreads * 2;
      if (backlog <= 0) continue;
      const want = Math.ceil(backlog / 2);
      const cands: TaskState[] = [];
      for (const ts of victim.processing) if (!ts.started && !ts.stealing) cands.push(ts);
      cands.sort((a, b) => b.priority - a.priority); // the victim would run these last
      const keys: string[] = [];
      // Resource-bound tasks move only to a thief with the resources free for all of them.
      let room: Record<string, number> | undefined;
      for (const ts of cands) {
        if (keys.length >= want) break;
        let bytes = 0;
        for (const d of ts.deps) if (!d.whoHas.includes(thief)) bytes += d.nbytes;
        if (bytes / this.bandwidth > 2 * this.duration(ts) + 0.001) continue; // moving costs more than waiting
        if (ts.resources !== null) {
          room ??= { ...thief.freeResources };
          if (!fits(room, ts.resources)) continue;
          take(room, ts.resources);
        }
        ts.stealing = true;
        keys.push(ts.key);
      }
      if (keys.length > 0) victim.sink.send(toWorker.steal(keys, thief.address));
    }
  }

  /** The victim answers which of the keys it gave up (not started yet). */
  stealResponse(victim: WorkerState, removed: readonly string[], kept: readonly string[], thiefAddress: string): void {
    const thief = this.workers.get(thiefAddress);
    for (const k of kept) {
      const ts = this.tasks.get(k);
      if (ts) ts.stealing = false;
    }
    for (const k of removed) {
      const ts = this.tasks.get(k);
      if (ts === undefined) continue;
      ts.stealing = false;
      if (ts.state !== 'processing' || ts.processingOn !== victim) continue;
      this.unassign(ts, false);
      if (ts.resources !== null && (thief === undefined || thief.status !== 'running' || !fits(thief.freeResources, ts.resources))) {
        this.placeConstrained(ts, ts.resources); // the thief's resources went to another task meanwhile
        continue;
      }
      const target = thief !== undefined && thief.status === 'running' ? thief : this.decideWorker(ts);
      if (target === undefined) {
        this.setState(ts, 'no-worker');
        this.noWorker.add(ts);
      } else this.sendToWorker(ts, target);
    }
  }

  // ---------------------------------------------------------------- workers

  addWorker(w: WorkerState): void {
    this.workers.set(w.address, w);
    this.note(`worker ${w.name} joined (${w.address}, ${w.nthreads} threads)`);
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
    this.fillWorkers();
  }

  /** A worker is gone: rerun what it was running, recompute what only it held. */
  removeWorker(w: WorkerState, reason: string): void {
    if (w.status === 'closed') return;
    w.status = 'closed';
    this.workers.delete(w.address);
    this.deaths.set(w.name, reason);
    this.note(`worker ${w.name} (${w.address}) removed: ${reason}`);
    const rerun: TaskState[] = [];
    // Which tasks may have killed it: the ones it said it started, else its first few.
    let suspects = [...w.executing];
    if (suspects.length === 0) suspects = [...w.processing].sort((a, b) => a.priority - b.priority).slice(0, w.nthreads);
    const suspectSet = new Set(suspects);
    for (const ts of [...w.processing]) {
      w.processing.delete(ts);
      ts.processingOn = null;
      ts.started = false;
      ts.stealing = false;
      if (suspectSet.has(ts)) ts.suspicious++;
      if (ts.suspicious > this.allowedFailures) {
        this.fail(ts, {
          name: 'KilledWorker',
          message: `task '${ts.key}' was running on ${ts.suspicious} workers that died (last: ${w.name} at ${w.address}: ${reason}). The task probably crashes its worker or exceeds the memory limit; run it locally (scheduler 'sync') to see why, or give workers more memory.`,
          taskKey: ts.key,
          kind: 'killed-worker',
        });
        continue;
      }
      this.setState(ts, 'waiting');
      rerun.push(ts);
    }
    w.executing.clear();
    const lost: TaskState[] = [];
    for (const ts of w.hasWhat) {
      const i = ts.whoHas.indexOf(w);
      if (i >= 0) ts.whoHas.splice(i, 1);
      if (ts.whoHas.length === 0 && ts.state === 'memory') lost.push(ts);
    }
    w.hasWhat.clear();
    w.processing.clear();
    for (const ts of lost) {
      ts.group.nbytes -= ts.nbytes;
      for (const c of ts.wants ?? []) c.sink.send(toClient.lost(ts.key));
      // Dependents that were ready or running elsewhere now wait for this input again.
      for (const d of ts.dependents) {
        if (d.state === 'waiting') d.waitingOn++;
        else if (d.state === 'processing' || d.state === 'queued' || d.state === 'no-worker') {
          this.unassign(d, true);
          this.setState(d, 'waiting');
          d.waitingOn = 1;
          if (!rerun.includes(d)) rerun.push(d);
        }
      }
      if (ts.spec === null) {
        this.setState(ts, 'released');
        this.fail(ts, {
          name: 'LostDataError',
          message: `scattered data '${ts.key}' was lost when worker ${w.name} (${w.address}) died (${reason}); scattered data has no lineage to recompute from: scatter it again`,
          taskKey: ts.key,
          kind: 'lost-data',
        });
        continue;
      }
      this.setState(ts, 'released');
      if ((ts.wants !== null && ts.wants.size > 0) || ts.activeDependents > 0) this.ensureComputed(ts);
      else this.maybeForget(ts);
    }
    for (const ts of rerun) {
      if (ts.state !== 'waiting') continue;
      let waitingOn = 0;
      let erred: TaskState | undefined;
      for (const d of ts.deps) {
        if (d.state === 'erred') erred = d;
        else if (d.state !== 'memory') {
          waitingOn++;
          if (d.state === 'released') this.ensureComputed(d);
        }
      }
      if (erred !== undefined) {
        this.fail(ts, erred.error!, erred.erredKey);
        continue;
      }
      ts.waitingOn = waitingOn;
      if (waitingOn === 0) this.makeReady(ts);
    }
    this.fillWorkers();
  }

  // ---------------------------------------------------------------- results

  taskStarted(w: WorkerState, keys: readonly string[]): void {
    for (const k of keys) {
      const ts = this.tasks.get(k);
      if (ts !== undefined && ts.processingOn === w) {
        ts.started = true;
        w.executing.add(ts);
      }
    }
  }

  taskFinished(w: WorkerState, key: string, nbytes: number, type: string, start: number, stop: number, result: Payload | undefined): void {
    const ts = this.tasks.get(key);
    if (ts === undefined || w.status === 'closed') {
      w.sink.send(toWorker.freeKeys([key]));
      return;
    }
    if (ts.state === 'memory') {
      if (!ts.whoHas.includes(w)) {
        ts.whoHas.push(w);
        w.hasWhat.add(ts);
        w.nbytes += ts.nbytes;
      }
      if (ts.processingOn === w) this.unassign(ts, false);
      return;
    }
    if (ts.state !== 'processing') {
      w.sink.send(toWorker.freeKeys([key]));
      return;
    }
    if (ts.processingOn !== w) {
      // Finished on a worker it was stolen from: keep the result, cancel the other copy.
      this.unassign(ts, true);
    } else {
      w.processing.delete(ts);
      w.executing.delete(ts);
      w.occupancy = Math.max(0, w.occupancy - this.duration(ts));
      if (ts.resources !== null) give(w.freeResources, ts.resources);
      ts.processingOn = null;
    }
    w.tasksDone++;
    const g = ts.group;
    const dur = Math.max(0, (stop - start) / 1000);
    g.durationSum += dur;
    g.durationCount++;
    g.done++;
    g.nbytes += nbytes;
    this.tasksCompleted++;
    this.stream.push({ key, worker: w.address, start, stop, status: 'ok' });
    if (this.stream.length > 2000) this.stream.splice(0, 1000);
    ts.nbytes = nbytes;
    ts.type = type;
    ts.whoHas = [w];
    w.hasWhat.add(ts);
    w.nbytes += nbytes;
    ts.suspicious = 0;
    for (const d of ts.dependents) {
      if (d.state === 'waiting' && --d.waitingOn === 0) this.makeReady(d);
    }
    this.setState(ts, 'memory');
    if (ts.wants !== null) for (const c of ts.wants) c.sink.send(toClient.keyInMemory({ key, type, nbytes }));
    if (ts.events !== null) for (const c of ts.events) c.sink.send(toClient.taskDone({ key, worker: w.address, duration: stop - start }));
    if (ts.push !== null && ts.push.size > 0) {
      if (result !== undefined) this.deliver(ts, result);
      else this.queuePush(ts);
    }
    if ((ts.wants === null || ts.wants.size === 0) && ts.activeDependents === 0) {
      this.releaseMemory(ts);
      this.maybeForget(ts);
    }
  }

  taskErred(w: WorkerState, key: string, error: WireError, start: number, stop: number): void {
    const ts = this.tasks.get(key);
    if (ts === undefined || ts.state !== 'processing' || ts.processingOn !== w) return;
    this.unassign(ts, false);
    this.stream.push({ key, worker: w.address, start, stop, status: 'error' });
    if (ts.retries > 0) {
      ts.retries--;
      this.setState(ts, 'waiting');
      ts.waitingOn = 0;
      this.makeReady(ts);
      this.fillWorkers();
      return;
    }
    this.fail(ts, { ...error, taskKey: key });
    this.fillWorkers();
  }

  /** Mark `root` failed with `error` (raised by `cause`), and every task waiting on it. */
  fail(root: TaskState, error: WireError, cause = root.key): void {
    const stack = [root];
    while (stack.length > 0) {
      const ts = stack.pop()!;
      if (ts.state === 'erred' || ts.state === 'memory') continue;
      this.unassign(ts, true);
      ts.error = error;
      ts.erredKey = cause;
      this.setState(ts, 'erred');
      ts.group.done++;
      if (ts.wants !== null) for (const c of ts.wants) c.sink.send(toClient.taskErred({ key: ts.key, error, cause }));
      if (ts.push !== null) ts.push.clear();
      for (const d of ts.dependents) if (ACTIVE[d.state] || d.state === 'released') stack.push(d);
    }
  }

  /** A worker could not get `dep` for `key` from the peers we named. */
  missingData(w: WorkerState, key: string, dep: string, badWorkers: readonly string[]): void {
    const d = this.tasks.get(dep);
    const ts = this.tasks.get(key);
    if (d !== undefined && d.state === 'memory') {
      for (const addr of badWorkers) {
        const bad = this.workers.get(addr);
        const i = bad === undefined ? d.whoHas.findIndex((h) => h.address === addr) : d.whoHas.indexOf(bad);
        if (i >= 0) {
          const holder = d.whoHas[i];
          d.whoHas.splice(i, 1);
          holder.hasWhat.delete(d);
          holder.nbytes -= d.nbytes;
        }
      }
      if (d.whoHas.length === 0) {
        this.setState(d, 'released');
        for (const dd of d.dependents) if (dd.state === 'waiting') dd.waitingOn++;
      }
    }
    if (ts === undefined || ts.state !== 'processing' || ts.processingOn !== w) return;
    this.unassign(ts, false);
    this.setState(ts, 'waiting');
    let waitingOn = 0;
    for (const x of ts.deps) if (x.state !== 'memory') waitingOn++;
    ts.waitingOn = waitingOn;
    if (d !== undefined && d.state === 'released') this.ensureComputed(d);
    if (waitingOn === 0) this.makeReady(ts);
    this.fillWorkers();
  }

  /** A worker fetched copies of results from peers: track them so they are freed later. */
  addReplicas(w: WorkerState, replicas: readonly { key: string }[]): void {
    const stale: string[] = [];
    for (const { key: k } of replicas) {
      const ts = this.tasks.get(k);
      if (ts === undefined || ts.state !== 'memory') {
        stale.push(k);
        continue;
      }
      if (ts.whoHas.includes(w)) continue;
      ts.whoHas.push(w);
      w.hasWhat.add(ts);
      w.nbytes += ts.nbytes;
    }
    if (stale.length > 0) w.sink.send(toWorker.freeKeys(stale, true));
  }

  // ---------------------------------------------------------------- data to clients

  /** Send the values of `keys` to `client` as soon as each is in memory. */
  requestPush(client: ClientState, keys: readonly string[]): void {
    for (const k of keys) {
      const ts = this.tasks.get(k);
      if (ts === undefined) {
        client.sink.send(toClient.taskErred({ key: k, error: { name: 'KeyError', message: `key '${k}' is not on the cluster (released, cancelled or lost in a restart)`, taskKey: k, kind: 'lost-data' } }));
        continue;
      }
      if (ts.state === 'erred') {
        this.tellState(client, ts);
        continue;
      }
      (ts.push ??= new Set()).add(client);
      if (ts.state === 'memory') this.queuePush(ts);
    }
  }

  private queuePush(ts: TaskState): void {
    const w = ts.whoHas[0];
    if (w === undefined) return;
    let s = this.pushQueue.get(w);
    if (s === undefined) {
      s = new Set();
      this.pushQueue.set(w, s);
    }
    s.add(ts);
    if (!this.pushScheduled) {
      this.pushScheduled = true;
      queueMicrotask(() => this.flushPush());
    }
  }

  private flushPush(): void {
    this.pushScheduled = false;
    for (const [w, set] of this.pushQueue) {
      if (w.status !== 'closed') w.sink.send(toWorker.sendResults([...set].map((t) => t.key)));
    }
    this.pushQueue.clear();
  }

  /** A worker sent values the scheduler asked for (or a finished task's value). */
  deliver(ts: TaskState, value: Payload): void {
    if (ts.push === null || ts.push.size === 0) return;
    for (const c of ts.push) c.sink.send(toClient.value({ key: ts.key, value: c.sink.wire(value) }));
    ts.push.clear();
  }

  /** A worker could not send a value: it no longer has it, or it cannot be serialized. */
  deliverFailed(w: WorkerState, key: string, error: WireError | undefined): void {
    const ts = this.tasks.get(key);
    if (ts === undefined) return;
    if (error !== undefined) {
      for (const c of ts.push ?? []) c.sink.send(toClient.taskErred({ key, error, cause: key }));
      ts.push?.clear();
      return;
    }
    // It lost the value (freed or spilled file gone): forget that copy and try another holder.
    const i = ts.whoHas.indexOf(w);
    if (i >= 0) {
      ts.whoHas.splice(i, 1);
      w.hasWhat.delete(ts);
      w.nbytes -= ts.nbytes;
    }
    if (ts.state === 'memory' && ts.whoHas.length > 0) this.queuePush(ts);
    else if (ts.state === 'memory') {
      this.setState(ts, 'released');
      for (const d of ts.dependents) if (d.state === 'waiting') d.waitingOn++;
      this.ensureComputed(ts);
    }
  }

  /** Scattered data now lives on `holders`. */
  addData(client: ClientState, key: string, nbytes: number, type: string, holders: readonly WorkerState[]): void {
    let ts = this.tasks.get(key);
    if (ts === undefined) {
      const g = this.group(key);
      ts = new TaskState(key, null, null, ++this.generation * GENERATION_SPAN, g);
      g.total++;
      g.counts.released++;
      this.tasks.set(key, ts);
    }
    (ts.wants ??= new Set()).add(client);
    client.wants.add(ts);
    for (const w of holders) {
      if (ts.whoHas.includes(w)) continue;
      ts.whoHas.push(w);
      w.hasWhat.add(ts);
      w.nbytes += nbytes;
    }
    ts.nbytes = nbytes;
    ts.type = type;
    if (ts.state !== 'memory') {
      this.setState(ts, 'memory');
      ts.group.nbytes += nbytes;
      for (const d of ts.dependents) if (d.state === 'waiting' && --d.waitingOn === 0) this.makeReady(d);
    }
    this.fillWorkers();
  }

  /** Forget every task (client.restart): futures error as cancelled. */
  resetAll(): void {
    for (const ts of this.tasks.values()) {
      for (const c of ts.wants ?? []) c.sink.send(toClient.cancelled({ key: ts.key, reason: 'the cluster was restarted' }));
    }
    for (const c of this.clients.values()) c.wants.clear();
    for (const w of this.workers.values()) {
      w.processing.clear();
      w.hasWhat.clear();
      w.executing.clear();
      w.nbytes = 0;
      w.occupancy = 0;
      Object.assign(w.freeResources, w.resources);
    }
    this.tasks.clear();
    this.groups.clear();
    this.queued.clear();
    this.noWorker.clear();
    this.constrained.clear();
    this.pushQueue.clear();
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
