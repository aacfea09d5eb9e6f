/**
 * Inputs from peers: a task's inputs this worker lacks are fetched straight from the workers
 * holding them (named by the scheduler), batched per peer; a holder that does not have an
 * input is skipped for the next; when none has it, the scheduler hears so and recomputes it.
 */
import { WAITING } from '../../executor/run-loop.js';
import { parseAddress } from '../address.js';
import { connect, type Connection } from '../connection.js';
import { type DepLocation, fromWorker, parseDone, parseGetDataReply, peerHello, resolvePayload, toPeer, type WireError } from '../protocol/index.js';
import { helloBase } from '../server.js';
import type { DataStore } from './store.js';
import type { SchedulerLink, WorkerTask } from './task.js';

interface Fetch {
  key: string;
  holders: string[];
  tried: string[];
  waiters: Set<WorkerTask>;
  inFlight: boolean;
}

/** What fetching needs from the rest of the worker. */
export interface FetchHooks {
  /** This worker's own address (never fetched from). */
  address(): string;
  /** An input of `t` arrived. */
  arrived(t: WorkerTask): void;
  /** Drop task `key` (its input cannot be had). */
  drop(key: string): void;
  /** `t` fails: an input cannot be sent by its holder. */
  failed(t: WorkerTask, error: WireError): void;
  /** New values are in the store (memory may need checking). */
  newData(): void;
  /** The worker is paused for memory: fetch only for tasks forced to run. */
  paused(): boolean;
  log(line: string): void;
}

export interface PeerOptions {
  token?: string;
  tlsCa?: string;
  insecure?: boolean;
}

export class Fetcher {
  private readonly fetches = new Map<string, Fetch>();
  private readonly peers = new Map<string, Promise<Connection>>();
  private scheduled = false;

  constructor(
    private readonly store: DataStore,
    private readonly scheduler: SchedulerLink,
    private readonly hooks: FetchHooks,
    private readonly peerOptions: PeerOptions,
  ) {}

  /** Count `t`'s inputs missing here (into `t.missing`) and fetch them soon. */
  need(t: WorkerTask): void {
    const self = this.hooks.address();
    for (const { key: dep, holders } of t.deps) {
      if (this.store.has(dep)) continue;
      t.missing++;
      let f = this.fetches.get(dep);
      if (f === undefined) {
        f = { key: dep, holders: holders.filter((h) => h !== self), tried: [], waiters: new Set(), inFlight: false };
        this.fetches.set(dep, f);
      } else for (const h of holders) if (!f.holders.includes(h) && !f.tried.includes(h) && h !== self) f.holders.push(h);
      f.waiters.add(t);
    }
    if (t.missing > 0) this.schedule();
  }

  /** `t` was dropped: stop fetching what only it needed. */
  forget(t: WorkerTask): void {
    for (const { key: dep } of t.deps) {
      const f = this.fetches.get(dep);
      if (f === undefined) continue;
      f.waiters.delete(t);
      if (f.waiters.size === 0 && !f.inFlight) this.fetches.delete(dep);
    }
  }

  /**
   * Hold copies of results other workers have (one retiring hands them on): fetched per holder,
   * each confirmed to the scheduler with add-keys; a key no holder has is left to the scheduler.
   */
  copy(locations: readonly DepLocation[]): void {
    const self = this.hooks.address();
    const byPeer = new Map<string, string[]>();
    for (const { key, holders } of locations) {
      const peer = holders.find((h) => h !== self);
      if (peer === undefined || this.store.has(key)) continue;
      let list = byPeer.get(peer);
      if (list === undefined) byPeer.set(peer, (list = []));
      list.push(key);
    }
    for (const [peer, keys] of byPeer) void this.copyFrom(peer, keys);
  }

  private async copyFrom(peer: string, keys: string[]): Promise<void> {
    try {
      const start = Date.now();
      const conn = await this.peer(peer);
      const reply = await conn.request(toPeer.getData(keys), parseGetDataReply, 300_000);
      const stop = Date.now();
      const got: { key: string; nbytes: number }[] = [];
      for (const { key, value, nbytes, type } of reply.result.values) {
        if (this.store.has(key)) continue;
        this.store.setPayload(key, resolvePayload(value, reply.frames), nbytes, type);
        got.push({ key, nbytes });
      }
      if (got.length > 0) {
        this.scheduler.send(fromWorker.addReplicas(got, { start, stop }));
        this.hooks.newData();
      }
    } catch (e) {
      // The scheduler's retirement times out and falls back to recomputing.
      this.hooks.log(`copying ${keys.length} result(s) from ${peer} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** The worker resumed (or a task was forced): start the fetches that waited. */
  resume(): void {
    if (this.fetches.size > 0) this.schedule();
  }

  /** Is `key` still to be fetched for a task here? */
  wanted(key: string): boolean {
    return this.fetches.has(key);
  }

  close(): void {
    for (const p of this.peers.values())
      p.then(
        (c) => c.close(),
        () => undefined,
      );
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.start();
    });
  }

  private start(): void {
    const byPeer = new Map<string, Fetch[]>();
    const paused = this.hooks.paused();
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
      if (paused && !forcedWaiter(f)) continue;
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
    const start = Date.now();
    try {
      const conn = await this.peer(peer);
      reply = await conn.request(toPeer.getData(fs.map((f) => f.key)), parseGetDataReply, 300_000);
    } catch (e) {
      this.hooks.log(`fetch from ${peer} failed: ${e instanceof Error ? e.message : String(e)}`);
      for (const f of fs) f.inFlight = false;
      this.start();
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
    if (got.length > 0) this.scheduler.send(fromWorker.addReplicas(got, { start, stop: Date.now() }));
    for (const f of fs) {
      f.inFlight = false;
      const error = errors.get(f.key);
      if (this.store.has(f.key)) this.fetched(f);
      else if (error !== undefined) {
        // The holder cannot serialize the value: the dependents fail with that error.
        for (const t of f.waiters) this.hooks.failed(t, error);
        this.fetches.delete(f.key);
      }
    }
    this.start();
  }

  private fetched(f: Fetch): void {
    this.fetches.delete(f.key);
    for (const t of f.waiters) this.hooks.arrived(t);
    this.hooks.newData();
  }

  private fetchFailed(f: Fetch): void {
    this.fetches.delete(f.key);
    for (const t of f.waiters) {
      if (t.state !== WAITING) continue;
      this.hooks.drop(t.key);
      this.scheduler.send(fromWorker.missingData({ key: t.key, dep: f.key, tried: f.tried }));
    }
  }

  private peer(address: string): Promise<Connection> {
    let p = this.peers.get(address);
    if (p === undefined) {
      p = (async () => {
        const c = await connect(parseAddress(address), { timeoutMs: 10_000, ca: this.peerOptions.tlsCa, insecure: this.peerOptions.insecure });
        await c.request(peerHello({ role: 'peer', ...helloBase(this.peerOptions.token) }), parseDone, 10_000);
        c.on('close', () => this.peers.delete(address));
        return c;
      })();
      p.catch(() => this.peers.delete(address));
      this.peers.set(address, p);
    }
    return p;
  }
}

function forcedWaiter(f: Fetch): boolean {
  for (const t of f.waiters) if (t.forced) return true;
  return false;
}
