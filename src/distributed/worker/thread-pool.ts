/**
 * The threads of a worker with several task slots. Each thread runs one task at a time; a
 * thread running a cancelled task is terminated and replaced (JavaScript cannot interrupt a
 * function any other way), and a thread that dies fails its task with the reason.
 */
import { join } from 'node:path';
import { Worker as Thread } from 'node:worker_threads';
import type { FnSpec } from '../../core/functions.js';
import type { Payload, WireError } from '../protocol/index.js';
import type { RunMessage, ThreadReply } from '../exec-thread.js';

export type ThreadResult =
  | { ok: true; payload: Payload; nbytes: number; type: string; start: number; stop: number }
  | { ok: false; error: WireError; start: number; stop: number };

interface Slot {
  thread: Thread;
  busyWith: string | undefined;
  knownFns: Set<string>;
  knownUploads: number;
  done: ((r: ThreadResult) => void) | undefined;
}

/** The thread entry point, src/distributed/exec-thread (one folder up from here). */
function threadEntry(): { code: string; eval: boolean } {
  if (!__filename.endsWith('.ts')) return { code: join(__dirname, '..', 'exec-thread.js'), eval: false };
  // From source, a thread needs the TypeScript loader before it can require the entry point.
  const api = require.resolve('tsx/cjs/api');
  const file = join(__dirname, '..', 'exec-thread.ts');
  return { code: `require(${JSON.stringify(api)}).register(); require(${JSON.stringify(file)});`, eval: true };
}

export class ThreadPool {
  private readonly slots: Slot[] = [];
  private closed = false;

  constructor(
    readonly size: number,
    private readonly fns: () => ReadonlyMap<string, FnSpec>,
    private readonly uploads: () => ReadonlyMap<string, string>,
  ) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    const entry = threadEntry();
    const thread = new Thread(entry.code, { eval: entry.eval });
    thread.unref();
    const slot: Slot = { thread, busyWith: undefined, knownFns: new Set(), knownUploads: 0, done: undefined };
    thread.on('message', (m: ThreadReply) => {
      const done = slot.done;
      slot.busyWith = undefined;
      slot.done = undefined;
      if (done === undefined) return;
      if (m.op === 'done') done({ ok: true, payload: { header: m.header, frames: m.frames }, nbytes: m.nbytes, type: m.type, start: m.start, stop: m.stop });
      else done({ ok: false, error: m.error, start: m.start, stop: m.stop });
    });
    const onDeath = (why: string) => {
      const done = slot.done;
      const key = slot.busyWith;
      slot.done = undefined;
      slot.busyWith = undefined;
      const i = this.slots.indexOf(slot);
      if (i >= 0 && !this.closed) this.slots[i] = this.spawn();
      if (done !== undefined) {
        const now = Date.now();
        done({ ok: false, error: { name: 'ThreadDied', message: `the thread running task '${key}' ${why}`, taskKey: key }, start: now, stop: now });
      }
    };
    thread.on('error', (e) => onDeath(`raised an uncaught error: ${e.message}`));
    thread.on('exit', (code) => {
      if (!this.closed && slot.busyWith !== undefined) onDeath(`exited with code ${code} (did the task call process.exit?)`);
      else if (!this.closed) {
        const i = this.slots.indexOf(slot);
        if (i >= 0) this.slots[i] = this.spawn();
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
    for (const [id, fs] of this.fns()) {
      if (slot.knownFns.has(id)) continue;
      slot.knownFns.add(id);
      newFns.push([id, fs]);
    }
    const ups = [...this.uploads()];
    const msg: RunMessage = {
      op: 'run',
      key,
      spec,
      deps: deps.map(([k, p]) => [k, p.header, p.frames]),
      fns: newFns,
      uploads: ups.length > slot.knownUploads ? ups : [],
    };
    slot.knownUploads = ups.length;
    return new Promise((resolve) => {
      slot.done = resolve;
      slot.thread.postMessage(msg);
    });
  }

  /** Stop the thread running `key` (a cancelled task); it is replaced by a fresh one. */
  interrupt(key: string): boolean {
    const slot = this.slots.find((s) => s.busyWith === key);
    if (slot === undefined) return false;
    slot.done = undefined;
    void slot.thread.terminate();
    return true;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.thread.terminate()));
  }
}
