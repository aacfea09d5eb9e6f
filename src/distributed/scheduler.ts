/**
 * The scheduler process: accepts workers and clients, feeds their messages to the state
 * machine, watches heartbeats, and serves the dashboard.
 */
import { hostname } from 'node:os';
import { type Address, formatAddress, isLoopback, parseHostPort } from './address.js';
import type { Connection } from './connection.js';
import { startDashboard, type Dashboard } from './dashboard/server.js';
import { fromWire, type Op, type Payload, toWireError, type WireError, type WirePayload } from './protocol.js';
import { checkResources, formatResources } from './resources.js';
import { ClientState, type NewTask, SchedulerState, WorkerState } from './scheduler-state.js';
import { type Hello, type Listener, listen, type TlsFiles, tokenFor } from './server.js';

export interface SchedulerServerOptions {
  host?: string;
  port?: number;
  /** ':8787', '0.0.0.0:8787', ':0' for any free port, or null for no dashboard. */
  dashboardAddress?: string | null;
  /** Shared secret; generated when listening beyond loopback and none is given. */
  token?: string;
  tls?: TlsFiles;
  /** A task on this many workers that died errs as KilledWorker (default 3). */
  allowedFailures?: number;
  /** A worker silent for this long is removed (default 60 s; socket close is noticed at once). */
  workerTtlMs?: number;
  /** Print what happens (CLI). */
  log?: (line: string) => void;
}

export class SchedulerServer {
  readonly state: SchedulerState;
  private readonly uploads: { name: string; payload: Payload }[] = [];
  private timers: NodeJS.Timeout[] = [];
  private closing = false;
  private clientCounter = 0;
  private readonly log: (line: string) => void;
  private readonly restartWaiters: (() => void)[] = [];
  dashboard: Dashboard | undefined;
  readonly startedAt = Date.now();

  private constructor(
    private readonly listener: Listener,
    readonly token: string | undefined,
    opts: SchedulerServerOptions,
  ) {
    this.state = new SchedulerState({ allowedFailures: opts.allowedFailures });
    this.log = opts.log ?? (() => undefined);
  }

  static async start(opts: SchedulerServerOptions = {}): Promise<SchedulerServer> {
    const host = opts.host ?? '127.0.0.1';
    const token = tokenFor(host, opts.token);
    let server: SchedulerServer | undefined;
    const listener = await listen({ host, port: opts.port ?? 8786, token, tls: opts.tls, role: 'scheduler' }, (conn, h) => server!.accept(conn, h));
    server = new SchedulerServer(listener, token, opts);
    const ttl = opts.workerTtlMs ?? Number(process.env.TSDASK_WORKER_TTL_MS ?? 60_000);
    server.timers.push(setInterval(() => server!.checkHeartbeats(ttl), Math.min(1000, ttl / 2)));
    server.timers.push(setInterval(() => server!.state.balance(), 100));
    for (const t of server.timers) t.unref();
    if (opts.dashboardAddress !== null) {
      const where = parseHostPort(opts.dashboardAddress ?? ':8787', host);
      try {
        server.dashboard = await startDashboard(server, where.host, where.port);
      } catch (e) {
        server.log(`dashboard not started: ${(e as Error).message}`);
      }
    }
    return server;
  }

  get address(): string {
    const a = this.listener.address;
    return formatAddress(a);
  }

  /** Address clients on other machines should use (the host name when listening on all interfaces). */
  get contactAddress(): string {
    const a = this.listener.address;
    if (a.host === '0.0.0.0' || a.host === '::') return formatAddress({ ...a, host: hostname() });
    return formatAddress(a);
  }

  get listenAddress(): Address {
    return this.listener.address;
  }

  get dashboardLink(): string | undefined {
    return this.dashboard?.link;
  }

  private accept(conn: Connection, h: Hello): void {
    conn.on('handler-error', (e: Error, op: Op) => this.log(`error handling '${op.op}' from ${conn.peer}: ${e.stack ?? e.message}`));
    if (h.role === 'worker') this.acceptWorker(conn, h);
    else if (h.role === 'client') this.acceptClient(conn, h);
    else {
      conn.replyError(h.rid, { name: 'ConnectionRefused', message: `the scheduler does not serve '${h.role}' connections` });
      conn.close(4000, 'wrong role');
    }
  }

  // ------------------------------------------------------------------ workers

  private acceptWorker(conn: Connection, h: Hello): void {
    const address = String(h.address);
    const old = this.state.workers.get(address);
    if (old !== undefined) this.removeWorker(old, 'replaced by a new worker at the same address');
    const w = new WorkerState(address, String(h.name ?? address), Number(h.nthreads) || 1, Number(h.memoryLimit) || 0, Number(h.pid) || 0, String(h.host ?? ''), conn, checkResources(h.resources, `worker ${address}`) ?? {});
    conn.tag = w;
    conn.reply(h.rid, { id: address, scheduler: this.address });
    for (const u of this.uploads) conn.send({ op: 'upload', name: u.name, data: conn.wire(u.payload) });
    conn.onOp((op, frames) => this.onWorkerOp(w, op, frames));
    conn.on('batch', () => this.state.fillWorkers());
    conn.on('close', (code: number, reason: string) =>
      this.removeWorker(w, code === 1006 || /1006/.test(reason) ? 'its connection dropped (the process died or the network failed)' : `connection closed${reason ? `: ${reason}` : ''}`),
    );
    this.state.addWorker(w);
    if (typeof h.restartReason === 'string' && h.restartReason !== '') {
      this.state.note(`worker ${w.name}: ${h.restartReason}`);
      this.broadcast({ op: 'event', text: `worker ${w.name} restarted: ${h.restartReason}` });
    }
    this.log(`worker ${w.name} joined at ${address} (${w.nthreads} threads${Object.keys(w.resources).length > 0 ? `, resources ${formatResources(w.resources)}` : ''})`);
    this.workersChanged();
    for (const r of this.restartWaiters.splice(0)) r();
  }

  private removeWorker(w: WorkerState, reason: string): void {
    if (w.status === 'closed') return;
    this.state.removeWorker(w, reason);
    (w.sink as Connection).close(1000, 'removed');
    if (!this.closing) this.log(`worker ${w.name} removed: ${reason}`);
    this.workersChanged();
  }

  private onWorkerOp(w: WorkerState, op: Op, frames: Uint8Array[]): void {
    const s = this.state;
    switch (op.op) {
      case 'started':
        s.taskStarted(w, op.keys as string[]);
        return;
      case 'finished':
        s.taskFinished(w, op.k as string, op.b as number, op.t as string, op.s as number, op.e as number, op.v === undefined ? undefined : fromWire(op.v as WirePayload, frames));
        return;
      case 'erred':
        s.taskErred(w, op.k as string, op.x as WireError, op.s as number, op.e as number);
        return;
      case 'missing-data':
        s.missingData(w, op.k as string, op.dep as string, op.bad as string[]);
        return;
      case 'results': {
        for (const [k, wp] of op.items as [string, WirePayload][]) {
          const ts = s.tasks.get(k);
          if (ts !== undefined) s.deliver(ts, fromWire(wp, frames));
        }
        for (const k of op.missing as string[]) s.deliverFailed(w, k, undefined);
        for (const [k, e] of op.errors as [string, WireError][]) s.deliverFailed(w, k, e);
        return;
      }
      case 'add-keys':
        s.addReplicas(w, op.items as [string, number][]);
        return;
      case 'steal-response':
        s.stealResponse(w, op.removed as string[], op.kept as string[], op.thief as string);
        return;
      case 'heartbeat':
        w.lastSeen = Date.now();
        w.metrics = { rss: Number(op.rss) || 0, spilled: Number(op.spilled) || 0, spilledCount: Number(op.spilledCount) || 0, executing: Number(op.executing) || 0, cpu: Number(op.cpu) || 0 };
        return;
      case 'status': {
        const paused = op.status === 'paused';
        w.status = paused ? 'paused' : 'running';
        s.note(`worker ${w.name} ${paused ? `paused: ${op.reason}` : 'resumed'}`);
        if (!paused) s.fillWorkers();
        return;
      }
      default:
        this.log(`unknown op '${op.op}' from worker ${w.name}`);
    }
  }

  private checkHeartbeats(ttl: number): void {
    const now = Date.now();
    for (const w of [...this.state.workers.values()]) {
      if (now - w.lastSeen > ttl) this.removeWorker(w, `no heartbeat for ${Math.round((now - w.lastSeen) / 1000)} s`);
    }
  }

  // ------------------------------------------------------------------ clients

  private acceptClient(conn: Connection, h: Hello): void {
    const id = `client-${++this.clientCounter}`;
    const c = this.state.addClient(id, conn);
    conn.tag = c;
    conn.reply(h.rid, { id, ...this.identity() });
    conn.onOp((op, frames) => this.onClientOp(c, conn, op, frames));
    conn.on('close', () => this.state.removeClient(c));
  }

  identity(): Record<string, unknown> {
    return {
      address: this.contactAddress,
      dashboard: this.dashboardLink ?? null,
      ...this.state.summary(),
      workerList: [...this.state.workers.values()].map((w) => ({ address: w.address, name: w.name, nthreads: w.nthreads, memoryLimit: w.memoryLimit, resources: w.resources })),
    };
  }

  private workersChanged(): void {
    this.broadcast({ op: 'workers', ...this.state.summary() });
  }

  private broadcast(op: Op): void {
    for (const c of this.state.clients.values()) c.sink.send(op);
  }

  private onClientOp(c: ClientState, conn: Connection, op: Op, frames: Uint8Array[]): void {
    const s = this.state;
    switch (op.op) {
      case 'update-graph': {
        for (const [id, spec] of (op.fns as [string, unknown][] | undefined) ?? []) s.fnTable.set(id, spec);
        const tasks: NewTask[] = (op.tasks as [string, string[], number, WirePayload, string[] | null, number?, unknown?][]).map(([key, deps, order, spec, fns, retries, resources]) => ({
          key,
          deps,
          order,
          spec: detachSmall(fromWire(spec, frames)),
          fns,
          retries,
          resources: resources === undefined ? null : checkResources(resources, `task ${key}`),
        }));
        s.updateGraph(c, tasks, (op.wants as string[] | undefined) ?? [], { push: op.push as string[] | undefined, events: op.events === true, more: op.more === true });
        return;
      }
      case 'release-keys':
        s.releaseKeys(c, op.keys as string[]);
        return;
      case 'push':
        s.requestPush(c, op.keys as string[]);
        return;
      case 'cancel':
        s.cancel(c, op.keys as string[]);
        return;
      case 'want': {
        // A client holds a new Future to a key that already exists.
        for (const k of op.keys as string[]) {
          const ts = s.tasks.get(k);
          if (ts === undefined) conn.send({ op: 'task-erred', k, e: { name: 'KeyError', message: `key '${k}' is not on the cluster`, taskKey: k, kind: 'lost-data' } });
          else {
            (ts.wants ??= new Set()).add(c);
            c.wants.add(ts);
            if (ts.state === 'memory') conn.send({ op: 'key-in-memory', k, t: ts.type, b: ts.nbytes });
            else if (ts.state === 'erred') conn.send({ op: 'task-erred', k, e: ts.error, c: ts.erredKey });
          }
        }
        return;
      }
      case 'scatter':
        this.scatter(c, conn, op, frames).catch((e) => conn.replyError(op.rid, toWireError(e)));
        return;
      case 'upload':
        this.upload(conn, op, frames).catch((e) => conn.replyError(op.rid, toWireError(e)));
        return;
      case 'restart':
        this.restart().then(
          () => conn.reply(op.rid, this.identity()),
          (e) => conn.replyError(op.rid, toWireError(e)),
        );
        return;
      case 'identity':
        conn.reply(op.rid, this.identity());
        return;
      case 'shutdown':
        conn.reply(op.rid, {});
        conn.flush();
        setTimeout(() => void this.close(), 20);
        return;
      default:
        conn.replyError(op.rid, { name: 'ProtocolError', message: `the scheduler does not know the operation '${op.op}'` });
    }
  }

  private async scatter(c: ClientState, conn: Connection, op: Op, frames: Uint8Array[]): Promise<void> {
    const items = op.items as [string, WirePayload, number, string][];
    const workers = [...this.state.workers.values()].filter((w) => w.status !== 'closed');
    if (workers.length === 0) throw new Error('cannot scatter: no workers are connected to the scheduler yet');
    const targets: Map<WorkerState, [string, WirePayload, number, string][]> = new Map();
    const holders = new Map<string, WorkerState[]>();
    if (op.broadcast === true) {
      for (const w of workers) targets.set(w, items);
      for (const [k] of items) holders.set(k, workers);
    } else {
      workers.sort((a, b) => a.nbytes - b.nbytes);
      items.forEach((it, i) => {
        const w = workers[i % workers.length];
        if (!targets.has(w)) targets.set(w, []);
        targets.get(w)!.push(it);
        holders.set(it[0], [w]);
      });
    }
    await Promise.all(
      [...targets].map(([w, its]) => {
        const conn = w.sink as Connection;
        const wired = its.map(([k, wp, b, t]) => [k, conn.wire(fromWire(wp, frames)), b, t]);
        return conn.request({ op: 'put-data', items: wired }, 120_000);
      }),
    );
    for (const [k, , b, t] of items) this.state.addData(c, k, b, t, holders.get(k)!.filter((w) => w.status !== 'closed'));
    conn.reply(op.rid, { keys: items.map((i) => i[0]) });
  }

  private async upload(conn: Connection, op: Op, frames: Uint8Array[]): Promise<void> {
    const payload = detachSmall(fromWire(op.data as WirePayload, frames), true);
    const name = String(op.name);
    const i = this.uploads.findIndex((u) => u.name === name);
    if (i >= 0) this.uploads.splice(i, 1);
    this.uploads.push({ name, payload });
    const results = await Promise.allSettled(
      [...this.state.workers.values()].map((w) => {
        const wc = w.sink as Connection;
        return wc.request({ op: 'upload', name, data: wc.wire(payload) }, 60_000);
      }),
    );
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed.length > 0) throw new Error(`upload of ${name} failed on ${failed.length} worker(s): ${(failed[0].reason as Error).message}`);
    conn.reply(op.rid, { workers: results.length });
  }

  /** Restart every worker (through its nanny) and forget all tasks. */
  async restart(timeoutMs = 60_000): Promise<void> {
    const old = new Set(this.state.workers.values());
    const before = old.size;
    this.state.resetAll();
    for (const w of old) {
      (w.sink as Connection).send({ op: 'restart' });
      (w.sink as Connection).flush();
    }
    const deadline = Date.now() + timeoutMs;
    // Wait for the old workers to leave and as many new ones to join.
    for (;;) {
      const current = [...this.state.workers.values()];
      if (current.every((w) => !old.has(w)) && current.length >= before) return;
      if (Date.now() > deadline) {
        throw new Error(`restart: only ${current.filter((w) => !old.has(w)).length} of ${before} workers came back within ${timeoutMs / 1000} s (workers restart only under a nanny, e.g. \`tsdask worker\` or LocalCluster)`);
      }
      await new Promise<void>((r) => {
        const t = setTimeout(r, 200);
        this.restartWaiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    for (const t of this.timers) clearInterval(t);
    for (const w of this.state.workers.values()) {
      const conn = w.sink as Connection;
      conn.send({ op: 'close', reason: 'the scheduler is shutting down' });
      conn.flush();
    }
    for (const c of this.state.clients.values()) {
      (c.sink as Connection).send({ op: 'scheduler-closing' });
      (c.sink as Connection).flush();
    }
    await new Promise((r) => setTimeout(r, 50));
    await this.dashboard?.close();
    await this.listener.close();
  }
}

/** Keep payload bytes of our own (not views into a big message) when we hold them long. */
function detachSmall(p: Payload, always = false): Payload {
  if (p.frames.length === 0) return p;
  if (!always && p.frames.every((f) => f.byteLength === f.buffer.byteLength)) return p;
  return { header: p.header, frames: p.frames.map((f) => new Uint8Array(f)) };
}

export { isLoopback };
