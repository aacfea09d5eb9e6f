/**
 * One compute on the local engine: the main-thread state machine.
 *
 * - Tasks run in the static depth-first order (`order()`), used as priority.
 * - Results stay on the executor that made them. A task goes to the executor holding its
 *   inputs; a task whose unfinished inputs are all being computed on one executor is sent
 *   there right away (pipelined: it starts the moment they finish, with no round trip).
 * - Each executor gets about WINDOW_MS of estimated work at a time (estimates per task
 *   group, learned from reported durations; unknown groups go one at a time), so long tasks
 *   balance across executors while tiny tasks travel thousands per message. An executor
 *   running one long task of a known group also holds the next root, started when it is free.
 * - Root tasks are handed out in contiguous runs of the order, so sibling subtrees share an
 *   executor; an executor with nothing to do steals ready tasks from the others.
 * - An executor that dies restarts the compute on fresh executors (MAX_ATTEMPTS in all);
 *   callbacks fire once per task regardless. So does a compute whose tasks read a shared copy
 *   of a user array that turns out to be outdated (src/core/shared/inputs.ts), with that copy
 *   renewed.
 */
import { annotateTaskError } from '../../core/errors.js';
import { type Graph, keyName, Task } from '../../core/graph.js';
import { order } from '../../core/order.js';
import { fire, type Callbacks } from '../../core/scheduler.js';
import { transfer } from 'comlink';
import { fromWire, ownedBuffers, toWire, type ToWireOptions } from './codec.js';
import { RunInputs } from '../../core/shared/inputs.js';
import { rebuildError } from './remote-error.js';
import { Heap } from '../../executor/heap.js';
import type { Pool, RunHandler, Slot } from './pool.js';
import { type Batch, KEEP, type Report, SEND_DROP, SEND_KEEP, type SendMode, type WireStep, type WireTask } from './protocol.js';

const WINDOW_MS = 3;
const MAX_INFLIGHT = 4000;
/** Estimate for a task group never seen finishing: long enough that such tasks go one at a time. */
const UNKNOWN_MS = 1000;
/** Prefetch a long root only while at least this many roots per executor wait (see `prefetch`). */
const PREFETCH_ROOTS = 2;
const MAX_ATTEMPTS = 3;
/** Runs again for outdated shared inputs before giving up (each renews the copies it read). */
const MAX_RENEWALS = 3;

const WAITING = 0;
const QUEUED = 1;
const PROCESSING = 2;
const MEMORY = 3;
const RELEASED = 4;

class Node {
  state = WAITING;
  deps: Node[] = [];
  dependents: Node[] = [];
  /** Inputs not in memory yet. */
  pending = 0;
  /** Inputs neither in memory nor assigned to an executor. */
  unassigned = 0;
  /** Dependents that have not finished (the result is released at zero, unless wanted). */
  consumers = 0;
  wanted = false;
  /** Executor position while processing. */
  worker = -1;
  /** Executor positions holding the result; -1 is main. */
  holders: number[] = [];
  /** Executors the result is being forwarded to (fetched from a holder through main). */
  incoming: number[] = [];
  fetching = false;
  est = 0;
  /** Wire form of the value when main holds it. */
  wire: [unknown, boolean] | undefined;
  constructor(
    readonly key: string,
    readonly priority: number,
    readonly task: Task | undefined,
    readonly value: unknown,
    readonly group: string,
  ) {}
}

interface Lane {
  slot: Slot;
  queue: Heap<Node>;
  count: number;
  est: number;
  out: Batch | undefined;
  /** Buffers main gives up with the next batch. */
  transfer?: ArrayBuffer[];
  /** Function ids whose specs ride in `out` (the executor learns them only once it is sent). */
  outFns: Set<number>;
}

/** Per-scheduler memory of how long task groups take (milliseconds). */
export type DurationStats = Map<string, number>;

export class Run implements RunHandler {
  id: number;
  private nodes = new Map<string, Node>();
  private lanes: Lane[] = [];
  private roots = new Heap<Node>();
  private total = 0;
  private finished = 0;
  private attempts = 0;
  private renewals = 0;
  private lastRoot = 0;
  private rootShare = 1;
  private readonly reported = new Set<string>();
  private readonly started = new Set<string>();
  private settled = false;
  private resolve!: (v: unknown[]) => void;
  private reject!: (e: unknown) => void;
  private readonly observed: boolean;
  /** Threads: the shared copies of user data this compute reads (checked for writes at the end). */
  private readonly inputs: RunInputs | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly graph: Graph,
    private readonly keys: readonly string[],
    private readonly callbacks: readonly Callbacks[],
    private readonly numWorkers: number,
    private readonly stats: DurationStats,
  ) {
    this.id = pool.newRunId();
    this.observed = callbacks.length > 0;
    this.inputs = pool.inputs === undefined ? undefined : new RunInputs(pool.inputs);
  }

  execute(): Promise<unknown[]> {
    const done = new Promise<unknown[]>((res, rej) => {
      this.resolve = res;
      this.reject = rej;
    });
    if (this.observed) fire(this.callbacks, 'start', this.graph, this.keys);
    try {
      this.build();
      if (this.finished === this.total) this.succeed();
      else this.begin();
    } catch (e) {
      this.fail(e);
    }
    return done;
  }

  // -------------------------------------------------------------------------------------
  // setup

  private build(): void {
    const seq = order(this.graph, this.keys);
    const nodes = new Map<string, Node>();
    for (let i = 0; i < seq.length; i++) {
      const key = seq[i];
      const g = this.graph.get(key)!;
      const n = g instanceof Task ? new Node(key, i, g, undefined, keyName(key)) : new Node(key, i, undefined, g.value, '');
      if (n.task === undefined) {
        n.state = MEMORY;
        n.holders.push(-1);
      } else {
        // Validate every task function before anything runs: closures fail here, by key.
        this.pool.fnId(n.task.fn, `task '${key}'`);
        for (const s of n.task.chain) this.pool.fnId(s.task.fn, `task '${s.key}'`);
      }
      nodes.set(key, n);
    }
    let total = 0;
    for (const n of nodes.values()) {
      if (n.task === undefined) continue;
      total++;
      for (const d of n.task.deps) {
        const dn = nodes.get(d)!;
        n.deps.push(dn);
        dn.dependents.push(n);
        dn.consumers++;
        if (dn.state !== MEMORY) {
          n.pending++;
          n.unassigned++;
        }
      }
    }
    for (const k of this.keys) nodes.get(k)!.wanted = true;
    this.nodes = nodes;
    this.total = total;
    this.finished = 0;
  }

  private begin(): void {
    const slots = this.pool.acquire(Math.max(1, Math.min(this.numWorkers, this.total)));
    this.lanes = slots.map((slot) => ({ slot, queue: new Heap<Node>(), count: 0, est: 0, out: undefined, outFns: new Set<number>() }));
    this.roots = new Heap<Node>();
    this.lastRoot = 0;
    this.pool.register(this);
    for (const n of this.nodes.values()) if (n.task !== undefined && n.unassigned === 0) this.enqueue(n);
    this.schedule();
  }

  // -------------------------------------------------------------------------------------
  // placement

  private enqueue(n: Node): void {
    let lane = -1;
    if (n.pending === 0) {
      // All inputs in memory: the executor holding most of them.
      let best = 0;
      const counts = new Map<number, number>();
      for (const d of n.deps) {
        for (const h of d.holders.concat(d.incoming)) {
          if (h < 0) continue;
          const c = (counts.get(h) ?? 0) + 1;
          counts.set(h, c);
          if (c > best) {
            best = c;
            lane = h;
          }
        }
      }
    } else {
      // Pipeline behind unfinished inputs, if they all run on one executor.
      for (const d of n.deps) {
        if (d.state !== PROCESSING) continue;
        if (lane === -1) lane = d.worker;
        else if (lane !== d.worker) return;
      }
    }
    n.state = QUEUED;
    if (lane === -1) this.roots.push(n);
    else this.lanes[lane].queue.push(n);
  }

  private hasRoom(l: Lane): boolean {
    return l.count === 0 || (l.est < WINDOW_MS && l.count < MAX_INFLIGHT);
  }

  private estimate(n: Node): number {
    return this.stats.get(n.group) ?? UNKNOWN_MS;
  }

  private schedule(): void {
    if (this.settled) return;
    const lanes = this.lanes;
    // Roots go to one executor until its window (or its fair share) is full, then the next:
    // contiguous runs of the order keep sibling subtrees together; the share keeps a few big
    // tasks from landing on one executor when estimates are stale.
    this.rootShare = Math.max(1, Math.ceil(this.roots.size / lanes.length));
    for (let k = 0; k < lanes.length; k++) this.fill((this.lastRoot + k) % lanes.length, false);
    for (let i = 0; i < lanes.length; i++) this.fill(i, true);
    for (let i = 0; i < lanes.length; i++) this.prefetch(i);
    this.flush();
  }

  private fill(i: number, steal: boolean): void {
    const lane = this.lanes[i];
    const q = lane.queue;
    let rootsTaken = 0;
    while (this.hasRoom(lane)) {
      while (q.size > 0 && q.peek()!.state !== QUEUED) q.pop();
      while (this.roots.size > 0 && this.roots.peek()!.state !== QUEUED) this.roots.pop();
      const a = q.peek();
      const b = this.roots.peek();
      let n: Node | undefined;
      const rootOk = b !== undefined && (steal || rootsTaken < this.rootShare);
      if (a !== undefined && (!rootOk || a.priority <= b.priority)) n = q.pop();
      else if (rootOk) {
        n = this.roots.pop();
        rootsTaken++;
        this.lastRoot = i;
      } else if (steal) n = this.stealFor(i);
      if (n === undefined) return;
      this.assign(n, i);
    }
  }

  /**
   * An executor running one long task of a known group also gets the next root, marked to start
   * once nothing else of this compute runs there: it starts the moment the first one ends,
   * without a round trip through main. Not near the end of the roots, where the next free
   * executor should take what is left.
   */
  private prefetch(i: number): void {
    const lane = this.lanes[i];
    if (lane.count !== 1 || lane.est < WINDOW_MS || lane.est >= UNKNOWN_MS) return;
    while (this.roots.size > 0 && this.roots.peek()!.state !== QUEUED) this.roots.pop();
    if (this.roots.size < PREFETCH_ROOTS * this.lanes.length) return;
    this.assign(this.roots.pop()!, i, true);
    this.lastRoot = i;
  }

  /** A ready task (all inputs in memory) from another executor's queue, best priority first. */
  private stealFor(i: number): Node | undefined {
    let best: Node | undefined;
    for (let j = 0; j < this.lanes.length; j++) {
      if (j === i) continue;
      const items = this.lanes[j].queue.items;
      const limit = Math.min(items.length, 256);
      for (let k = 0; k < limit; k++) {
        const c = items[k];
        if (c.state === QUEUED && c.pending === 0 && (best === undefined || c.priority < best.priority)) best = c;
      }
    }
    return best;
  }

  private assign(n: Node, i: number, behind = false): void {
    const lane = this.lanes[i];
    n.state = PROCESSING;
    n.worker = i;
    n.est = this.estimate(n);
    lane.count++;
    lane.est += n.est;
    for (const d of n.deps) if (d.state === MEMORY) this.ensureOn(d, i);
    (this.out(i).tasks ??= []).push(this.wireTask(n, i, behind));
    for (const c of n.dependents) {
      if (--c.unassigned === 0 && c.state === WAITING) this.enqueue(c);
    }
    if (this.observed && !this.started.has(n.key)) {
      this.started.add(n.key);
      fire(this.callbacks, 'pretask', { key: n.key, worker: lane.slot.handle.name });
    }
  }

  /** Make the value of `d` available on executor `i`. */
  private ensureOn(d: Node, i: number): void {
    if (d.holders.includes(i) || d.incoming.includes(i)) return;
    if (d.holders.includes(-1)) {
      const [w, marked] = this.mainWire(d);
      (this.out(i).data ??= []).push([d.key, w, marked]);
      d.holders.push(i);
      return;
    }
    d.incoming.push(i);
    if (!d.fetching) {
      d.fetching = true;
      (this.out(d.holders[0]).fetch ??= []).push([d.key, false]);
    }
  }

  private mainWire(d: Node): [unknown, boolean] {
    if (d.wire === undefined) {
      const readers = d.dependents.length > 0 ? d.dependents.map((c) => `task '${c.key}'`).join(', ') : `data '${d.key}'`;
      const [w, marked] = toWire(d.value, `data '${d.key}'`, {
        ...this.sharing(readers),
        shared: this.pool.shared,
        fnId: (f, where) => this.pool.fnId(f, where),
      });
      d.wire = [w, marked];
    }
    return d.wire;
  }

  /** Threads: user data goes into shared memory once (read by `readers`); other pools clone. */
  private sharing(readers?: string): Pick<ToWireOptions, 'share' | 'shareType'> {
    const inputs = this.pool.inputs;
    if (inputs === undefined) return {};
    return {
      share: (v, what) => this.inputs!.share(v, readers ?? what),
      shareType: (x, spec) => inputs.registered(x, spec),
    };
  }

  private wireTask(n: Node, i: number, behind: boolean): WireTask {
    const task = n.task!;
    const what = `task '${n.key}'`;
    const lane = this.lanes[i];
    const fnIdOn = (fn: Parameters<Pool['fnId']>[0], where: string): number => {
      const id = this.pool.fnId(fn, where);
      // `sentFns` holds only ids the executor confirmed: a batch that never leaves (a task in
      // it failed to encode) or is refused must not make later batches skip the spec.
      if (!lane.slot.sentFns.has(id) && !lane.outFns.has(id)) {
        lane.outFns.add(id);
        (this.out(i).defs ??= []).push([id, this.pool.spec(id)]);
      }
      return id;
    };
    const opts: ToWireOptions = { ...this.sharing(), shared: this.pool.shared, fnId: fnIdOn };
    const send: SendMode = n.wanted ? (n.dependents.length === 0 ? SEND_DROP : SEND_KEEP) : KEEP;
    if (task.chain.length === 0) {
      const [args, marked] = task.args.length === 0 ? [[], false] : toWire(task.args, what, opts);
      return [n.key, n.priority, fnIdOn(task.fn, what), args as unknown[], marked, task.deps as string[], send, 0, behind];
    }
    const chain: WireStep[] = task.chain.map((s) => {
      const w = `task '${s.key}'`;
      const [args, marked] = toWire(s.task.args, w, opts);
      return [s.key, fnIdOn(s.task.fn, w), args as unknown[], marked, s.task.deps as string[]];
    });
    return [n.key, n.priority, -1, [], false, task.deps as string[], send, chain, behind];
  }

  private out(i: number): Batch {
    const lane = this.lanes[i];
    if (lane.out === undefined) lane.out = { run: this.id };
    return lane.out;
  }

  private flush(): void {
    for (const lane of this.lanes) {
      const b = lane.out;
      if (b === undefined) continue;
      const list = lane.transfer;
      const slot = lane.slot;
      const defs = lane.outFns.size > 0 ? [...lane.outFns] : undefined;
      lane.out = undefined;
      lane.transfer = undefined;
      lane.outFns = new Set();
      slot.api.submit(list === undefined ? b : transfer(b, [...new Set(list)])).then(
        () => {
          // The executor registered the specs (it does so before anything else in the batch).
          if (defs !== undefined) for (const id of defs) slot.sentFns.add(id);
        },
        (e: unknown) => {
          if (slot.alive) this.fail(new Error(`tsdask: could not send tasks to ${slot.handle.name}: ${(e as Error)?.message ?? e}`, { cause: e }));
        },
      );
    }
  }

  // -------------------------------------------------------------------------------------
  // progress

  onReport(slot: Slot, r: Report): void {
    if (this.settled || r.run !== this.id) return;
    const i = this.lanes.findIndex((l) => l.slot === slot);
    if (i < 0) return;
    try {
      if (r.values !== undefined) for (const [key, w, marked] of r.values) this.received(key, w, marked);
      if (r.errors !== undefined && r.errors.length > 0) {
        // A task that read an outdated input may fail for that alone: run again on the new copy.
        if (this.inputs?.settle().kind === 'stale') return this.renew();
        const [key, info] = r.errors[0];
        return this.fail(annotateTaskError(rebuildError(info, slot.handle.name), key));
      }
      for (const [key, duration] of r.done) this.complete(this.nodes.get(key)!, i, duration);
      if (this.finished === this.total) return this.succeed();
      this.schedule();
    } catch (e) {
      this.fail(e);
    }
  }

  private received(key: string, w: unknown, marked: boolean): void {
    const n = this.nodes.get(key);
    if (n === undefined) return;
    n.fetching = false;
    if (this.pool.shared && !n.wanted && n.incoming.length === 1) {
      // Passing through main to one thread: move main's copy there instead of cloning it.
      const t = n.incoming[0];
      (this.out(t).data ??= []).push([key, w, marked]);
      const list = (this.lanes[t].transfer ??= []);
      for (const b of ownedBuffers(w)) list.push(b);
      n.holders.push(t);
      n.incoming = [];
      return;
    }
    n.wire = [w, marked];
    if (!n.holders.includes(-1)) n.holders.push(-1);
    for (const t of n.incoming) {
      (this.out(t).data ??= []).push([key, w, marked]);
      n.holders.push(t);
    }
    n.incoming = [];
  }

  private complete(n: Node, i: number, duration: number): void {
    const lane = this.lanes[i];
    lane.count--;
    lane.est -= n.est;
    const prev = this.stats.get(n.group);
    this.stats.set(n.group, prev === undefined ? duration : prev * 0.8 + duration * 0.2);
    n.state = MEMORY;
    if (!(n.wanted && n.dependents.length === 0)) n.holders.push(i);
    this.finished++;
    if (this.observed && !this.reported.has(n.key)) {
      this.reported.add(n.key);
      fire(this.callbacks, 'posttask', { key: n.key, worker: lane.slot.handle.name, duration });
    }
    for (const d of n.deps) if (--d.consumers === 0) this.release(d);
    for (const c of n.dependents) {
      if (--c.pending >= 0 && c.state === WAITING && c.unassigned === 0) this.enqueue(c);
    }
  }

  /** No remaining task needs `d`: free it everywhere (main keeps wanted values). */
  private release(d: Node): void {
    for (const h of d.holders) if (h >= 0) (this.out(h).release ??= []).push(d.key);
    if (d.wanted) {
      d.holders = d.holders.includes(-1) ? [-1] : [];
      return;
    }
    d.holders = [];
    d.wire = undefined;
    d.state = RELEASED;
  }

  // -------------------------------------------------------------------------------------
  // failure

  onLost(slot: Slot, reason: string): void {
    if (this.settled) return;
    const i = this.lanes.findIndex((l) => l.slot === slot);
    if (i < 0) return;
    const running = [...this.nodes.values()].filter((n) => n.state === PROCESSING && n.worker === i).map((n) => n.key);
    const who = `${slot.handle.kind} worker ${slot.handle.name}${slot.handle.kind === 'process' ? ` (pid ${slot.handle.pid})` : ''}`;
    const what =
      running.length > 0
        ? ` while running ${running.length === 1 ? 'task' : 'tasks'} ${running
            .slice(0, 5)
            .map((k) => `'${k}'`)
            .join(', ')}${running.length > 5 ? ', ...' : ''}`
        : '';
    this.attempts++;
    // One that fails to start on its own (a load error) would fail again: report it now.
    // One killed from outside while starting is retried like any other.
    if (!slot.handle.started && !reason.startsWith('was killed')) {
      return this.fail(new Error(`tsdask: could not start ${who}: it ${reason}`));
    }
    if (this.attempts >= MAX_ATTEMPTS) {
      return this.fail(
        new Error(
          `tsdask: ${who} ${reason}${what}; gave up after ${MAX_ATTEMPTS} attempts. ` +
            'A task that exits its worker, runs out of memory or crashes natively does so again on retry: run it with { scheduler: "sync" } to see what it does.',
        ),
      );
    }
    // Retry: forget this attempt everywhere and run again on fresh executors.
    this.again();
  }

  /** Forget this attempt everywhere and run the compute again. */
  private again(): void {
    this.pool.unregister(this);
    this.id = this.pool.newRunId();
    try {
      this.build();
      this.begin();
    } catch (e) {
      this.fail(e);
    }
  }

  /** Some tasks read a shared copy that was outdated (now renewed): their results are not the user's. */
  private renew(): void {
    if (++this.renewals > MAX_RENEWALS) {
      return this.fail(
        new Error(
          `tsdask: the arrays given to this compute kept changing while it ran (computed ${MAX_RENEWALS + 1} times); change them between computes, not during one`,
        ),
      );
    }
    this.again();
  }

  abort(reason: Error): void {
    this.fail(reason);
  }

  private fail(e: unknown): void {
    if (this.settled) return;
    this.settled = true;
    // Drops copies a task wrote into, so the next compute copies the input afresh.
    this.inputs?.settle();
    this.pool.unregister(this);
    if (this.observed) fire(this.callbacks, 'finish', e);
    this.reject(e);
  }

  private succeed(): void {
    if (this.settled) return;
    const inputs = this.inputs?.settle();
    if (inputs?.kind === 'written') return this.fail(inputs.error);
    if (inputs?.kind === 'stale') return this.renew();
    let values: unknown[];
    try {
      values = this.keys.map((k) => {
        const n = this.nodes.get(k)!;
        if (n.task === undefined) return n.value;
        const [w, marked] = n.wire!;
        return marked ? fromWire(w, this.pool.resolveFn) : w;
      });
    } catch (e) {
      return this.fail(e);
    }
    this.settled = true;
    this.pool.unregister(this);
    if (this.observed) fire(this.callbacks, 'finish');
    this.resolve(values);
  }
}
