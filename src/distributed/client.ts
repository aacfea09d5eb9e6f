/**
 * The Client: connects to a scheduler, submits work (futures and whole graphs), fetches
 * results. A connected Client implements the Scheduler interface and becomes the default
 * scheduler of every `compute` until it is closed.
 */
import { readFileSync } from 'node:fs';
import { basename, resolve as resolvePath } from 'node:path';
import { COLLECTION, type Collection, type CollectionImpl, flattenKeys, isCollection, mapKeyTree } from '../core/collection.js';
import { setClientDefault, config } from '../core/config.js';
import { asDelayed, Delayed } from '../core/delayed.js';
import { order } from '../core/order.js';
import { DataNode, type Graph, type GraphNode, isPlainObject, KeyRef, mapNested, Task, type TaskFn } from '../core/graph.js';
import { getKernel } from '../core/kernels.js';
import { planCollections } from '../core/plan.js';
import { decode, encode } from '../core/serialize.js';
import { tokenize, uniqueToken } from '../core/tokenize.js';
import { fire, type RunOptions, type Scheduler } from '../core/scheduler.js';
import { formatAddress, parseAddress } from './address.js';
import { connect, type Connection } from './connection.js';
import { fromWireError, LostDataError } from './errors.js';
import { Future, type FutureStatus } from './future.js';
import { KeyRegistry } from './keys.js';
import { LocalCluster, type LocalClusterOptions } from './local-cluster.js';
import {
  clientHello,
  type ClientWelcome,
  type FunctionDef,
  type GraphTask,
  parseClientWelcome,
  parseDone,
  parseScatterReply,
  parseSchedulerIdentity,
  parseSchedulerToClient,
  parseUploadReply,
  resolvePayload,
  type SchedulerIdentity,
  type SchedulerToClient,
  type StoredValue,
  type TaskDone,
  toScheduler,
} from './protocol/index.js';
import { helloBase } from './server.js';
import { formatBytes, sizeof, typeName } from './sizeof.js';
import { encodeTask } from './task-codec.js';
import { checkResources, type Resources } from './resources.js';
import { findLocalToken } from './token-file.js';

/** Tasks per update-graph message. */
const GRAPH_CHUNK = 20_000;

export interface ClientOptions {
  /** Cluster token (default: TSDASK_TOKEN). Needed for schedulers on non-loopback addresses. */
  token?: string;
  /** Give up connecting after this many milliseconds (default 10 s). */
  timeout?: number;
  /** Become the default scheduler for compute() (default true). */
  setAsDefault?: boolean;
  /** CA certificate file for tls:// schedulers with a private CA. */
  tlsCa?: string;
  /** Accept any TLS certificate (self-signed test clusters only). */
  insecure?: boolean;
  /** Options for the LocalCluster started by `Client.connect()` with no address. */
  cluster?: LocalClusterOptions;
}

/** Options of `client.compute`: those of submit, and whether to fuse the graph (default true, as `compute`). */
export interface ClientComputeOptions extends SubmitOptions {
  optimize?: boolean;
}

export interface SubmitOptions {
  /** Use this key instead of one derived from the function and arguments. */
  key?: string;
  /** Same function and arguments, same key (default true): identical submissions run once. */
  pure?: boolean;
  /** Run the task again this many times when it raises. */
  retries?: number;
  /**
   * Worker resources each task needs while it runs, e.g. `{ GPU: 1 }`: tasks run only on workers
   * started with them (`tsdask worker --resources GPU=2`, `LocalCluster.start({ resources })`),
   * and no more at once than the worker's amounts allow. They wait (status 'pending') while no
   * worker has them. submit/map: the submitted calls; compute: every task of the collections.
   */
  resources?: Record<string, number>;
}

type Awaitable<T> = T | PromiseLike<T>;
/** An argument of submit/map: a value, or a Future / collection producing it. */
export type Remote<T> = T | Future<T> | Collection<T>;
export type RemoteArgs<A extends readonly unknown[]> = { [K in keyof A]: Remote<A[K]> };
/** What gather returns for a structure of futures. */
export type Gathered<T> =
  T extends Future<infer R>
    ? R
    : T extends readonly unknown[]
      ? { -readonly [K in keyof T]: Gathered<T[K]> }
      : T extends object
        ? { -readonly [K in keyof T]: Gathered<T[K]> }
        : T;

type Identity = Omit<ClientWelcome, 'workerList'>;

export class Client implements Scheduler {
  readonly name = 'distributed';
  /** The keys this client holds and their statuses (what its Futures read). */
  private readonly keys: KeyRegistry;
  private readonly sentFns = new Set<string>();
  private readonly runListeners = new Map<string, Set<(msg: TaskDone) => void>>();
  private closed = false;
  private info: Identity;
  /** Messages about the cluster (e.g. why a worker restarted). */
  readonly events: string[] = [];

  private constructor(
    private readonly conn: Connection,
    welcome: Identity,
    private readonly ownCluster: LocalCluster | undefined,
    readonly cluster: LocalCluster | undefined,
  ) {
    this.info = welcome;
    this.keys = new KeyRegistry((msg) => conn.send(msg));
    conn.serve(parseSchedulerToClient, (msg, frames) => this.onMessage(msg, frames));
    conn.on('protocol-error', (e: Error) => console.warn(`tsdask: refused a message from the scheduler: ${e.message}`));
    conn.on('refused', (message: string) => console.warn(`tsdask: the scheduler refused a message from this client: ${message}`));
    conn.on('close', (_code: number, reason: string) => this.onDisconnect(reason));
  }

  /**
   * Connect to a scheduler: a LocalCluster, an address (`tcp://host:8786`), or nothing to
   * start a LocalCluster on this machine (closed again with the client).
   */
  static async connect(target?: LocalCluster | string, opts: ClientOptions = {}): Promise<Client> {
    let address: string;
    let own: LocalCluster | undefined;
    let cluster: LocalCluster | undefined;
    let token = opts.token ?? process.env.TSDASK_TOKEN;
    if (target === undefined) {
      own = await LocalCluster.start(opts.cluster ?? {});
      cluster = own;
      address = own.schedulerAddress;
      token ??= own.token;
    } else if (typeof target === 'string') {
      address = target;
    } else {
      cluster = target;
      address = target.schedulerAddress;
      token ??= target.token;
    }
    const addr = parseAddress(address);
    token ??= findLocalToken(addr.host, addr.port);
    let conn: Connection;
    try {
      conn = await connect(addr, { timeoutMs: opts.timeout ?? 10_000, ca: opts.tlsCa ? readFileSync(opts.tlsCa) : undefined, insecure: opts.insecure });
    } catch (e) {
      await own?.close();
      throw e;
    }
    let welcome: Identity;
    try {
      const r = await conn.request(clientHello({ role: 'client', ...helloBase(token) }), parseClientWelcome, opts.timeout ?? 10_000);
      welcome = r.result;
    } catch (e) {
      conn.close();
      await own?.close();
      throw new Error(`scheduler at ${formatAddress(addr)} refused the client: ${e instanceof Error ? e.message : String(e)}`);
    }
    const client = new Client(conn, welcome, own, cluster);
    if (opts.setAsDefault !== false) setClientDefault({ scheduler: client });
    return client;
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
      case 'task-done': {
        const ls = this.runListeners.get(msg.key);
        if (ls !== undefined) for (const l of ls) l(msg);
        return;
      }
      case 'workers':
        this.info = { ...this.info, workers: msg.workers, threads: msg.threads, memory: msg.memory };
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
    if (this.keys.closed) throw new Error(`this Client is closed${this.info ? ` (scheduler ${this.info.address})` : ''}: connect a new one with Client.connect()`);
  }

  // ------------------------------------------------------------------ building tasks

  /**
   * Replace Futures and collections inside arguments by key references; collect the graphs
   * of collections and the Futures the task depends on.
   */
  private unpackArgs(x: unknown, graphs: Graph[], futures: Future[]): unknown {
    return mapNested(x, (v) => {
      if (v instanceof Future) {
        if (!this.keys.owns(v)) throw new Error(`Future '${v.key}' belongs to another Client: gather it and pass its value instead`);
        futures.push(v);
        return new KeyRef(v.key);
      }
      if (isCollection(v)) {
        // Planned (culled and fused) as compute() would plan it.
        const d = asDelayed(v);
        graphs.push(planCollections([d]).graph);
        return new KeyRef(d.key);
      }
      return v;
    });
  }


  /**
   * Send tasks to the scheduler. Nodes that are DataNodes holding a Future of the same key
   * (persisted collections) are already on the cluster and are not sent.
   */
  private sendGraph(
    graph: Graph,
    wants: readonly string[],
    opts: { push?: readonly string[]; events?: boolean; retries?: number; orderKeys?: readonly string[]; resources?: Resources | null; resourceKeys?: ReadonlySet<string> },
  ): void {
    const res = opts.resources ?? null;
    const seq = order(graph, opts.orderKeys ?? wants, { external: true });
    let tasks: GraphTask[] = [];
    let fns: FunctionDef[] = [];
    for (let i = 0; i < seq.length; i++) {
      const key = seq[i];
      const node = graph.get(key)!;
      if (node instanceof DataNode && node.value instanceof Future && node.value.key === key) continue;
      const enc = encodeTask(key, aliasFuture(node));
      const ids: string[] = [];
      for (const [id, spec] of enc.fns) {
        ids.push(id);
        if (!this.sentFns.has(id)) {
          this.sentFns.add(id);
          fns.push({ id, spec });
        }
      }
      const deps = node instanceof Task ? node.deps : [];
      const resources = res !== null && (opts.resourceKeys === undefined || opts.resourceKeys.has(key)) ? res : undefined;
      tasks.push({ key, deps, order: i, spec: this.conn.wire(enc.spec), functions: ids.length > 0 ? ids : null, retries: opts.retries ?? 0, resources });
      // Big graphs go in chunks (dependencies first) so the scheduler starts on them early
      // and never parses one giant message.
      if (tasks.length >= GRAPH_CHUNK && i < seq.length - 1) {
        this.conn.send(toScheduler.updateGraph({ tasks, functions: fns, wants: [], push: [], events: opts.events === true, more: true }));
        this.conn.flush();
        tasks = [];
        fns = [];
      }
    }
    this.conn.send(toScheduler.updateGraph({ tasks, functions: fns, wants, push: opts.push ?? [], events: opts.events === true, more: false }));
  }

  // ------------------------------------------------------------------ public API

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
    const real = (args as unknown[]).map((a) => this.unpackArgs(a, graphs, futures));
    const key = opts.key ?? `${fn.name || 'lambda'}-${opts.pure === false ? uniqueToken() : tokenize(fn, args)}`;
    const graph: Graph = new Map();
    for (const g of graphs) for (const [k, n] of g) graph.set(k, n);
    graph.set(key, new Task(fn, real));
    const f = new Future<Awaited<ReturnType<F>>>(key, this.keys, false);
    this.sendGraph(graph, [key], { retries: opts.retries, resources, resourceKeys: new Set([key]) });
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
      const arg = this.unpackArgs(input, graphs, held);
      for (const g of graphs) for (const [k, n] of g) graph.set(k, n);
      const key = `${name}-${opts.pure === false ? uniqueToken() : tokenize(fn, input)}`;
      if (!graph.has(key)) {
        graph.set(key, new Task(fn as TaskFn, [arg]));
        keys.push(key);
      }
      futures.push(new Future<R>(key, this.keys, false));
    }
    this.sendGraph(graph, keys, { retries: opts.retries, resources, resourceKeys: resources === null ? undefined : new Set(keys) });
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
   * An array scatters each element; `broadcast` copies every element to every worker.
   */
  async scatter<T>(data: readonly T[], opts?: { broadcast?: boolean }): Promise<Future<T>[]>;
  async scatter<T>(data: T, opts?: { broadcast?: boolean }): Promise<Future<T>>;
  async scatter<T>(data: T | readonly T[], opts: { broadcast?: boolean } = {}): Promise<Future<T> | Future<T>[]> {
    this.ensureOpen();
    const list = Array.isArray(data) ? (data as readonly T[]) : [data as T];
    const items: StoredValue[] = [];
    const keys: string[] = [];
    for (const v of list) {
      const key = `${typeName(v).toLowerCase()}-${tokenize(v)}`;
      const payload = encode(v, `scattered value '${key}'`);
      keys.push(key);
      items.push({ key, value: this.conn.wire(payload), nbytes: sizeof(v), type: typeName(v) });
    }
    await this.conn.request(toScheduler.scatter({ items, broadcast: opts.broadcast === true }), parseScatterReply, 300_000);
    const futures = keys.map((k) => {
      const f = new Future<T>(k, this.keys, false);
      this.keys.state(k).setStatus('finished');
      return f;
    });
    // The scheduler counted one "want" per key; Futures for duplicate values share it.
    return Array.isArray(data) ? futures : futures[0];
  }

  /**
   * Start computing collections on the cluster. Returns a Future (or an array of Futures
   * for an array argument) right away; `await` it for the value.
   */
  compute<T>(collection: Collection<T>, opts?: ClientComputeOptions): Future<T> | CollectionFuture<T>;
  compute<T>(collections: readonly Collection<T>[], opts?: ClientComputeOptions): (Future<T> | CollectionFuture<T>)[];
  compute<T>(x: Collection<T> | readonly Collection<T>[], opts: ClientComputeOptions = {}): Future<T> | CollectionFuture<T> | (Future<T> | CollectionFuture<T>)[] {
    this.ensureOpen();
    const resources = checkResources(opts.resources, 'client.compute');
    const list = Array.isArray(x) ? (x as readonly Collection<T>[]) : [x as Collection<T>];
    // The plan compute() would make (core/plan.ts): one culled, fused graph for all of them.
    const { graph, keys } = planCollections(
      list.filter((c) => !(c instanceof Future)),
      { optimize: opts.optimize },
    );
    const out: (Future<T> | CollectionFuture<T>)[] = [];
    for (const c of list) {
      if (c instanceof Future) out.push(new Future<T>(c.key, this.keys, true));
      else if (c instanceof Delayed) out.push(new Future<T>(c.key, this.keys, !graph.has(c.key)));
      else {
        // Other collections (frames, bags, arrays): parts stay on the cluster and are
        // finalized here, because their user-facing value (a danfo frame...) need not travel.
        const impl = c[COLLECTION];
        const parts = new Map<string, Future>();
        for (const k of flattenKeys(impl.keys())) if (!parts.has(k)) parts.set(k, new Future(k, this.keys, !graph.has(k)));
        out.push(new CollectionFuture<T>(asDelayed(c).key, impl, parts, this));
      }
    }
    const wanted = keys.filter((k) => graph.has(k));
    if (wanted.length > 0) this.sendGraph(graph, wanted, { retries: opts.retries, resources });
    return Array.isArray(x) ? out : out[0];
  }

  /**
   * Compute collections and keep their results on the workers: each comes back as the same
   * collection backed by Futures (what `persist()` calls when this client is the scheduler).
   */
  async persist<A extends readonly Collection[]>(collections: A, opts: { optimize?: boolean } = {}): Promise<A> {
    this.ensureOpen();
    const { graph, keys } = planCollections(collections, { optimize: opts.optimize });
    const futures = new Map<string, Future>();
    for (const k of keys) futures.set(k, new Future(k, this.keys, !graph.has(k)));
    this.sendGraph(
      graph,
      keys.filter((k) => graph.has(k)),
      {},
    );
    // Resolve once everything is in memory (or fail with the first error), like Dask's wait().
    await Promise.all(
      [...futures.values()].map(async (f) => {
        await f.whenDone();
        if (f.status !== 'finished') throw (await f.exception()) ?? new Error(`persist: '${f.key}' ended as ${f.status}`);
      }),
    );
    return collections.map((c) => c[COLLECTION].rebuild(futures as ReadonlyMap<string, unknown>)) as unknown as A;
  }

  /** The Scheduler interface: compute a graph on the cluster and return the values of keys. */
  async run(graph: Graph, keys: readonly string[], opts: RunOptions): Promise<unknown[]> {
    this.ensureOpen();
    const callbacks = opts.callbacks;
    const observed = callbacks.length > 0;
    if (observed) fire(callbacks, 'start', graph, keys);
    const uniq = [...new Set(keys)];
    const holds: Future[] = [];
    const listeners: [string, (msg: TaskDone) => void][] = [];
    try {
      for (const k of uniq) holds.push(new Future(k, this.keys, !graph.has(k)));
      if (observed) {
        for (const k of graph.keys()) {
          const l = (msg: TaskDone) => {
            fire(callbacks, 'pretask', { key: k, worker: msg.worker });
            fire(callbacks, 'posttask', { key: k, worker: msg.worker, duration: msg.duration });
          };
          let set = this.runListeners.get(k);
          if (set === undefined) this.runListeners.set(k, (set = new Set()));
          set.add(l);
          listeners.push([k, l]);
        }
      }
      const inGraph = uniq.filter((k) => graph.has(k));
      this.sendGraph(graph, inGraph, { push: inGraph, events: observed, orderKeys: uniq });
      const values = await Promise.all(uniq.map((k) => this.keys.value(k)));
      const byKey = new Map(uniq.map((k, i) => [k, values[i]]));
      if (observed) fire(callbacks, 'finish');
      return keys.map((k) => byKey.get(k));
    } catch (e) {
      if (observed) fire(callbacks, 'finish', e);
      throw e;
    } finally {
      for (const [k, l] of listeners) {
        const set = this.runListeners.get(k);
        set?.delete(l);
        if (set?.size === 0) this.runListeners.delete(k);
      }
      for (const f of holds) f.release();
    }
  }

  /** Cancel futures: their tasks stop (if not started) and the futures reject with CancelledError. */
  cancel(keys: readonly string[] | readonly Future[]): Promise<void> {
    return this.keys.cancel(keys.map((k) => (k instanceof Future ? k.key : k)));
  }

  /** Make a module file importable on every worker (also on workers that join later). */
  async uploadFile(path: string): Promise<void> {
    this.ensureOpen();
    const abs = resolvePath(path);
    let bytes: Buffer;
    try {
      bytes = readFileSync(abs);
    } catch (e) {
      throw new Error(`uploadFile: cannot read ${abs}: ${e instanceof Error ? e.message : String(e)}`);
    }
    const data = this.conn.wire({ header: '', frames: [new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)] });
    await this.conn.request(toScheduler.upload({ name: basename(abs), data }), parseUploadReply, 120_000);
  }

  /** Restart all workers (clearing their memory); every Future is cancelled. */
  async restart(): Promise<void> {
    this.ensureOpen();
    const r = await this.conn.request(toScheduler.restart(), parseSchedulerIdentity, 120_000);
    this.info = { ...this.info, ...summary(r.result) };
  }

  /** Current workers, threads, memory (from the scheduler). */
  async schedulerInfo(): Promise<SchedulerIdentity & { id: string }> {
    this.ensureOpen();
    const r = await this.conn.request(toScheduler.identity(), parseSchedulerIdentity, 30_000);
    this.info = { ...this.info, ...summary(r.result) };
    return { ...r.result, id: this.info.id };
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

  /** Stop the scheduler and its workers too. */
  async shutdown(): Promise<void> {
    if (!this.keys.closed) {
      try {
        await this.conn.request(toScheduler.shutdown(), parseDone, 10_000);
      } catch {
        // the scheduler may close before answering
      }
    }
    await this.close();
    await this.cluster?.close();
  }

  private unsetDefault(): void {
    if (config.get('scheduler') === this) setClientDefault({});
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

  toString(): string {
    if (this.keys.closed) return `<Client: closed (was ${this.info.address})>`;
    const i = this.info;
    return `<Client: scheduler='${i.address}' workers=${i.workers} threads=${i.threads} memory=${i.memory > 0 ? formatBytes(i.memory) : 'unlimited'}${i.dashboard ? ` dashboard=${i.dashboard}` : ''}>`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  /** For tests and debugging: how many keys this client holds references to. */
  get heldKeys(): number {
    return this.keys.held;
  }
}

/** The scheduler's totals and addresses, without its worker list. */
function summary(s: SchedulerIdentity): Omit<Identity, 'id'> {
  return { address: s.address, dashboard: s.dashboard, workers: s.workers, threads: s.threads, memory: s.memory };
}

/** A DataNode holding a Future under another key becomes an alias task of the Future's key. */
function aliasFuture(node: GraphNode): GraphNode {
  if (node instanceof DataNode && node.value instanceof Future) return new Task(getKernel('tsdask.identity'), [new KeyRef(node.value.key)]);
  return node;
}

export { Delayed, LostDataError };

/**
 * `client.compute(collection)` for collections whose parts are finalized by the caller (data
 * frames, bags, arrays): awaitable like a Future; as an argument to later work it stands for
 * the collection backed by its parts on the cluster.
 */
export class CollectionFuture<T> implements PromiseLike<T>, Collection<T> {
  constructor(
    readonly key: string,
    private readonly impl: CollectionImpl<T>,
    private readonly parts: ReadonlyMap<string, Future>,
    private readonly client: Client,
  ) {}

  get status(): FutureStatus {
    const ss = [...this.parts.values()].map((f) => f.status);
    for (const bad of ['error', 'cancelled', 'lost', 'pending'] as const) if (ss.includes(bad)) return bad;
    return 'finished';
  }

  done(): boolean {
    return [...this.parts.values()].every((f) => f.done());
  }

  async result(): Promise<T> {
    const values = await this.client.gather(Object.fromEntries(this.parts));
    return this.impl.finalize(mapKeyTree(this.impl.keys(), (k) => values[k]));
  }

  then<R1 = T, R2 = never>(onFulfilled?: ((v: T) => R1 | PromiseLike<R1>) | null, onRejected?: ((e: unknown) => R2 | PromiseLike<R2>) | null): Promise<R1 | R2> {
    return this.result().then(onFulfilled, onRejected);
  }

  cancel(): Promise<void> {
    return this.client.cancel([...this.parts.keys()]);
  }

  release(): void {
    for (const f of this.parts.values()) f.release();
  }

  get [COLLECTION](): CollectionImpl<T> {
    return this.impl.rebuild(this.parts as ReadonlyMap<string, unknown>)[COLLECTION];
  }

  toString(): string {
    return `<CollectionFuture: ${this.status}, ${this.parts.size} parts, key: ${this.key}>`;
  }
}
