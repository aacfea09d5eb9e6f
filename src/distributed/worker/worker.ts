/**
 * A worker: runs the tasks the scheduler assigns, keeps their results, fetches inputs it lacks
 * straight from the peers holding them, serves its own results to peers, and watches its
 * memory. This file connects the parts and answers the scheduler's messages:
 *
 *   execution.ts  the run loop (inline or threads) and reporting results
 *   fetch.ts      inputs from peers        serve.ts   results to peers and clients
 *   memory.ts     spill, pause and resume  store.ts   the results held here
 *   functions.ts  function specs by id     uploads.ts uploaded module files
 */
import { mergeProfiles, type ProfileNode, profileThread } from '../../diagnostics/profiler.js';
import { rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DONE, READY, RUNNING, WAITING } from '../../executor/run-loop.js';
import { type Address, formatAddress, isLoopback, parseAddress } from '../address.js';
import { connect, type Connection } from '../connection.js';
import {
  type Compute,
  fromWorker,
  parseSchedulerToWorker,
  parseWorkerWelcome,
  resolvePayload,
  type SchedulerToWorker,
  toNanny,
  toWireError,
  workerHello,
  type WorkerSettings,
} from '../protocol/index.js';
import { resolveThresholds } from '../memory-thresholds.js';
import { checkResources, fits, formatResources, type Resources } from '../resources.js';
import { helloBase, listen, type Listener } from '../server.js';
import { formatBytes } from '../sizeof.js';
import { EXIT } from './exit-codes.js';
import { Execution } from './execution.js';
import { Fetcher } from './fetch.js';
import { FunctionTable } from './functions.js';
import { MemoryManager } from './memory.js';
import { Pulse } from './pulse.js';
import { setWorkerMemoryLimit } from '../../core/memory-limit.js';
import { acceptPeer, sendResults } from './serve.js';
import { freeShuffleFile, useShuffleDir } from './shuffle-files.js';
import { DataStore } from './store.js';
import type { SchedulerLink, WorkerTask } from './task.js';
import { ThreadPool } from './thread-pool.js';
import { Uploads } from './uploads.js';

export { EXIT };

export interface WorkerOptions extends WorkerSettings {
  log?: (line: string) => void;
  /** Called when the worker stops by itself; a worker process exits with this code. */
  onExit?: (code: number, reason: string) => void;
  /** Called with the peer address once it is bound, before the worker registers with the scheduler. */
  onListening?: (address: string) => void;
}

/** V8's sampling interval for profiles (microseconds). */
const PROFILE_INTERVAL_US = 1000;

export class Worker {
  readonly nthreads: number;
  readonly memoryLimit: number;
  readonly name: string;
  readonly resources: Resources;
  private scheduler: Connection | undefined;
  /** The scheduler connection as the parts use it (set once connected). */
  private readonly link: SchedulerLink;
  private listener: Listener | undefined;
  private readonly store: DataStore;
  private readonly tasks = new Map<string, WorkerTask>();
  private readonly uploads: Uploads;
  private readonly fns: FunctionTable;
  private readonly pool: ThreadPool | undefined;
  private readonly memory: MemoryManager;
  private readonly execution: Execution;
  private readonly fetcher: Fetcher;
  private readonly localDir: string;
  private pulse: Pulse | undefined;
  private closed = false;
  private timers: NodeJS.Timeout[] = [];
  private readonly log: (line: string) => void;
  private readonly recentLog: string[] = [];
  address = '';

  constructor(private readonly opts: WorkerOptions) {
    this.nthreads = Math.max(1, opts.nthreads ?? 1);
    this.memoryLimit = opts.memoryLimit ?? 0;
    setWorkerMemoryLimit(this.memoryLimit); // tasks (and threads) refuse work that cannot fit (core/memory-limit.ts)
    this.resources = checkResources(opts.resources, 'worker') ?? {};
    this.name = opts.name ?? `${hostname()}-${process.pid}`;
    this.localDir = opts.localDir ?? join(tmpdir(), `tsdask-worker-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
    this.store = new DataStore(join(this.localDir, 'spill'), (line) => this.log(line));
    useShuffleDir(this.localDir);
    const print = opts.log ?? (() => undefined);
    // The last lines stay in memory for the dashboard's worker page ('get-logs').
    this.log = (line) => {
      this.recentLog.push(`${new Date().toISOString()} ${line}`);
      if (this.recentLog.length > 200) this.recentLog.splice(0, 100);
      print(line);
    };
    this.link = {
      send: (msg) => this.scheduler?.send(msg),
      flush: () => this.scheduler?.flush(),
      wire: (p) => {
        if (this.scheduler === undefined) throw new Error('the worker is not connected to a scheduler yet');
        return this.scheduler.wire(p);
      },
    };
    this.uploads = new Uploads(join(this.localDir, 'uploads'));
    this.fns = new FunctionTable(this.uploads.paths);
    const executor = opts.executor ?? (this.nthreads > 1 ? 'threads' : 'inline');
    if (executor === 'threads')
      this.pool = new ThreadPool(
        this.nthreads,
        () => this.fns.specs,
        () => this.uploads.paths,
      );
    const thresholds = opts.memoryThresholds ?? resolveThresholds(undefined, `worker ${this.name}`);
    this.memory = new MemoryManager(this.memoryLimit, thresholds, this.name, this.store, this.link, {
      inUse: (paused) => {
        // A paused worker's ready tasks do not start: their inputs may go to disk meanwhile.
        const keep = new Set<string>();
        for (const t of this.tasks.values()) if (t.state === RUNNING || (t.state === READY && (!paused || t.forced))) for (const d of t.deps) keep.add(d.key);
        return keep;
      },
      // Paused: start no task and fetch no input (both only add memory) until resumed or forced.
      pause: () => this.execution.pause(),
      resume: () => {
        this.execution.resume();
        this.fetcher.resume();
      },
      report: () => this.heartbeat(),
      log: this.log,
      busy: () => {
        if (this.execution.loop.running > 0) return true;
        for (const t of this.tasks.values()) if (t.forced && t.state !== DONE) return true;
        return false;
      },
      runOne: () => {
        // Ready tasks first (their inputs are here), then those still waiting for inputs.
        let best: WorkerTask | undefined;
        for (const t of this.tasks.values()) {
          if (t.state !== READY && t.state !== WAITING) continue;
          if (best === undefined || (t.state === READY && best.state !== READY) || (t.state === best.state && t.priority < best.priority)) best = t;
        }
        if (best === undefined) return undefined;
        this.execution.force(best);
        this.fetcher.resume();
        return best.key;
      },
    });
    this.execution = new Execution(
      this.nthreads,
      this.pool,
      this.store,
      this.fns,
      this.resources,
      this.link,
      this.memory,
      this.tasks,
      () => this.closed,
      (t, dep) => this.lostInput(t, dep),
    );
    this.fetcher = new Fetcher(
      this.store,
      this.link,
      {
        address: () => this.address,
        arrived: (t) => this.execution.loop.arrived(t),
        drop: (key) => this.dropTask(key),
        failed: (t, error) => this.execution.failWire(t, error, Date.now()),
        newData: () => this.checkMemory(),
        paused: () => this.memory.paused,
        log: this.log,
      },
      opts,
    );
  }

  /** Connect to the scheduler (retrying until the death timeout), open the peer port, register. */
  async start(): Promise<void> {
    const addr = parseAddress(this.opts.scheduler);
    const conn = await this.reachScheduler(addr);
    this.scheduler = conn;
    const local = conn.localAddress ?? '127.0.0.1';
    const host = this.opts.host ?? (isLoopback(addr.host) ? '127.0.0.1' : '0.0.0.0');
    const listener = await listen({ host, port: this.opts.port ?? 0, token: this.opts.token, tls: this.opts.tls, role: 'worker' }, (c, h) =>
      acceptPeer(c, h, this.store, this.log),
    );
    this.listener = listener;
    const advertised: Address = { ...listener.address, host: host === '0.0.0.0' || host === '::' ? local.replace(/^::ffff:/, '') : listener.address.host };
    this.address = formatAddress(advertised);
    this.opts.onListening?.(this.address);
    conn.serve(parseSchedulerToWorker, (msg, frames) => this.onSchedulerMessage(msg, frames));
    conn.on('protocol-error', (e: Error) => this.log(`refused a message from the scheduler: ${e.message}`));
    conn.on('refused', (message: string) => this.log(`the scheduler refused a message from this worker: ${message}`));
    conn.on('handler-error', (e: Error, op: string) => this.log(`error handling '${op}' from the scheduler: ${e.stack ?? e.message}`));
    conn.on('close', (_c: number, reason: string) => void this.stop(EXIT.SCHEDULER_LOST, `lost the connection to the scheduler (${reason})`));
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
          replaces: this.opts.replaces,
          killedForMemory: this.opts.killedForMemory,
        }),
        parseWorkerWelcome,
        30_000,
      );
    } catch (e) {
      await listener.close();
      conn.close();
      throw new Error(`the scheduler at ${formatAddress(addr)} refused this worker: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    const hb = this.opts.heartbeatMs ?? 1000;
    // Tasks run inline here, so one long task would silence the heartbeats: a thread speaks for the process meanwhile.
    if (this.pool === undefined)
      this.pulse = new Pulse(
        {
          scheduler: this.opts.scheduler,
          address: this.address,
          heartbeatMs: hb,
          token: this.opts.token,
          tlsCa: this.opts.tlsCa,
          insecure: this.opts.insecure,
        },
        this.log,
      );
    await this.pulse?.connected(10_000, this.log);
    this.timers.push(setInterval(() => this.heartbeat(), hb));
    this.timers.push(setInterval(() => this.checkMemory(), 100));
    for (const t of this.timers) t.unref();
    this.log(
      `worker ${this.name} at ${this.address} connected to ${formatAddress(addr)} (${this.nthreads} threads${this.memoryLimit ? `, memory limit ${formatBytes(this.memoryLimit)}` : ''}${Object.keys(this.resources).length > 0 ? `, resources ${formatResources(this.resources)}` : ''})`,
    );
  }

  private async reachScheduler(addr: Address): Promise<Connection> {
    const deadline = Date.now() + (this.opts.deathTimeoutMs ?? 60_000);
    let warned = false;
    for (;;) {
      try {
        return await connect(addr, { timeoutMs: Math.max(1000, Math.min(10_000, deadline - Date.now())), ca: this.opts.tlsCa, insecure: this.opts.insecure });
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        if (Date.now() >= deadline) {
          throw new Error(
            `worker gave up reaching the scheduler at ${formatAddress(addr)} after ${Math.round((this.opts.deathTimeoutMs ?? 60_000) / 1000)} s: ${message}`,
            { cause: e },
          );
        }
        if (!warned) {
          this.log(`${message}; retrying until the death timeout`);
          warned = true;
        }
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  /** Stop: close connections and delete local files. */
  async stop(code: number = EXIT.CLOSED, reason = 'closed'): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.execution.loop.close();
    for (const t of this.timers) clearInterval(t);
    if (code !== EXIT.CLOSED) this.log(`worker ${this.name} stopping: ${reason}`);
    this.scheduler?.close(1000, reason);
    this.fetcher.close();
    await this.listener?.close();
    await this.pool?.close();
    await this.pulse?.close();
    this.store.clear();
    rmSync(this.localDir, { recursive: true, force: true });
    this.opts.onExit?.(code, reason);
  }

  get uploadDir(): string {
    return this.uploads.dir;
  }

  // ------------------------------------------------------------------ scheduler messages

  private onSchedulerMessage(msg: SchedulerToWorker, frames: Uint8Array[]): void {
    switch (msg.op) {
      case 'compute':
        this.addTask(msg, frames);
        return;
      case 'functions':
        for (const { id, spec } of msg.functions) this.fns.specs.set(id, spec);
        return;
      case 'free-keys':
        for (const k of msg.keys) {
          if (msg.unlessNeeded && this.neededLocally(k)) continue;
          freeShuffleFile(this.store, k);
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
        this.link.send(fromWorker.stealResponse({ removed, kept, thief: msg.thief }));
        return;
      }
      case 'send-results':
        sendResults(this.link, this.store, msg.keys);
        return;
      case 'put-data': {
        for (const it of msg.items) this.store.setPayload(it.key, resolvePayload(it.value, frames), it.nbytes, it.type);
        this.scheduler?.reply(msg.rid, {});
        this.checkMemory();
        return;
      }
      case 'upload':
        try {
          this.uploads.save(msg.name, resolvePayload(msg.data, frames));
          this.scheduler?.reply(msg.rid, {});
        } catch (e) {
          this.scheduler?.replyError(msg.rid, toWireError(e));
        }
        return;
      case 'run-anyway': {
        const t = this.tasks.get(msg.key);
        if (t === undefined || t.state === DONE) return;
        this.log(`worker ${this.name} runs '${msg.key}' although paused: ${msg.reason}`);
        this.execution.force(t);
        this.fetcher.resume();
        return;
      }
      case 'replicate':
        this.fetcher.copy(msg.keys);
        return;
      case 'restart':
        void this.stop(EXIT.RESTART, 'restart requested by a client');
        return;
      case 'close':
        void this.stop(EXIT.CLOSED, msg.reason);
        return;
      case 'profile':
        this.profile(Math.min(60_000, Math.max(1, msg.durationMs))).then(
          (groups) => this.scheduler?.reply(msg.rid, { interval: PROFILE_INTERVAL_US, duration: msg.durationMs, groups, workers: [this.address] }),
          (e: unknown) => this.scheduler?.replyError(msg.rid, toWireError(e)),
        );
        return;
      case 'get-logs':
        this.scheduler?.reply(msg.rid, { lines: this.recentLog.slice(-100) });
        return;
    }
  }

  /** A disk shuffle's file behind input `dep` of `t` is gone: the scheduler recomputes `dep`, then reruns `t`. */
  private lostInput(t: WorkerTask, dep: string): void {
    // Every copy of `dep` names the same lost file: none may be fetched again.
    const holders = t.deps.find((d) => d.key === dep)?.holders ?? [];
    this.store.delete(dep);
    this.log(`worker ${this.name}: input '${dep}' of '${t.key}' lost its shuffle file; asking the scheduler to recompute it`);
    this.link.send(fromWorker.missingData({ key: t.key, dep, tried: [...new Set([this.address, ...holders])] }));
  }

  /** This process's task threads (or its own thread, running tasks inline) sampled for `durationMs`, merged. */
  private async profile(durationMs: number): Promise<Record<string, ProfileNode>> {
    const parts = this.pool === undefined ? [await profileThread(durationMs, PROFILE_INTERVAL_US)] : await this.pool.profile(durationMs);
    return mergeProfiles(parts);
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
      this.link.send(fromWorker.finished({ key, nbytes: info.nbytes, type: info.type, startedAt: now, stoppedAt: now }));
      return;
    }
    const spec = resolvePayload(msg.spec, frames);
    const t: WorkerTask = {
      key,
      spec: spec.frames.length > 0 ? { header: spec.header, frames: spec.frames.map((f) => new Uint8Array(f)) } : spec,
      priority: msg.priority,
      deps: msg.deps,
      state: WAITING,
      missing: 0,
      ret: msg.sendResult === true,
      alone: msg.isolate === true,
      start: 0,
      resources: checkResources(msg.resources, `task ${key}`),
      holdsResources: false,
      forced: false,
    };
    if (t.resources !== null && !fits(this.resources, t.resources)) {
      this.execution.fail(
        t,
        new Error(
          `task '${key}' needs resources ${formatResources(t.resources)} but worker ${this.name} has ${formatResources(this.resources) || 'none'} (scheduling bug)`,
        ),
        Date.now(),
      );
      return;
    }
    this.tasks.set(key, t);
    this.fetcher.need(t);
    this.execution.loop.add(t);
  }

  private dropTask(key: string): void {
    const t = this.tasks.get(key);
    if (t === undefined) return;
    this.tasks.delete(key);
    if (t.state === RUNNING) {
      // A running function cannot be interrupted (a thread can: it is replaced): its result is
      // dropped when it ends, but it gives its slot back now so other work can start.
      this.execution.drop(t);
      return;
    }
    this.execution.loop.drop(t);
    this.fetcher.forget(t);
  }

  // ------------------------------------------------------------------ memory, heartbeats

  private checkMemory(): void {
    if (!this.closed) this.memory.check();
  }

  private heartbeat(): void {
    if (this.closed) return;
    this.pulse?.beat();
    const m = this.memory.sample();
    this.link.send(
      fromWorker.heartbeat({
        rss: m.rss,
        stored: m.managed,
        spilled: m.spilled,
        spilledCount: m.spilledCount,
        executing: this.execution.loop.running,
        cpu: process.cpuUsage().user,
        heap: m.heap,
      }),
    );
    process.send?.(toNanny.heartbeat(m.rss));
  }
}
