/**
 * The threads of a worker with several task slots. Each thread runs one task at a time; a
 * thread running a cancelled task is terminated and replaced (JavaScript cannot interrupt a
 * function any other way), and a thread that dies fails its task with the reason. Threads
 * are started like the local engine's executors (src/executor/spawn.ts).
 */
import { join } from 'node:path';
import type { FnSpec } from '../../core/functions.js';
import { type ExecutorHandle, startExecutor } from '../../executor/spawn.js';
import { isRecord, type Payload, type WireError } from '../protocol/index.js';
import type { ProfileMessage, RunMessage, ThreadProfile, ThreadReply } from '../exec-thread.js';
import type { ProfileNode } from '../../diagnostics/profiler.js';

/** `thread`: the slot's index in the pool (a replaced thread keeps its index), for the dashboard's lanes. */
export type ThreadResult =
  | { ok: true; payload: Payload; nbytes: number; type: string; start: number; stop: number; thread: number }
  | { ok: false; error: WireError; start: number; stop: number; thread: number };

interface Slot {
  thread: ExecutorHandle;
  busyWith: string | undefined;
  knownFns: Set<string>;
  knownUploads: number;
  done: ((r: ThreadResult) => void) | undefined;
}

/** A thread's answer (see exec-thread.ts); the guard keeps a stray message from being read as one. */
function isThreadReply(m: unknown): m is ThreadReply {
  if (!isRecord(m) || typeof m.key !== 'string' || typeof m.start !== 'number' || typeof m.stop !== 'number') return false;
  if (m.op === 'done') return typeof m.header === 'string' && Array.isArray(m.frames) && typeof m.nbytes === 'number' && typeof m.type === 'string';
  return m.op === 'error' && isRecord(m.error) && typeof m.error.name === 'string' && typeof m.error.message === 'string';
}

function isThreadProfile(m: unknown): m is ThreadProfile {
  return isRecord(m) && m.op === 'profile' && typeof m.id === 'number' && isRecord(m.groups);
}

/** What each thread runs: src/distributed/exec-thread (one folder up from here). */
const ENTRY = join(__dirname, '..', 'exec-thread');

export class ThreadPool {
  private readonly slots: Slot[] = [];
  private closed = false;
  private spawned = 0;
  private profiles = 0;
  private readonly profileWaiters = new Map<number, (groups: Record<string, ProfileNode>) => void>();

  constructor(
    readonly size: number,
    private readonly fns: () => ReadonlyMap<string, FnSpec>,
    private readonly uploads: () => ReadonlyMap<string, string>,
  ) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    const thread = startExecutor('thread', `thread-${++this.spawned}`, ENTRY);
    thread.unref();
    const slot: Slot = { thread, busyWith: undefined, knownFns: new Set(), knownUploads: 0, done: undefined };
    thread.link.onMessage((m) => {
      if (isThreadProfile(m)) {
        this.profileWaiters.get(m.id)?.(m.groups);
        this.profileWaiters.delete(m.id);
        return;
      }
      if (!isThreadReply(m)) return;
      const done = slot.done;
      slot.busyWith = undefined;
      slot.done = undefined;
      if (done === undefined) return;
      const index = this.slots.indexOf(slot);
      if (m.op === 'done')
        done({ ok: true, payload: { header: m.header, frames: m.frames }, nbytes: m.nbytes, type: m.type, start: m.start, stop: m.stop, thread: index });
      else done({ ok: false, error: m.error, start: m.start, stop: m.stop, thread: index });
    });
    thread.onExit((reason) => {
      const done = slot.done;
      const key = slot.busyWith;
      slot.done = undefined;
      slot.busyWith = undefined;
      if (this.closed) return;
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots[i] = this.spawn();
      if (done !== undefined) {
        const now = Date.now();
        const why = reason.startsWith('exited') ? `${reason} (did the task call process.exit?)` : reason;
        done({
          ok: false,
          error: { name: 'ThreadDied', message: `the thread running task '${key}' ${why}`, taskKey: key },
          start: now,
          stop: now,
          thread: Math.max(0, i),
        });
      }
    });
    return slot;
  }

  get free(): number {
    let n = 0;
    for (const s of this.slots) if (s.busyWith === undefined) n++;
    return n;
  }

  run(key: string, spec: Payload, deps: [string, Payload][]): Promise<ThreadResult> {
    const slot = this.slots.find((s) => s.busyWith === undefined);
    if (slot === undefined) throw new Error('no free thread (scheduling bug)');
    slot.busyWith = key;
    const newFns: [string, FnSpec][] = [];
    for (const [id, fs] of this.fns()) if (!slot.knownFns.has(id)) newFns.push([id, fs]);
    const ups = [...this.uploads()];
    const msg: RunMessage = {
      op: 'run',
      key,
      spec,
      deps: deps.map(([k, p]) => [k, p.header, p.frames]),
      fns: newFns,
      uploads: ups.length > slot.knownUploads ? ups : [],
    };
    return new Promise((resolve) => {
      slot.done = resolve;
      slot.thread.link.send(msg, []);
      // Only what was sent is known there: a send that throws leaves the tables as they were.
      for (const [id] of newFns) slot.knownFns.add(id);
      slot.knownUploads = ups.length;
    });
  }

  /** Each thread's profile over `durationMs` (a thread busy with a long synchronous task starts when it ends). */
  profile(durationMs: number): Promise<Record<string, ProfileNode>[]> {
    return Promise.all(
      this.slots.map(
        (slot) =>
          new Promise<Record<string, ProfileNode>>((resolve) => {
            const id = ++this.profiles;
            const timer = setTimeout(() => {
              this.profileWaiters.delete(id);
              resolve({});
            }, durationMs + 30_000);
            this.profileWaiters.set(id, (g) => {
              clearTimeout(timer);
              resolve(g);
            });
            const msg: ProfileMessage = { op: 'profile', id, durationMs };
            slot.thread.link.send(msg, []);
          }),
      ),
    );
  }

  /** Stop the thread running `key` (a cancelled task); it is replaced by a fresh one. */
  interrupt(key: string): boolean {
    const slot = this.slots.find((s) => s.busyWith === key);
    if (slot === undefined) return false;
    slot.done = undefined;
    void slot.thread.close();
    return true;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.thread.close()));
  }
}
