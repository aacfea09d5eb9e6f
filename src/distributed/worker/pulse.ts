/**
 * The worker's pulse: a small thread of the worker process that speaks for it while a task holds
 * its event loop. A worker with one slot runs tasks inline (execution.ts), so a CPU-bound task
 * stops its heartbeats; without the pulse the scheduler would take it for dead after its worker
 * TTL and lose the data it holds. The main thread stamps the time at every heartbeat into shared
 * memory; when the stamp is late and the process is using CPU, the thread sends a pulse on its
 * own connection to the scheduler (pulse-thread.ts). A stopped or hung process (no heartbeat and
 * no CPU) gets no pulse, so the TTL still removes it.
 */
import { join } from 'node:path';
import { type ExecutorHandle, startExecutor } from '../../executor/spawn.js';

export interface PulseSettings {
  scheduler: string;
  /** The worker's address, as it registered. */
  address: string;
  heartbeatMs: number;
  token?: string;
  tlsCa?: string;
  insecure?: boolean;
}

/** The thread's start message (see pulse-thread.ts). */
export interface PulseStart extends PulseSettings {
  op: 'start';
  /** One Float64: the main thread's last heartbeat (Date.now()). */
  stamp: SharedArrayBuffer;
}

const ENTRY = join(__dirname, 'pulse-thread');

export class Pulse {
  private readonly stamp = new Float64Array(new SharedArrayBuffer(8));
  private readonly thread: ExecutorHandle;
  private closing = false;

  constructor(settings: PulseSettings, log: (line: string) => void) {
    this.beat();
    this.thread = startExecutor('thread', 'pulse', ENTRY);
    this.thread.unref();
    this.thread.onExit((reason) => {
      if (!this.closing) log(`the worker's pulse thread ${reason}: a task longer than the worker TTL will get this worker removed`);
    });
    const start: PulseStart = { op: 'start', ...settings, stamp: this.stamp.buffer };
    this.thread.link.send(start, []);
  }

  /** Resolves once the thread is connected to the scheduler (or after `ms`, with a warning), so no task starts unvouched. */
  async connected(ms: number, log: (line: string) => void): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((r) => (timer = setTimeout(r, ms)));
    const ok = await Promise.race([
      this.thread.ready.then(
        () => true,
        () => false,
      ),
      late.then(() => false),
    ]);
    clearTimeout(timer);
    if (!ok)
      log(`the worker's pulse thread did not connect within ${ms / 1000} s: until it does, a task longer than the worker TTL can get this worker removed`);
  }

  /** The main thread is responsive (called with every heartbeat). */
  beat(): void {
    this.stamp[0] = Date.now();
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.thread.close();
  }
}
