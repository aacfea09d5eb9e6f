/**
 * The Client: connects to a scheduler, submits work (futures and whole graphs), fetches
 * results. A connected Client implements the Scheduler interface and becomes the default
 * scheduler of every `compute` (and what 'distributed' names) until it is closed, unless a
 * later config setting or a newer Client takes over (core/default-client.ts). Its parts:
 *
 *   session.ts       connecting and the hello       keys.ts      keys held, statuses, values
 *   graph-sender.ts  graphs and arguments sent      future.ts    Future, wait, asCompleted
 *   collections.ts   compute / persist / run of collections (one planner: core/plan.ts)
 */
import { readFileSync } from 'node:fs';
import { basename, resolve as resolvePath } from 'node:path';
import { type Collection, isCollection } from '../../core/collection.js';
import { addDefaultClient, removeDefaultClient } from '../../core/default-client.js';
import { type Graph, isPlainObject, Task, type TaskFn } from '../../core/graph.js';
import type { RunOptions, Scheduler } from '../../core/scheduler.js';
import { decode, encode } from '../../core/serialize.js';
import { tokenize, uniqueToken } from '../../core/tokenize.js';
import type { ClusterSummary } from '../../display/cluster.js';
import type { Connection } from '../connection.js';
import type { ProfileData } from '../../diagnostics/profiler.js';
import type { ReportData } from '../dashboard/types.js';
import { errorMessage, fromWireError } from '../errors.js';
import type { LocalCluster } from '../local-cluster.js';
import {
  type ClientWelcome,
  isRecord,
  parseDone,
  parseProfileReply,
  parseReportData,
  parseReportStarted,
  parseRetireReply,
  parseTargetReply,
  type RetiredWorker,
  type TargetReply,
  toDiagnostics,
  toScaling,
  parseScatterReply,
  parseSchedulerIdentity,
  parseSchedulerToClient,
  parseUploadReply,
  resolvePayload,
  type SchedulerIdentity,
  type SchedulerToClient,
  type StoredValue,
  type WorkerInfo,
  toScheduler,
} from '../protocol/index.js';
import { checkResources } from '../resources.js';
import { workerMemoryLines } from '../memory-summary.js';
import { formatBytes, sizeof, typeName } from '../sizeof.js';
import { type ClusterSide, CollectionFuture, computeOnCluster, persistOnCluster, runOnCluster, TaskListeners } from './collections.js';
import { Future } from './future.js';
import { GraphSender } from './graph-sender.js';
import { KeyRegistry } from './keys.js';
import type { Awaitable, ClientComputeOptions, ClientOptions, Gathered, Remote, RemoteArgs, SubmitOptions } from './options.js';
import { type ClusterLike, openSession } from './session.js';

type Identity = Omit<ClientWelcome, 'workerList'>;

export class Client implements Scheduler {
  readonly name = 'distributed';
  /** What running work needs: the keys this client holds (its Futures read them), the graph sender, task listeners. */
  private readonly side: ClusterSide & { readonly keys: KeyRegistry };
  private info: Identity;
  /** Each worker with its memory, as last heard (hello, schedulerInfo, or the scheduler's updates). */
  private workerList: readonly WorkerInfo[];
  /** Messages about the cluster (e.g. why a worker restarted). */
  readonly events: string[] = [];

  private constructor(
    private readonly conn: Connection,
    welcome: ClientWelcome,
    private readonly ownCluster: LocalCluster | undefined,
    readonly cluster: LocalCluster | undefined,
    /** The cluster object given to (or started by) `connect`, whatever its kind: `shutdown()` stops it. */
    private readonly attached: ClusterLike | undefined = cluster,
  ) {
    this.info = welcome;
    this.workerList = welcome.workerList;
    const keys = new KeyRegistry(conn);
    this.side = { keys, graphs: new GraphSender(conn, (f) => keys.owns(f)), listeners: new TaskListeners() };
    conn.serve(parseSchedulerToClient, (msg, frames) => this.onMessage(msg, frames));
    conn.on('protocol-error', (e: Error) => console.warn(`tsdask: refused a message from the scheduler: ${e.message}`));
    conn.on('refused', (message: string) => console.warn(`tsdask: the scheduler refused a message from this client: ${message}`));
    conn.on('close', (_code: number, reason: string) => this.onDisconnect(reason));
  }

  /**
   * Connect to a scheduler: a cluster object (LocalCluster, SSHCluster), an address
   * (`tcp://host:8786`), or nothing to start a LocalCluster on this machine (closed again with
   * the client).
   */
  static async connect(target?: ClusterLike | string, opts: ClientOptions = {}): Promise<Client> {
    const s = await openSession(target, opts);
    const client = new Client(s.conn, s.welcome, s.own, s.cluster, s.attached);
    if (opts.setAsDefault !== false) addDefaultClient(client);
    return client;
  }

  private get keys(): KeyRegistry {
    return this.side.keys;
  }

  private onMessage(msg: SchedulerToClient, frames: Uint8Array[]): void {
    switch (msg.op) {
      case 'key-in-memory':
        this.keys.finished(msg.key, msg.type);
        return;
      case 'task-erred':
        this.keys.failed(msg.key, fromWireError(msg.error, msg.cause));
        return;
      case 'cancelled':
        this.keys.cancelled(msg.key, msg.reason);
        return;
      case 'lost':
        this.keys.lost(msg.key);
        return;
      case 'value':
        this.keys.delivered(msg.key, () => decode(resolvePayload(msg.value, frames)));
        return;
      case 'task-done':
        this.side.listeners.emit(msg);
        return;
      case 'workers':
        this.info = { ...this.info, workers: msg.workers, threads: msg.threads, memory: msg.memory };
        if (msg.workerList !== undefined) this.workerList = msg.workerList;
        return;
      case 'event':
        this.events.push(msg.text);
        console.warn(`tsdask: ${msg.text}`);
        return;
      case 'scheduler-closing':
        this.onDisconnect('the scheduler is shutting down');
        return;
    }
  }

  private onDisconnect(reason: string): void {
    if (this.keys.closed) return;
    this.keys.disconnected(new Error(`lost the connection to the scheduler at ${this.info.address} (${reason})`));
    this.unsetDefault();
  }

  private ensureOpen(): void {
    if (this.keys.closed) throw new Error(`this Client is closed (scheduler ${this.info.address}): connect a new one with Client.connect()`);
  }

  // ------------------------------------------------------------------ futures

  /** Run `fn(...args)` on the cluster now; returns its Future. */
  submit<F extends TaskFn>(fn: F, ...args: RemoteArgs<Parameters<F>>): Future<Awaited<ReturnType<F>>> {
    return this.submitWith({}, fn, ...args);
  }

  /** `submit` with options: `{ key, pure, retries, resources }`. */
  submitWith<F extends TaskFn>(opts: SubmitOptions, fn: F, ...args: RemoteArgs<Parameters<F>>): Future<Awaited<ReturnType<F>>> {
    this.ensureOpen();
    if (typeof fn !== 'function') throw new TypeError(`client.submit: expected a function, got ${typeName(fn)}`);
    const resources = checkResources(opts.resources, 'client.submit');
    const graphs: Graph[] = [];
    const futures: Future[] = [];
    const real = args.map((a) => this.side.graphs.args(a, graphs, futures));
    const key = opts.key ?? `${fn.name || 'lambda'}-${opts.pure === false ? uniqueToken() : tokenize(fn, args)}`;
    const graph: Graph = new Map();
    for (const g of graphs) for (const [k, n] of g) graph.set(k, n);
    graph.set(key, new Task(fn, real));
    const f = new Future<Awaited<ReturnType<F>>>(key, this.keys, false);
    this.side.graphs.send(graph, [key], { retries: opts.retries, resources, resourceKeys: new Set([key]) });
    return f;
  }

  /** One task per input: `fn(input)`. Identical inputs share a key (pure by default). */
  map<A, R>(fn: (x: A) => Awaitable<R>, inputs: Iterable<Remote<A>>, opts: SubmitOptions = {}): Future<R>[] {
    this.ensureOpen();
    if (typeof fn !== 'function') throw new TypeError(`client.map: expected a function, got ${typeName(fn)}`);
    if (opts.key !== undefined) throw new TypeError('client.map: a single key cannot name many tasks; omit `key`');
    const resources = checkResources(opts.resources, 'client.map');
    const name = fn.name || 'lambda';
    const graph: Graph = new Map();
    const keys: string[] = [];
    const futures: Future<R>[] = [];
    const held: Future[] = [];
    for (const input of inputs) {
      const graphs: Graph[] = [];
      const arg = this.side.graphs.args(input, graphs, held);
      for (const g of graphs) for (const [k, n] of g) graph.set(k, n);
      const key = `${name}-${opts.pure === false ? uniqueToken() : tokenize(fn, input)}`;
      if (!graph.has(key)) {
        graph.set(key, new Task(fn, [arg]));
        keys.push(key);
      }
      futures.push(new Future<R>(key, this.keys, false));
    }
    this.side.graphs.send(graph, keys, { retries: opts.retries, resources, resourceKeys: resources === null ? undefined : new Set(keys) });
    return futures;
  }

  /** Values of futures, in the same structure (arrays / plain objects) as given. */
  async gather<T>(futures: T): Promise<Gathered<T>> {
    this.ensureOpen();
    const found: Future[] = [];
    const visit = (x: unknown): void => {
      if (x instanceof Future) found.push(x);
      else if (Array.isArray(x)) for (const i of x) visit(i);
      else if (isPlainObject(x)) for (const k in x) visit(x[k]);
    };
    visit(futures);
    const values = new Map<string, unknown>();
    const uniq = [...new Set(found.map((f) => f.key))];
    const got = await Promise.all(uniq.map((k) => this.keys.value(k)));
    uniq.forEach((k, i) => values.set(k, got[i]));
    const rebuild = (x: unknown): unknown => {
      if (x instanceof Future) return values.get(x.key);
      if (Array.isArray(x)) return x.map(rebuild);
      if (isPlainObject(x)) {
        const out: Record<string, unknown> = {};
        for (const k in x) out[k] = rebuild(x[k]);
        return out;
      }
      return x;
    };
    return rebuild(futures) as Gathered<T>;
  }

  /**
   * Send data to the workers once; tasks that take the returned Futures read it there.
   * Each element of the array is scattered; `broadcast` copies every element to every worker.
   * One value goes in an array too (`const [f] = await client.scatter([x])`): a Future is
   * awaitable, so a Promise cannot resolve to one, and `await client.scatter(x)` would hand
   * back x itself, fetched from the cluster. That form is refused with this fix in the error.
   */
  async scatter<T>(data: readonly T[], opts: { broadcast?: boolean } = {}): Promise<Future<T>[]> {
    this.ensureOpen();
    if (!Array.isArray(data))
      throw new TypeError(
        `client.scatter takes an array of values and resolves to one Future each; for one value (a ${typeName(data)}) write ` +
          'const [f] = await client.scatter([x]) (a Future is awaitable, so it cannot come out of a Promise on its own)',
      );
    const list: readonly T[] = data;
    const items: StoredValue[] = [];
    const keys: string[] = [];
    for (const v of list) {
      const key = `${typeName(v).toLowerCase()}-${tokenize(v)}`;
      const payload = encode(v, `scattered value '${key}'`);
      keys.push(key);
      items.push({ key, value: this.conn.wire(payload), nbytes: sizeof(v), type: typeName(v) });
    }
    // The Futures hold their keys before the request goes out: an older Future of the same value
    // released meanwhile must not free the key on the scheduler after this scatter reached it.
    const futures = keys.map((k) => new Future<T>(k, this.keys, false));
    try {
      await this.conn.request(toScheduler.scatter({ items, broadcast: opts.broadcast === true }), parseScatterReply, 300_000);
    } catch (e) {
      for (const f of futures) f.release();
      throw e;
    }
    for (const k of keys) this.keys.state(k).setStatus('finished');
    // The scheduler counted one "want" per key; Futures for duplicate values share it.
    return futures;
  }

  /** Cancel futures: their tasks stop (if not started) and the futures reject with CancelledError. */
  cancel(keys: readonly string[] | readonly Future[]): Promise<void> {
    return this.keys.cancel(keys.map((k) => (k instanceof Future ? k.key : k)));
  }

  // ------------------------------------------------------------------ collections

  /**
   * Start computing collections on the cluster. Returns a Future (or an array of Futures
   * for an array argument) right away; `await` it for the value.
   */
  compute<T>(collection: Collection<T>, opts?: ClientComputeOptions): Future<T> | CollectionFuture<T>;
  compute<T>(collections: readonly Collection<T>[], opts?: ClientComputeOptions): (Future<T> | CollectionFuture<T>)[];
  compute<T>(
    x: Collection<T> | readonly Collection<T>[],
    opts: ClientComputeOptions = {},
  ): Future<T> | CollectionFuture<T> | (Future<T> | CollectionFuture<T>)[] {
    this.ensureOpen();
    const resources = checkResources(opts.resources, 'client.compute');
    const list = Array.isArray(x) ? (x as readonly Collection<T>[]) : [x as Collection<T>];
    const out = computeOnCluster(this.side, list, { optimize: opts.optimize, retries: opts.retries, resources });
    return Array.isArray(x) ? out : out[0];
  }

  /**
   * Compute collections and keep their results on the workers: each comes back as the same
   * kind of collection backed by Futures (what `persist()` calls when this client is the
   * scheduler). One collection (a DataFrame, a Bag, a Delayed...) gives one persisted
   * collection; an array gives an array in the same order, as Dask's `client.persist`.
   * Resolves once every result is in worker memory; rejects with the first task error.
   */
  persist<C extends Collection>(collection: C, opts?: { optimize?: boolean }): Promise<C>;
  persist<A extends readonly Collection[]>(collections: A, opts?: { optimize?: boolean }): Promise<A>;
  async persist(x: Collection | readonly Collection[], opts: { optimize?: boolean } = {}): Promise<Collection | readonly Collection[]> {
    this.ensureOpen();
    if (Array.isArray(x)) return persistOnCluster(this.side, checkCollections(x, 'client.persist'), opts);
    const [one] = await persistOnCluster(this.side, checkCollections([x], 'client.persist'), opts);
    return one;
  }

  /** The Scheduler interface: compute a graph on the cluster and return the values of keys. */
  run(graph: Graph, keys: readonly string[], opts: RunOptions): Promise<unknown[]> {
    this.ensureOpen();
    return runOnCluster(this.side, graph, keys, opts);
  }

  // ------------------------------------------------------------------ the cluster

  /** Make a module file importable on every worker (also on workers that join later). */
  async uploadFile(path: string): Promise<void> {
    this.ensureOpen();
    const abs = resolvePath(path);
    let bytes: Buffer;
    try {
      bytes = readFileSync(abs);
    } catch (e) {
      throw new Error(`uploadFile: cannot read ${abs}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    const data = this.conn.wire({ header: '', frames: [new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)] });
    await this.conn.request(toScheduler.upload({ name: basename(abs), data }), parseUploadReply, 120_000);
  }

  /** Restart all workers (clearing their memory); every Future is cancelled. */
  async restart(): Promise<void> {
    this.ensureOpen();
    const r = await this.conn.request(toScheduler.restart(), parseSchedulerIdentity, 120_000);
    this.info = { ...this.info, ...summary(r.result) };
    this.workerList = r.result.workerList;
  }

  /** Current workers, threads, memory (from the scheduler). */
  async schedulerInfo(): Promise<SchedulerIdentity & { id: string }> {
    this.ensureOpen();
    const r = await this.conn.request(toScheduler.identity(), parseSchedulerIdentity, 30_000);
    this.info = { ...this.info, ...summary(r.result) };
    this.workerList = r.result.workerList;
    return { ...r.result, id: this.info.id };
  }

  /**
   * A statistical profile of every worker thread over the next `duration` ms (default 1000),
   * merged per task group: the data the dashboard's profile page draws as flame graphs.
   */
  async profile(opts: { duration?: number } = {}): Promise<ProfileData> {
    this.ensureOpen();
    const ms = opts.duration ?? 1000;
    if (!(ms >= 1 && ms <= 60_000)) throw new RangeError(`client.profile: duration ${ms} ms is out of range; pass 1 to 60000`);
    return (await this.conn.request(toDiagnostics.profile(ms), parseProfileReply, ms + 60_000)).result;
  }

  /**
   * Retire workers (addresses or names) gracefully, as Dask's `retire_workers`: each hands its
   * results to the workers that stay, then exits; nothing is recomputed unless no copy can move.
   */
  async retireWorkers(workers: readonly string[]): Promise<readonly RetiredWorker[]> {
    this.ensureOpen();
    return (await this.conn.request(toScaling.retire(workers), parseRetireReply, 120_000)).result.retired;
  }

  /**
   * How many workers the scheduler's queued work calls for (the policy `adapt` uses), for a
   * cluster whose scheduler runs elsewhere: `targetDuration` seconds of work per thread.
   */
  async adaptiveTarget(targetDuration: number, threadsPerWorker: number): Promise<TargetReply> {
    this.ensureOpen();
    return (await this.conn.request(toScaling.target(targetDuration, threadsPerWorker), parseTargetReply, 30_000)).result;
  }

  /** Start recording a performance report on the scheduler (see performanceReport). */
  async startReport(): Promise<number> {
    this.ensureOpen();
    return (await this.conn.request(toDiagnostics.report('start'), parseReportStarted, 30_000)).result.id;
  }

  /** Stop recording report `id` and get what was recorded. */
  async stopReport(id: number): Promise<ReportData> {
    this.ensureOpen();
    const text = (await this.conn.request(toDiagnostics.report('stop', id), parseReportData, 60_000)).result.data;
    const data: unknown = JSON.parse(text);
    if (!isReportData(data)) throw new Error(`performance report ${id}: the scheduler answered something that is not a report (${text.slice(0, 80)})`);
    return data;
  }

  /** Wait until at least `n` workers are connected. */
  async waitForWorkers(n: number, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const info = await this.schedulerInfo();
      if (info.workers >= n) return;
      if (Date.now() > deadline) throw new Error(`waitForWorkers: ${info.workers} of ${n} workers after ${timeoutMs / 1000} s`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Disconnect (and stop the LocalCluster this client started itself). */
  async close(): Promise<void> {
    if (!this.keys.closed) {
      this.keys.close(new Error('the Client was closed'));
      this.conn.close(1000, 'client closed');
    }
    this.unsetDefault();
    await this.ownCluster?.close();
  }

  /**
   * Stop the scheduler and its workers too. Resolves once the scheduler has stopped: its
   * port refuses connections, and the worker processes of a LocalCluster have exited.
   * Rejects if the scheduler still holds this client's connection `timeoutMs` after agreeing
   * to stop (default 30 s).
   */
  async shutdown(timeoutMs = 30_000): Promise<void> {
    try {
      if (!this.keys.closed && !this.conn.closed) await this.untilSchedulerStopped(timeoutMs);
    } finally {
      await this.close();
      await this.attached?.close();
    }
  }

  private async untilSchedulerStopped(timeoutMs: number): Promise<void> {
    // The scheduler drops every connection only after it stopped listening (Listener.close).
    const dropped = new Promise<'stopped'>((r) => this.conn.once('close', () => r('stopped')));
    try {
      await this.conn.request(toScheduler.shutdown(), parseDone, 10_000);
    } catch (e) {
      // A scheduler that closed before answering has stopped; any other failure is reported.
      if (!this.conn.closed) throw new Error(`shutdown: the scheduler at ${this.info.address} did not agree to stop: ${errorMessage(e)}`, { cause: e });
    }
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), timeoutMs)));
    const outcome = await Promise.race([dropped, late]);
    clearTimeout(timer);
    if (outcome === 'late')
      throw new Error(`shutdown: the scheduler at ${this.info.address} still held the connection ${timeoutMs / 1000} s after agreeing to stop`);
  }

  private unsetDefault(): void {
    removeDefaultClient(this);
  }

  get dashboardLink(): string | undefined {
    return this.info.dashboard ?? undefined;
  }

  get schedulerAddress(): string {
    return this.info.address;
  }

  get id(): string {
    return this.info.id;
  }

  /** The least memory limit per thread among the workers that have one (readCsv sizes its default blocks by it). */
  memoryPerThread(): number | undefined {
    const shares = this.workerList.filter((w) => w.memoryLimit > 0).map((w) => w.memoryLimit / Math.max(1, w.nthreads));
    return shares.length > 0 ? Math.min(...shares) : undefined;
  }

  /** What the notebook summary shows (src/display): scheduler, workers, threads, memory, dashboard. */
  get summary(): ClusterSummary {
    const i = this.info;
    const workerList = this.workerList.map((w) => ({ name: w.name, address: w.address, nthreads: w.nthreads, memoryLimit: w.memoryLimit }));
    return {
      kind: 'Client',
      address: i.address,
      workers: i.workers,
      threads: i.threads,
      memory: i.memory,
      dashboard: i.dashboard ?? undefined,
      workerList,
      closed: this.keys.closed,
    };
  }

  toString(): string {
    if (this.keys.closed) return `<Client: closed (was ${this.info.address})>`;
    const i = this.info;
    const head = `<Client: scheduler='${i.address}' workers=${i.workers} threads=${i.threads} memory=${i.memory > 0 ? formatBytes(i.memory) : 'unlimited'}${i.dashboard ? ` dashboard=${i.dashboard}` : ''}>`;
    // Then one line per worker: managed / unmanaged / spilled memory, and why it is paused.
    return [head, ...workerMemoryLines(this.workerList)].join('\n');
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  /** For tests and debugging: how many keys this client holds references to. */
  get heldKeys(): number {
    return this.keys.held;
  }
}

/** Every item must be a collection (Delayed, DataFrame, Bag, Array, Future): anything else is named. */
function checkCollections(items: readonly unknown[], where: string): Collection[] {
  return items.map((c, i) => {
    if (!isCollection(c))
      throw new TypeError(
        `${where}: item ${i} is ${typeName(c)}, not a collection; pass a Delayed, DataFrame, Series, Bag, Array or Future (or an array of them)`,
      );
    return c;
  });
}

/** The scheduler's totals and addresses, without its worker list. */
function summary(s: SchedulerIdentity): Omit<Identity, 'id'> {
  return { address: s.address, dashboard: s.dashboard, workers: s.workers, threads: s.threads, memory: s.memory };
}

export { CollectionFuture };

/** The scheduler's JSON of a ReportData (dashboard/recorder.ts): its lists and numbers are where they should be. */
function isReportData(v: unknown): v is ReportData {
  if (!isRecord(v)) return false;
  return (
    typeof v.start === 'number' &&
    typeof v.stop === 'number' &&
    Array.isArray(v.stream) &&
    Array.isArray(v.workers) &&
    Array.isArray(v.groups) &&
    Array.isArray(v.history) &&
    isRecord(v.profile)
  );
}
