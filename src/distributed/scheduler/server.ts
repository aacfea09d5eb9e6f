/**
 * The scheduler process: accepts workers and clients, feeds their messages to the state
 * machine, watches heartbeats, and serves the dashboard.
 */
import { hostname } from 'node:os';
import { type Address, formatAddress, isLoopback, parseHostPort } from '../address.js';
import type { Connection } from '../connection.js';
import { startDashboard, type Dashboard } from '../dashboard/server.js';
import { ReportRecorder } from '../dashboard/recorder.js';
import { schedulerView } from '../dashboard/view.js';
import {
  type ClientHello,
  type ClientToScheduler,
  detach,
  type Hello,
  parseClientToScheduler,
  parseDone,
  parseWorkerToScheduler,
  type Payload,
  resolvePayload,
  type Scatter,
  type SchedulerIdentity,
  type SchedulerToClient,
  toClient,
  toWireError,
  toWorker,
  type UploadModule,
  type WorkerHello,
} from '../protocol/index.js';
import { checkResources, formatResources } from '../resources.js';
import { adaptiveTarget } from './adaptive-target.js';
import type { RetireOutcome } from './retirement.js';
import type { ProfileData } from '../../diagnostics/profiler.js';
import { profileCluster, workerLogs } from './diagnostics.js';
import { scatter } from './scatter.js';
import { SchedulerState } from './state.js';
import { workerInfo } from './worker-info.js';
import { onWorkerMessage } from './worker-messages.js';
import { acceptPulse } from './pulse.js';
import { type ClientState, type NewTask, WorkerState } from './tasks.js';
import { type Listener, listen, type TlsFiles, tokenFor } from '../server.js';
import { errorMessage } from '../errors.js';

/** Dask's default worker-ttl. */
export const DEFAULT_WORKER_TTL_MS = 300_000;

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
  /**
   * A worker silent for this long is removed (default 5 min, as Dask's worker-ttl; a closed socket
   * is noticed at once). A worker busy in one long task stays: its pulse thread speaks for it.
   */
  workerTtlMs?: number;
  /** Every worker paused for memory this long with work pending: one runs a task anyway (default 500 ms). */
  pausedGraceMs?: number;
  /** Print what happens (CLI). */
  log?: (line: string) => void;
}

export class SchedulerServer {
  readonly state: SchedulerState;
  private readonly uploads: { name: string; payload: Payload }[] = [];
  private timers: NodeJS.Timeout[] = [];
  private closed: Promise<void> | undefined;
  private markStopped: () => void = () => undefined;
  /** Resolves once the scheduler has stopped (closed by its owner or by a client's `shutdown()`). */
  readonly stopped = new Promise<void>((r) => (this.markStopped = r));
  private clientCounter = 0;
  private readonly log: (line: string) => void;
  private readonly restartWaiters: (() => void)[] = [];
  /** The connection of each worker and client (the state machine only sees their sinks). */
  private readonly workerConns = new Map<WorkerState, Connection>();
  private readonly clientConns = new Map<ClientState, Connection>();
  dashboard: Dashboard | undefined;
  private readonly reports = new Map<number, ReportRecorder>();
  private reportCounter = 0;
  readonly startedAt = Date.now();

  private constructor(
    private readonly listener: Listener,
    readonly token: string | undefined,
    opts: SchedulerServerOptions,
  ) {
    this.state = new SchedulerState({ allowedFailures: opts.allowedFailures, pausedGraceMs: opts.pausedGraceMs });
    this.log = opts.log ?? (() => undefined);
  }

  static async start(opts: SchedulerServerOptions = {}): Promise<SchedulerServer> {
    const host = opts.host ?? '127.0.0.1';
    const token = tokenFor(host, opts.token);
    // Peers are accepted once the server exists (the listener starts first, to learn its port).
    const ready: { server?: SchedulerServer } = {};
    const listener = await listen({ host, port: opts.port ?? 8786, token, tls: opts.tls, role: 'scheduler' }, (conn, h) => {
      if (ready.server === undefined) conn.close(4000, 'the scheduler is still starting');
      else ready.server.accept(conn, h);
    });
    const server = new SchedulerServer(listener, token, opts);
    ready.server = server;
    const ttl = opts.workerTtlMs ?? Number(process.env.TSDASK_WORKER_TTL_MS ?? DEFAULT_WORKER_TTL_MS);
    server.timers.push(setInterval(() => server.checkHeartbeats(ttl), Math.min(1000, ttl / 2)));
    server.timers.push(setInterval(() => server.state.balance(), 100));
    server.timers.push(setInterval(() => server.state.broadcastWorkers(), 2000)); // memory figures for String(client)
    for (const t of server.timers) t.unref();
    if (opts.dashboardAddress !== null) {
      const where = parseHostPort(opts.dashboardAddress ?? ':8787', host);
      try {
        server.dashboard = await startDashboard(schedulerView(server.state, server), where.host, where.port, {
          token,
          profile: (ms) => server.profile(ms),
          workerLogs: (address) => server.workerLogs(address),
        });
      } catch (e) {
        server.log(`dashboard not started: ${errorMessage(e)}`);
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

  /**
   * A connection for a Client in this process: the same hello and handling as over the port,
   * without the loopback socket (no JSON, framing or masking on either side). Returns the
   * Client's end.
   */
  connectInProcess(): Connection {
    if (this.closed !== undefined) throw new Error(`the scheduler at ${this.address} is shutting down: it takes no new clients`);
    return this.listener.connectInProcess();
  }

  private accept(conn: Connection, h: Hello): void {
    conn.on('handler-error', (e: Error, op: string) => this.log(`error handling '${op}' from ${conn.peer}: ${e.stack ?? e.message}`));
    conn.on('protocol-error', (e: Error) => this.log(`refused a message from ${conn.peer}: ${e.message}`));
    conn.on('refused', (message: string) => this.log(`${conn.peer} refused a message from the scheduler: ${message}`));
    if (h.role === 'worker') this.acceptWorker(conn, h);
    else if (h.role === 'client') this.acceptClient(conn, h);
    else if (h.role === 'pulse') acceptPulse(conn, h, this.state.workers, (line) => this.log(line));
    else {
      conn.replyError(h.rid, { name: 'ConnectionRefused', message: `the scheduler does not serve '${h.role}' connections` });
      conn.close(4000, 'wrong role');
    }
  }

  // ------------------------------------------------------------------ workers

  private acceptWorker(conn: Connection, h: WorkerHello): void {
    const address = h.address;
    const old = this.state.workers.get(address);
    if (old !== undefined) this.removeWorker(old, 'replaced by a new worker at the same address');
    const w = new WorkerState(
      address,
      h.name || address,
      Math.max(1, h.nthreads),
      h.memoryLimit,
      h.pid,
      h.host,
      conn,
      checkResources(h.resources, `worker ${address}`) ?? {},
    );
    w.replaces = h.replaces;
    w.killedForMemory = h.killedForMemory;
    this.workerConns.set(w, conn);
    conn.reply(h.rid, { id: address, scheduler: this.address });
    for (const u of this.uploads) conn.send(toWorker.upload(u.name, conn.wire(u.payload)));
    conn.serve(parseWorkerToScheduler, (msg, frames) => onWorkerMessage(this.state, w, msg, frames));
    conn.on('batch', () => this.state.fillWorkers());
    conn.on('close', (code: number, reason: string) =>
      this.removeWorker(
        w,
        code === 1006 || /1006/.test(reason)
          ? 'its connection dropped (the process died or the network failed)'
          : `connection closed${reason ? `: ${reason}` : ''}`,
      ),
    );
    this.state.addWorker(w);
    if (h.restartReason !== '') {
      this.state.note(`worker ${w.name}: ${h.restartReason}`);
      this.broadcast(toClient.event(`worker ${w.name} restarted: ${h.restartReason}`));
    }
    this.log(
      `worker ${w.name} joined at ${address} (${w.nthreads} threads${Object.keys(w.resources).length > 0 ? `, resources ${formatResources(w.resources)}` : ''})`,
    );
    this.workersChanged();
    for (const r of this.restartWaiters.splice(0)) r();
  }

  private removeWorker(w: WorkerState, reason: string): void {
    if (w.status === 'closed') return;
    this.state.removeWorker(w, reason);
    this.workerConns.get(w)?.close(1000, 'removed');
    this.workerConns.delete(w);
    if (this.closed === undefined) this.log(`worker ${w.name} removed: ${reason}`);
    this.workersChanged();
  }

  /**
   * Retire workers gracefully (by address or name): their results move to other workers
   * first, then they close (see retirement.ts). Resolves once every one has left.
   */
  async retireWorkers(which: readonly string[], opts: { reason?: string; timeoutMs?: number } = {}): Promise<RetireOutcome[]> {
    const ws: WorkerState[] = [];
    for (const id of which) {
      const w = this.state.workers.get(id) ?? [...this.state.workers.values()].find((x) => x.name === id);
      if (w !== undefined && !ws.includes(w)) ws.push(w);
    }
    const reason = opts.reason ?? 'asked to retire';
    const outcomes = await Promise.all(ws.map((w) => this.state.retireWorker(w, reason, opts.timeoutMs)));
    for (const w of ws) {
      // The worker got its close message; it ends the connection itself (closed here if it does not).
      const conn = this.workerConns.get(w);
      this.workerConns.delete(w);
      conn?.flush();
      if (conn !== undefined) setTimeout(() => conn.close(1000, 'retired'), 5000).unref();
      this.log(`worker ${w.name} retired`);
    }
    this.workersChanged();
    return outcomes;
  }

  private checkHeartbeats(ttl: number): void {
    const now = Date.now();
    for (const w of [...this.state.workers.values()]) {
      if (now - w.lastSeen > ttl) this.removeWorker(w, `no heartbeat for ${Math.round((now - w.lastSeen) / 1000)} s`);
    }
  }

  // ------------------------------------------------------------------ clients

  private acceptClient(conn: Connection, h: ClientHello): void {
    const id = `client-${++this.clientCounter}`;
    const c = this.state.addClient(id, conn);
    this.clientConns.set(c, conn);
    conn.reply(h.rid, { id, ...this.identity() });
    conn.serve(parseClientToScheduler, (msg, frames) => this.onClientMessage(c, conn, msg, frames));
    conn.on('close', () => {
      this.clientConns.delete(c);
      this.state.removeClient(c);
    });
  }

  identity(): SchedulerIdentity {
    return {
      address: this.contactAddress,
      dashboard: this.dashboardLink ?? null,
      ...this.state.summary(),
      workerList: [...this.state.workers.values()].map(workerInfo),
    };
  }

  private workersChanged(): void {
    this.state.broadcastWorkers();
  }

  private broadcast(msg: SchedulerToClient): void {
    for (const c of this.state.clients.values()) c.sink.send(msg);
  }

  private onClientMessage(c: ClientState, conn: Connection, msg: ClientToScheduler, frames: Uint8Array[]): void {
    const s = this.state;
    switch (msg.op) {
      case 'update-graph': {
        for (const { id, spec } of msg.functions) s.fnTable.set(id, spec);
        const tasks: NewTask[] = msg.tasks.map((t) => ({
          key: t.key,
          deps: t.deps,
          order: t.order,
          spec: detach(resolvePayload(t.spec, frames), true),
          fns: t.functions,
          retries: t.retries,
          resources: t.resources === undefined ? null : checkResources(t.resources, `task ${t.key}`),
        }));
        s.updateGraph(c, tasks, msg.wants, { push: msg.push, events: msg.events, more: msg.more });
        return;
      }
      case 'release-keys':
        s.releaseKeys(c, msg.keys);
        return;
      case 'push':
        s.requestPush(c, msg.keys);
        return;
      case 'cancel':
        s.cancel(c, msg.keys);
        return;
      case 'want': {
        // A client holds a new Future to a key that already exists.
        for (const k of msg.keys) {
          const ts = s.tasks.get(k);
          if (ts === undefined)
            conn.send(toClient.taskErred({ key: k, error: { name: 'KeyError', message: `key '${k}' is not on the cluster`, taskKey: k, kind: 'lost-data' } }));
          else {
            (ts.wants ??= new Set()).add(c);
            c.wants.add(ts);
            s.tellState(c, ts);
          }
        }
        return;
      }
      case 'scatter':
        this.scatter(c, conn, msg, frames).catch((e) => conn.replyError(msg.rid, toWireError(e)));
        return;
      case 'upload':
        this.upload(conn, msg, frames).catch((e) => conn.replyError(msg.rid, toWireError(e)));
        return;
      case 'restart':
        this.restart().then(
          () => conn.reply(msg.rid, this.identity()),
          (e) => conn.replyError(msg.rid, toWireError(e)),
        );
        return;
      case 'identity':
        conn.reply(msg.rid, this.identity());
        return;
      case 'report':
        this.report(msg.phase, msg.id).then(
          (r) => conn.reply(msg.rid, r),
          (e) => conn.replyError(msg.rid, toWireError(e)),
        );
        return;
      case 'adaptive-target': {
        const t = adaptiveTarget(this.state, msg.targetDuration, msg.threadsPerWorker);
        conn.reply(msg.rid, { workers: t.workers, why: t.why });
        return;
      }
      case 'retire-workers':
        this.retireWorkers(msg.workers, { reason: 'retired by a client' }).then(
          (out) => conn.reply(msg.rid, { retired: out.map((o) => ({ address: o.address, name: o.name, moved: o.moved, lost: o.lost })) }),
          (e) => conn.replyError(msg.rid, toWireError(e)),
        );
        return;
      case 'profile':
        this.profile(msg.durationMs).then(
          (p) => conn.reply(msg.rid, p),
          (e) => conn.replyError(msg.rid, toWireError(e)),
        );
        return;
      case 'shutdown':
        // The reply goes out first; the client then waits for this connection to be dropped,
        // which happens only after the listener stopped accepting (Listener.close).
        conn.reply(msg.rid, {});
        conn.flush();
        void this.close();
        return;
    }
  }

  private async scatter(c: ClientState, conn: Connection, msg: Scatter, frames: Uint8Array[]): Promise<void> {
    await scatter(this.state, (w) => this.workerConn(w), c, msg, frames);
    conn.reply(msg.rid, { keys: msg.items.map((i) => i.key) });
  }

  private async upload(conn: Connection, msg: UploadModule, frames: Uint8Array[]): Promise<void> {
    const payload = detach(resolvePayload(msg.data, frames));
    const name = msg.name;
    const i = this.uploads.findIndex((u) => u.name === name);
    if (i >= 0) this.uploads.splice(i, 1);
    this.uploads.push({ name, payload });
    const results = await Promise.allSettled(
      [...this.state.workers.values()].map((w) => {
        const wc = this.workerConn(w);
        return wc.request(toWorker.upload(name, wc.wire(payload)), parseDone, 60_000);
      }),
    );
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed.length > 0)
      throw new Error(
        `upload of ${name} failed on ${failed.length} worker(s): ${String(failed[0].reason instanceof Error ? failed[0].reason.message : failed[0].reason)}`,
      );
    conn.reply(msg.rid, { workers: results.length });
  }

  /** Every worker's threads sampled for `durationMs`, merged per task group (client.profile and the dashboard). */
  profile(durationMs: number): Promise<ProfileData> {
    return profileCluster(this.state, (w) => this.workerConn(w), durationMs);
  }

  /** Start a performance report ({ id }), or stop one and answer its data as JSON text ({ data }). */
  private async report(phase: 'start' | 'stop', id: number): Promise<{ id: number } | { data: string }> {
    if (phase === 'start') {
      const n = ++this.reportCounter;
      this.reports.set(n, new ReportRecorder(this.state, this.contactAddress, (ms) => this.profile(ms)));
      return { id: n };
    }
    const r = this.reports.get(id);
    if (r === undefined) throw new Error(`no performance report ${id} is being recorded (it was stopped already, or the scheduler restarted)`);
    this.reports.delete(id);
    return { data: JSON.stringify(await r.stop()) };
  }

  async workerLogs(address: string): Promise<readonly string[]> {
    const w = this.state.workers.get(address);
    const conn = w === undefined ? undefined : this.workerConns.get(w);
    return w === undefined || conn === undefined ? [] : workerLogs(w, conn);
  }

  private workerConn(w: WorkerState): Connection {
    const conn = this.workerConns.get(w);
    if (conn === undefined) throw new Error(`worker ${w.name} has no connection (it left)`);
    return conn;
  }

  /** Restart every worker (through its nanny) and forget all tasks. */
  async restart(timeoutMs = 60_000): Promise<void> {
    const old = new Set(this.state.workers.values());
    const before = old.size;
    this.state.resetAll();
    for (const w of old) {
      const conn = this.workerConns.get(w);
      conn?.send(toWorker.restart());
      conn?.flush();
    }
    const deadline = Date.now() + timeoutMs;
    // Wait for the old workers to leave and as many new ones to join.
    for (;;) {
      const current = [...this.state.workers.values()];
      if (current.every((w) => !old.has(w)) && current.length >= before) return;
      if (Date.now() > deadline) {
        throw new Error(
          `restart: only ${current.filter((w) => !old.has(w)).length} of ${before} workers came back within ${timeoutMs / 1000} s (workers restart only under a nanny, e.g. \`tsdask worker\` or LocalCluster)`,
        );
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

  /**
   * Stop: tell workers and clients, then stop listening and drop every connection. Resolves
   * once the port refuses connections; a second call gets the same promise.
   */
  close(): Promise<void> {
    this.closed ??= this.stop();
    return this.closed;
  }

  private async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    for (const conn of this.workerConns.values()) {
      conn.send(toWorker.close('the scheduler is shutting down'));
      conn.flush();
    }
    for (const conn of this.clientConns.values()) {
      conn.send(toClient.closing());
      conn.flush();
    }
    // Let the goodbyes reach the wire before the sockets are torn down.
    await new Promise((r) => setTimeout(r, 50));
    await this.dashboard?.close();
    await this.listener.close();
    this.markStopped();
  }
}

export { isLoopback };
