/**
 * A worker: runs the tasks the scheduler assigns, keeps their results, fetches inputs it lacks
 * straight from the peers holding them, serves its own results to peers, and watches its memory
 * (spill least-recently-used results to disk, pause when memory is high).
 *
 * Tasks run through the shared run loop (src/executor), in priority order: on this process's
 * event loop, `nthreads` at a time for tasks that return Promises, or one per worker thread.
 * Before a run of tasks starts, the worker tells the scheduler which keys it is starting, so
 * that a task that crashes the process is identified (killed-worker).
 */
import { mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir, hostname } from 'node:os';
import { basename, join } from 'node:path';
import { DataNode, runTask, type TaskFn } from '../core/graph.js';
import { type FnSpec, resolveFunction } from '../core/functions.js';
import { DONE, type LoopTask, READY, RUNNING, RunLoop, type TaskExecutor, WAITING } from '../executor/run-loop.js';
import { type Address, formatAddress, isLoopback, parseAddress } from './address.js';
import { connect, type Connection } from './connection.js';
import {
  type Compute,
  type DepLocation,
  fromWorker,
  type GetData,
  type Hello,
  type KeyError,
  type KeyPayload,
  parseDone,
  parseGetDataReply,
  parsePeerRequest,
  parseSchedulerToWorker,
  parseWorkerWelcome,
  type Payload,
  type PayloadRef,
  peerHello,
  resolvePayload,
  type SchedulerToWorker,
  type StoredValue,
  toNanny,
  toPeer,
  toWireError,
  type WireError,
  workerHello,
  type WorkerSettings,
} from './protocol/index.js';
import { helloBase, listen, type Listener } from './server.js';
import { checkResources, fits, formatResources, give, type Resources, take } from './resources.js';
import { DataStore } from './store.js';
import { decodeTask } from './task-codec.js';
import { formatBytes } from './sizeof.js';
import { ThreadPool, type ThreadResult } from './thread-pool.js';

/** Exit codes a nanny understands. */
export const EXIT = {
  /** Asked to close: do not restart. */
  CLOSED: 0,
  /** Lost the scheduler: restart (the new worker reconnects or gives up). */
  SCHEDULER_LOST: 3,
  /** Never reached the scheduler within the death timeout: stop. */
  NO_SCHEDULER: 4,
  /** Asked to restart (client.restart). */
  RESTART: 5,
  /** The scheduler refused us (token, version): restarting would not help. */
  REFUSED: 6,
} as const;

export interface WorkerOptions extends WorkerSettings {
  log?: (line: string) => void;
  /** Called when the worker stops by itself; a worker process exits with this code. */
  onExit?: (code: number, reason: string) => void;
}

/** A task assigned here; its run-loop state is WAITING while its inputs are being fetched. */
interface WTask extends LoopTask {
  spec: Payload;
  deps: readonly DepLocation[];
  ret: boolean;
  /** Suspected of killing workers: announced and run alone. */
  alone: boolean;
  /** Wall-clock start (ms), reported to the scheduler. */
  start: number;
  /** Worker resources it needs to run (null: none). */
  resources: Resources | null;
  /** Holds them from its start until its function really ends (even when cancelled). */
  holdsResources: boolean;
}

interface Fetch {
  key: string;
  holders: string[];
  tried: string[];
  waiters: Set<WTask>;
  inFlight: boolean;
}

const SPILL_TARGET = 0.6;
const SPILL_RSS = 0.7;
const PAUSE_RSS = 0.8;
const MAX_BATCH = 64;

export class Worker {
  readonly nthreads: number;
  readonly memoryLimit: number;
  readonly name: string;
  readonly resources: Resources;
  private readonly freeResources: Record<string, number>;
  private scheduler!: Connection;
  private listener!: Listener;
  private readonly store: DataStore;
  private readonly tasks = new Map<string, WTask>();
  private readonly loop: RunLoop<WTask>;
  private readonly fetches = new Map<string, Fetch>();
  private readonly fns = new Map<string, FnSpec>();
  private readonly uploads = new Map<string, string>();
  private readonly peers = new Map<string, Promise<Connection>>();
  private readonly localDir: string;
  private fetchScheduled = false;
  private paused = false;
  private closed = false;
  private timers: NodeJS.Timeout[] = [];
  private lastTaskMs = 0;
  private pool: ThreadPool | undefined;
  private grownSinceCheck = 0;
  private readonly log: (line: string) => void;
  address = '';

  constructor(private readonly opts: WorkerOptions) {
    this.nthreads = Math.max(1, opts.nthreads ?? 1);
    this.memoryLimit = opts.memoryLimit ?? 0;
    this.resources = checkResources(opts.resources, 'worker') ?? {};
    this.freeResources = { ...this.resources };
    this.name = opts.name ?? `${hostname()}-${process.pid}`;
    this.localDir = opts.localDir ?? join(tmpdir(), `tsdask-worker-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
    this.store = new DataStore(join(this.localDir, 'spill'));
    this.log = opts.log ?? (() => undefined);
    const executor = opts.executor ?? (this.nthreads > 1 ? 'threads' : 'inline');
    if (executor === 'threads') this.pool = new ThreadPool(this.nthreads, () => this.fns, () => this.uploads);
    const slots = { slots: this.nthreads, sliceMs: 20 };
    this.loop = this.pool === undefined ? new RunLoop(this.inlineExecutor(), slots) : new RunLoop(this.threadsExecutor(this.pool), slots);
  }

  /** Connect to the scheduler (retrying until the death timeout), open the peer port, register. */
  async start(): Promise<void> {
    const addr = parseAddress(this.opts.scheduler);
    const deadline = Date.now() + (this.opts.deathTimeoutMs ?? 60_000);
    let conn: Connection | undefined;
    let lastError: Error | undefined;
    let warned = false;
    while (conn === undefined) {
      try {
        conn = await connect(addr, { timeoutMs: Math.max(1000, Math.min(10_000, deadline - Date.now())), ca: this.opts.tlsCa, insecure: this.opts.insecure });
      } catch (e) {
        lastError = e instanceof Error ? e : new Error(String(e));
        if (Date.now() >= deadline) {
          throw new Error(`worker gave up reaching the scheduler at ${formatAddress(addr)} after ${Math.round((this.opts.deathTimeoutMs ?? 60_000) / 1000)} s: ${lastError.message}`);
        }
        if (!warned) {
          this.log(`${lastError.message}; retrying until the death timeout`);
          warned = true;
        }
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    this.scheduler = conn;
    const local = conn.localAddress ?? '127.0.0.1';
    const host = this.opts.host ?? (isLoopback(addr.host) ? '127.0.0.1' : '0.0.0.0');
    this.listener = await listen({ host, port: this.opts.port ?? 0, token: this.opts.token, tls: this.opts.tls, role: 'worker' }, (c, h) => this.acceptPeer(c, h));
    const advertised: Address = { ...this.listener.address, host: host === '0.0.0.0' || host === '::' ? local.replace(/^::ffff:/, '') : this.listener.address.host };
    this.address = formatAddress(advertised);
    conn.serve(parseSchedulerToWorker, (msg, frames) => this.onSchedulerMessage(msg, frames));
    conn.on('protocol-error', (e: Error) => this.log(`refused a message from the scheduler: ${e.message}`));
    conn.on('refused', (message: string) => this.log(`the scheduler refused a message from this worker: ${message}`));
    conn.on('handler-error', (e: Error, op: string) => this.log(`error handling '${op}' from the scheduler: ${e.stack ?? e.message}`));
    conn.on('close', (_c: number, reason: string) => this.stop(EXIT.SCHEDULER_LOST, `lost the connection to the scheduler (${reason})`));
    try {
      await conn.request(
        workerHello({
          role: 'worker',
          ...helloBase(this.opts.token),
          address: this.address,
          name: this.name,
          nthreads: this.nthreads,
          memoryLimit: this.memoryLimit,
          resources: this.resources,
          pid: process.pid,
          host: hostname(),
          restartReason: this.opts.restartReason ?? '',
        }),
        parseWorkerWelcome,
        30_000,
      );
    } catch (e) {
      await this.listener.close();
      conn.close();
      throw new Error(`the scheduler at ${formatAddress(addr)} refused this worker: ${e instanceof Error ? e.message : String(e)}`);
    }
    const hb = this.opts.heartbeatMs ?? 1000;
    this.timers.push(setInterval(() => this.heartbeat(), hb));
    this.timers.push(setInterval(() => this.checkMemory(), 100));
    for (const t of this.timers) t.unref();
    this.log(`worker ${this.name} at ${this.address} connected to ${formatAddress(addr)} (${this.nthreads} threads${this.memoryLimit ? `, memory limit ${formatBytes(this.memoryLimit)}` : ''}${Object.keys(this.resources).length > 0 ? `, resources ${formatResources(this.resources)}` : ''})`);
  }

  /** Stop: close connections and delete local files. */
  async stop(code: number = EXIT.CLOSED, reason = 'closed'): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.loop.close();
    for (const t of this.timers) clearInterval(t);
    if (code !== EXIT.CLOSED) this.log(`worker ${this.name} stopping: ${reason}`);
    this.scheduler?.close(1000, reason);
    for (const p of this.peers.values()) p.then((c) => c.close(), () => undefined);
    await this.listener?.close();
    await this.pool?.close();
    this.store.clear();
    rmSync(this.localDir, { recursive: true, force: true });
    this.opts.onExit?.(code, reason);
  }

  // ------------------------------------------------------------------ scheduler messages

  private onSchedulerMessage(msg: SchedulerToWorker, frames: Uint8Array[]): void {
    switch (msg.op) {
      case 'compute':
        this.addTask(msg, frames);
        return;
      case 'functions':
        for (const { id, spec } of msg.functions) this.fns.set(id, spec);
        return;
      case 'free-keys':
        for (const k of msg.keys) {
          if (msg.unlessNeeded && this.neededLocally(k)) continue;
          this.store.delete(k);
        }
        return;
      case 'cancel-compute':
        for (const k of msg.keys) this.dropTask(k);
        return;
      case 'steal': {
        const removed: string[] = [];
        const kept: string[] = [];
        for (const k of msg.keys) {
          const t = this.tasks.get(k);
          if (t !== undefined && (t.state === READY || t.state === WAITING)) {
            this.dropTask(k);
            removed.push(k);
          } else kept.push(k);
        }
        this.scheduler.send(fromWorker.stealResponse({ removed, kept, thief: msg.thief }));
        return;
      }
      case 'send-results':
        this.sendResults(msg.keys);
        return;
      case 'put-data': {
        for (const it of msg.items) this.store.setPayload(it.key, resolvePayload(it.value, frames), it.nbytes, it.type);
        this.scheduler.reply(msg.rid, {});
        this.onNewData();
        return;
      }
      case 'upload':
        try {
          this.saveUpload(msg.name, resolvePayload(msg.data, frames));
          this.scheduler.reply(msg.rid, {});
        } catch (e) {
          this.scheduler.replyError(msg.rid, toWireError(e));
        }
        return;
      case 'restart':
        void this.stop(EXIT.RESTART, 'restart requested by a client');
        return;
      case 'close':
        void this.stop(EXIT.CLOSED, msg.reason);
        return;
    }
  }

  private neededLocally(key: string): boolean {
    for (const t of this.tasks.values()) if (t.state !== DONE && t.deps.some((d) => d.key === key)) return true;
    return false;
  }

  private addTask(msg: Compute, frames: Uint8Array[]): void {
    const key = msg.key;
    const existing = this.tasks.get(key);
    if (existing !== undefined && existing.state !== DONE) return;
    const info = this.store.info(key);
    if (info !== undefined) {
      // Already computed here (a steal raced with completion): report it again.
      const now = Date.now();
      this.scheduler.send(fromWorker.finished({ key, nbytes: info.nbytes, type: info.type, startedAt: now, stoppedAt: now }));
      return;
    }
    const spec = resolvePayload(msg.spec, frames);
    const t: WTask = {
      key,
      spec: spec.frames.length > 0 ? { header: spec.header, frames: spec.frames.map((f) => new Uint8Array(f)) } : spec,
      priority: msg.priority,
      deps: msg.deps,
      state: WAITING,
      missing: 0,
      ret: msg.sendResult,
      alone: msg.isolate,
      start: 0,
      resources: checkResources(msg.resources, `task ${key}`),
      holdsResources: false,
    };
    if (t.resources !== null && !fits(this.resources, t.resources)) {
      this.failTask(t, new Error(`task '${key}' needs resources ${formatResources(t.resources)} but worker ${this.name} has ${formatResources(this.resources) || 'none'} (scheduling bug)`), Date.now());
      return;
    }
    this.tasks.set(key, t);
    for (const { key: dep, holders } of t.deps) {
      if (this.store.has(dep)) continue;
      t.missing++;
      let f = this.fetches.get(dep);
      if (f === undefined) {
        f = { key: dep, holders: holders.filter((h) => h !== this.address), tried: [], waiters: new Set(), inFlight: false };
        this.fetches.set(dep, f);
      } else for (const h of holders) if (!f.holders.includes(h) && !f.tried.includes(h) && h !== this.address) f.holders.push(h);
      f.waiters.add(t);
    }
    this.loop.add(t);
    if (t.missing > 0) this.scheduleFetch();
  }

  private dropTask(key: string): void {
    const t = this.tasks.get(key);
    if (t === undefined) return;
    if (t.state === RUNNING) {
      // A running function cannot be interrupted (a thread can: it is replaced): its result is
      // dropped when it ends, but it gives its slot back now so other work can start.
      if (this.pool?.interrupt(key) === true) this.releaseResources(t); // its thread is gone
      this.loop.drop(t);
      this.tasks.delete(key);
      return;
    }
    this.loop.drop(t);
    this.tasks.delete(key);
    for (const { key: dep } of t.deps) {
      const f = this.fetches.get(dep);
      if (f === undefined) continue;
      f.waiters.delete(t);
      if (f.waiters.size === 0 && !f.inFlight) this.fetches.delete(dep);
    }
  }

  // ------------------------------------------------------------------ fetching from peers

  private scheduleFetch(): void {
    if (this.fetchScheduled) return;
    this.fetchScheduled = true;
    setImmediate(() => {
      this.fetchScheduled = false;
      this.startFetches();
    });
  }

  private startFetches(): void {
    const byPeer = new Map<string, Fetch[]>();
    for (const f of this.fetches.values()) {
      if (f.inFlight) continue;
      if (f.waiters.size === 0) {
        this.fetches.delete(f.key);
        continue;
      }
      if (this.store.has(f.key)) {
        this.fetched(f);
        continue;
      }
      const peer = f.holders.find((h) => !f.tried.includes(h));
      if (peer === undefined) {
        this.fetchFailed(f);
        continue;
      }
      f.inFlight = true;
      f.tried.push(peer);
      let list = byPeer.get(peer);
      if (list === undefined) byPeer.set(peer, (list = []));
      list.push(f);
    }
    for (const [peer, fs] of byPeer) void this.fetchFrom(peer, fs);
  }

  private async fetchFrom(peer: string, fs: Fetch[]): Promise<void> {
    let reply;
    try {
      const conn = await this.peer(peer);
      reply = await conn.request(toPeer.getData(fs.map((f) => f.key)), parseGetDataReply, 300_000);
    } catch (e) {
      this.log(`fetch from ${peer} failed: ${e instanceof Error ? e.message : String(e)}`);
      for (const f of fs) f.inFlight = false;
      this.startFetches();
      return;
    }
    const got: { key: string; nbytes: number }[] = [];
    const errors = new Map<string, WireError>(reply.result.errors.map((e) => [e.key, e.error]));
    for (const { key, value, nbytes, type } of reply.result.values) {
      if (!this.store.has(key)) {
        this.store.setPayload(key, resolvePayload(value, reply.frames), nbytes, type);
        got.push({ key, nbytes });
      }
    }
    if (got.length > 0) this.scheduler.send(fromWorker.addReplicas(got));
    for (const f of fs) {
      f.inFlight = false;
      const error = errors.get(f.key);
      if (this.store.has(f.key)) this.fetched(f);
      else if (error !== undefined) {
        // The holder cannot serialize the value: the dependents fail with that error.
        for (const t of f.waiters) this.failTaskWire(t, error, Date.now());
        this.fetches.delete(f.key);
      }
    }
    this.startFetches();
  }

  private fetched(f: Fetch): void {
    this.fetches.delete(f.key);
    for (const t of f.waiters) this.loop.arrived(t);
    this.onNewData();
  }

  private fetchFailed(f: Fetch): void {
    this.fetches.delete(f.key);
    for (const t of f.waiters) {
      if (t.state !== WAITING) continue;
      this.dropTask(t.key);
      this.scheduler.send(fromWorker.missingData({ key: t.key, dep: f.key, tried: f.tried }));
    }
  }

  private peer(address: string): Promise<Connection> {
    let p = this.peers.get(address);
    if (p === undefined) {
      p = (async () => {
        const c = await connect(parseAddress(address), { timeoutMs: 10_000, ca: this.opts.tlsCa, insecure: this.opts.insecure });
        await c.request(peerHello({ role: 'peer', ...helloBase(this.opts.token) }), parseDone, 10_000);
        c.on('close', () => this.peers.delete(address));
        return c;
      })();
      p.catch(() => this.peers.delete(address));
      this.peers.set(address, p);
    }
    return p;
  }

  private acceptPeer(conn: Connection, h: Hello): void {
    if (h.role !== 'peer') {
      conn.replyError(h.rid, { name: 'ConnectionRefused', message: `a worker's data port serves other workers, not a ${h.role}: connect to the scheduler` });
      conn.close(4000, 'wrong role');
      return;
    }
    conn.on('protocol-error', (e: Error) => this.log(`refused a message from peer ${conn.peer}: ${e.message}`));
    conn.reply(h.rid, {});
    conn.serve(parsePeerRequest, (msg) => this.serveData(conn, msg));
  }

  private serveData(conn: Connection, msg: GetData): void {
    const values: StoredValue[] = [];
    const missing: string[] = [];
    const errors: KeyError[] = [];
    for (const key of msg.keys) {
      const info = this.store.info(key);
      if (info === undefined) {
        missing.push(key);
        continue;
      }
      try {
        values.push({ key, value: conn.wire(this.store.getPayload(key)), nbytes: info.nbytes, type: info.type });
      } catch (e) {
        errors.push({ key, error: toWireError(e, key, 'serialization') });
      }
    }
    conn.reply(msg.rid, { values, missing, errors });
  }

  private sendResults(keys: readonly string[]): void {
    const values: KeyPayload[] = [];
    const missing: string[] = [];
    const errors: KeyError[] = [];
    for (const key of keys) {
      if (!this.store.has(key)) {
        missing.push(key);
        continue;
      }
      try {
        values.push({ key, value: this.scheduler.wire(this.store.getPayload(key)) });
      } catch (e) {
        errors.push({ key, error: toWireError(e, key, 'serialization') });
      }
    }
    this.scheduler.send(fromWorker.results({ values, missing, errors }));
  }

  // ------------------------------------------------------------------ running tasks

  /** Say which keys start, before they run: if one kills the process, the scheduler knows. */
  private announce(group: readonly WTask[]): void {
    this.scheduler.send(fromWorker.started(group.map((t) => t.key)));
    this.scheduler.flush();
  }

  private readonly getValue = (k: string): unknown => this.store.get(k);

  /** A task that needs resources starts only while they are free; it holds them until its function ends. */
  private readonly admit = (t: WTask): boolean => {
    if (t.resources === null) return true;
    if (!fits(this.freeResources, t.resources)) return false;
    take(this.freeResources, t.resources);
    t.holdsResources = true;
    return true;
  };

  private readonly releaseResources = (t: WTask): void => {
    if (!t.holdsResources) return;
    t.holdsResources = false;
    if (t.resources !== null) give(this.freeResources, t.resources);
    this.loop.readmit();
  };

  /** Inline: on this event loop; short tasks announced in groups, long or suspicious ones alone. */
  private inlineExecutor(): TaskExecutor<WTask> {
    return {
      groupSize: () => (this.lastTaskMs > 1 ? 1 : MAX_BATCH),
      starting: (group) => this.announce(group),
      admit: this.admit,
      release: this.releaseResources,
      run: (t) => {
        t.start = Date.now();
        const node = decodeTask(t.key, t.spec, this.resolveFn);
        return node instanceof DataNode ? node.value : runTask(node, this.getValue);
      },
      done: (t, value, ms) => {
        this.lastTaskMs = ms;
        this.finishTask(t, value, t.start);
      },
      erred: (t, e, ms) => {
        this.lastTaskMs = ms;
        this.failTask(t, e, t.start);
      },
    };
  }

  /** Threads: hand ready tasks to free threads with their inputs as bytes. */
  private threadsExecutor(pool: ThreadPool): TaskExecutor<WTask, ThreadResult> {
    return {
      groupSize: () => pool.free,
      starting: (group) => this.announce(group),
      admit: this.admit,
      release: this.releaseResources,
      run: (t) => {
        t.start = Date.now();
        const deps: [string, Payload][] = t.deps.map((d) => [d.key, this.store.getPayload(d.key)]);
        return pool.run(t.key, t.spec, deps);
      },
      done: (t, r) => {
        if (r.ok) this.finishEncoded(t, r.payload, r.nbytes, r.type, r.start, r.stop);
        else this.failTaskWire(t, r.error, r.start);
      },
      erred: (t, e) => this.failTask(t, e, t.start),
    };
  }

  private finishEncoded(t: WTask, payload: Payload, nbytes: number, type: string, start: number, stop: number): void {
    if (this.closed) return;
    if (this.tasks.get(t.key) === t) this.tasks.delete(t.key);
    this.store.setPayload(t.key, payload, nbytes, type, true);
    this.scheduler.send(fromWorker.finished({ key: t.key, nbytes, type, startedAt: start, stoppedAt: stop, value: t.ret ? this.scheduler.wire(payload) : undefined }));
    this.noteGrowth(nbytes);
  }

  private resolveFn = (id: string): TaskFn => {
    const spec = this.fns.get(id);
    if (spec === undefined) throw new Error(`function ${id} was never sent to this worker (protocol bug)`);
    if (spec.kind === 'module') {
      const uploaded = this.uploads.get(basename(spec.path));
      if (uploaded !== undefined) return resolveFunction({ ...spec, path: uploaded });
    }
    return resolveFunction(spec);
  };

  private finishTask(t: WTask, value: unknown, start: number): void {
    if (this.closed) return;
    if (this.tasks.get(t.key) === t) this.tasks.delete(t.key);
    const info = this.store.setValue(t.key, value);
    let ref: PayloadRef | undefined;
    if (t.ret) {
      try {
        ref = this.scheduler.wire(this.store.getPayload(t.key));
      } catch (e) {
        this.store.delete(t.key);
        this.failTask(t, e, start);
        return;
      }
    }
    this.scheduler.send(fromWorker.finished({ key: t.key, nbytes: info.nbytes, type: info.type, startedAt: start, stoppedAt: Date.now(), value: ref }));
    this.noteGrowth(info.nbytes);
  }

  /** Check memory after every ~1% of the limit of new results, not only on the timer. */
  private noteGrowth(nbytes: number): void {
    if (this.memoryLimit <= 0) return;
    this.grownSinceCheck += nbytes;
    if (this.grownSinceCheck > 0.01 * this.memoryLimit) {
      this.grownSinceCheck = 0;
      this.checkMemory();
    }
  }

  private failTask(t: WTask, err: unknown, start: number): void {
    this.failTaskWire(t, toWireError(err, t.key), start);
  }

  private failTaskWire(t: WTask, error: WireError, start: number): void {
    if (this.tasks.get(t.key) === t) this.tasks.delete(t.key);
    this.loop.drop(t);
    if (this.closed) return;
    this.scheduler.send(fromWorker.erred({ key: t.key, error: { ...error, taskKey: t.key }, startedAt: start, stoppedAt: Date.now() }));
  }

  private onNewData(): void {
    if (this.memoryLimit > 0) this.checkMemory();
  }

  // ------------------------------------------------------------------ memory, heartbeats, uploads

  private checkMemory(): void {
    if (this.memoryLimit <= 0 || this.closed) return;
    let rss = process.memoryUsage.rss();
    if (this.store.memoryBytes > SPILL_TARGET * this.memoryLimit || rss > SPILL_RSS * this.memoryLimit) {
      const keep = new Set<string>();
      for (const t of this.tasks.values()) if (t.state === READY || t.state === RUNNING) for (const d of t.deps) keep.add(d.key);
      const spilled = this.store.spillUntil(0.5 * SPILL_TARGET * this.memoryLimit, keep);
      // Spilled values only leave memory at the next collection: collect now (workers run with --expose-gc).
      if (spilled > 0 || rss > PAUSE_RSS * this.memoryLimit) {
        (globalThis as { gc?: () => void }).gc?.();
        rss = process.memoryUsage.rss();
      }
    }
    if (!this.paused && rss > PAUSE_RSS * this.memoryLimit) {
      this.paused = true;
      this.loop.pause();
      const reason = `process memory ${formatBytes(rss)} is above 80% of the ${formatBytes(this.memoryLimit)} limit`;
      this.log(`worker ${this.name} paused: ${reason}`);
      this.scheduler.send(fromWorker.status('paused', reason));
    } else if (this.paused && rss < (PAUSE_RSS - 0.1) * this.memoryLimit) {
      this.paused = false;
      this.scheduler.send(fromWorker.status('running'));
      this.loop.resume();
    }
  }

  private heartbeat(): void {
    if (this.closed) return;
    const rss = process.memoryUsage.rss();
    this.scheduler.send(
      fromWorker.heartbeat({
        rss,
        stored: this.store.memoryBytes,
        spilled: this.store.spilledBytes,
        spilledCount: this.store.spilledCount,
        executing: this.loop.running,
        cpu: process.cpuUsage().user,
      }),
    );
    process.send?.(toNanny.heartbeat(rss));
  }

  private saveUpload(name: string, payload: Payload): void {
    if (name.includes('/') || name.includes('\\') || name === '..' || name === '.') throw new Error(`upload name '${name}' must be a plain file name`);
    const dir = join(this.localDir, 'uploads');
    mkdirSync(dir, { recursive: true });
    const path = join(dir, name);
    const bytes = payload.frames[0] ?? new Uint8Array(0);
    writeFileSync(path, bytes);
    if (/\.(c|m)?tsx?$/.test(name)) ensureTypeScriptLoader();
    // A re-uploaded module must load fresh.
    if (existsSync(path)) delete require.cache[path];
    this.uploads.set(name, path);
  }

  get uploadDir(): string {
    return join(this.localDir, 'uploads');
  }
}

let tsLoader = false;
/**
 * Uploaded TypeScript modules load from a temporary directory, where no TypeScript loader can
 * be found relative to the file: register one from this installation (tsx, else the
 * `typescript` compiler's transpileModule) so `require` of the upload works.
 */
function ensureTypeScriptLoader(): void {
  if (tsLoader || require.extensions['.ts'] !== undefined) return;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional: tsx may be absent, tried only when a .ts upload arrives
    (require('tsx/cjs/api') as { register(): void }).register();
    tsLoader = true;
    return;
  } catch {
    // no tsx here
  }
  let ts: { transpileModule(src: string, o: object): { outputText: string }; ModuleKind: { CommonJS: number } };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional fallback: typescript may be absent, tried only without tsx
    ts = require('typescript');
  } catch {
    throw new Error('uploaded a TypeScript module, but this worker has neither tsx nor typescript installed: npm install tsx (or upload the compiled .js)');
  }
  const compile = (m: NodeJS.Module & { _compile(code: string, file: string): void }, file: string) => {
    const { readFileSync } = require('node:fs') as typeof import('node:fs');
    const out = ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: 9, esModuleInterop: true }, fileName: file });
    m._compile(out.outputText, file);
  };
  for (const ext of ['.ts', '.cts', '.mts', '.tsx']) (require.extensions as Record<string, unknown>)[ext] = compile;
  tsLoader = true;
}
