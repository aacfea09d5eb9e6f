/**
 * A nanny runs one worker process and restarts it when it dies, or kills and restarts it when
 * it exceeds its memory limit. The new worker tells the scheduler why the old one died, so
 * clients see the reason.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type MemoryKill, parseWorkerToNanny, ProtocolError } from './protocol/index.js';
import { formatBytes } from './sizeof.js';
import { EXIT } from './worker/exit-codes.js';
import type { WorkerOptions } from './worker/worker.js';

export interface NannyOptions extends Omit<WorkerOptions, 'log' | 'onExit' | 'onListening' | 'restartReason' | 'replaces' | 'killedForMemory'> {
  /** Kill the worker above this fraction of its memory limit (default: `memoryThresholds.terminate`, else 0.95). */
  terminateFraction?: number;
  /** Print nanny and worker messages. */
  log?: (line: string) => void;
  /** Child stderr: inherited (CLI) or ignored (quiet tests). */
  stdio?: 'inherit' | 'ignore';
}

const PAGE = 4096;

/** Resident memory of a process, read from /proc (works while the worker's event loop is busy). */
export function processRss(pid: number): number | undefined {
  try {
    const statm = readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ');
    return Number(statm[1]) * PAGE;
  } catch {
    return undefined;
  }
}

/** How to start the worker entry point from source (TypeScript via tsx) or from the build. */
export function workerEntry(): { file: string; execArgv: string[] } {
  const ts = __filename.endsWith('.ts');
  const file = join(__dirname, ts ? 'worker-process.ts' : 'worker-process.js');
  // --expose-gc: after spilling, the worker collects at once so its memory really drops.
  if (!ts) return { file, execArgv: ['--expose-gc'] };
  const tsx = pathToFileURL(require.resolve('tsx')).href;
  return { file, execArgv: ['--expose-gc', '--import', tsx] };
}

interface Restart {
  reason: string;
  /** The address of the process that died (when it had registered). */
  replaces: string | undefined;
  killedForMemory: MemoryKill | undefined;
}

export class Nanny {
  private child: ChildProcess | undefined;
  private stopping = false;
  private restarts: number[] = [];
  private memTimer: NodeJS.Timeout | undefined;
  private killedFor: string | undefined;
  private exitWaiters: (() => void)[] = [];
  /** Address of the current worker. */
  address = '';
  readonly done: Promise<{ code: number; reason: string }>;
  private resolveDone!: (v: { code: number; reason: string }) => void;
  private readonly log: (line: string) => void;

  constructor(private readonly opts: NannyOptions) {
    this.done = new Promise((r) => (this.resolveDone = r));
    this.log = opts.log ?? (() => undefined);
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Start the worker; resolves once it registered with the scheduler. */
  start(): Promise<void> {
    return this.spawn(undefined);
  }

  /** Start a worker process; on a restart, tell it why the last one died (it tells the scheduler). */
  private spawn(restart: Restart | undefined): Promise<void> {
    const { file, execArgv } = workerEntry();
    if (!existsSync(file)) throw new Error(`worker entry point ${file} is missing: run \`npm run build\``);
    const { log: _log, stdio, terminateFraction: _t, ...workerOpts } = this.opts;
    const env = {
      ...process.env,
      TSDASK_WORKER_OPTIONS: JSON.stringify({
        ...workerOpts,
        restartReason: restart?.reason,
        replaces: restart?.replaces,
        killedForMemory: restart?.killedForMemory,
      }),
    };
    const child = fork(file, [], { execArgv, env, stdio: ['ignore', stdio ?? 'inherit', stdio ?? 'inherit', 'ipc'] });
    this.child = child;
    this.killedFor = undefined;
    let killedForMemory: MemoryKill | undefined;
    let childAddress = '';
    let lastRss = 0;
    return new Promise<void>((resolve, reject) => {
      let started = false;
      child.on('message', (raw: unknown) => {
        const m = parseWorkerToNanny(raw, 0);
        if (m instanceof ProtocolError) this.log(`ignored a message from the worker process: ${m.message}`);
        else if (m.op === 'listening') childAddress = m.address;
        else if (m.op === 'ready') {
          this.address = m.address;
          childAddress = m.address;
          started = true;
          resolve();
        } else if (m.op === 'failed' && !started) {
          started = true;
          reject(new Error(m.message));
        } else if (m.op === 'heartbeat') lastRss = m.rss;
      });
      child.on('exit', (code, signal) => {
        if (this.memTimer) clearInterval(this.memTimer);
        this.child = undefined;
        for (const w of this.exitWaiters.splice(0)) w();
        const how = signal !== null ? `killed by ${signal}` : `exited with code ${code}`;
        if (!started) {
          started = true;
          reject(new Error(`worker process ${how} before it connected to ${this.opts.scheduler}`));
        }
        if (this.stopping || code === EXIT.CLOSED || code === EXIT.NO_SCHEDULER || code === EXIT.REFUSED) {
          this.resolveDone({ code: code ?? 1, reason: how });
          return;
        }
        const reason =
          this.killedFor ??
          (code === EXIT.RESTART
            ? 'restart requested'
            : code === EXIT.SCHEDULER_LOST
              ? 'the previous worker lost its scheduler connection'
              : `the previous worker process (pid ${child.pid}) ${how}${lastRss ? ` (last seen using ${formatBytes(lastRss)})` : ''}`);
        const now = Date.now();
        this.restarts = this.restarts.filter((t) => now - t < 60_000);
        this.restarts.push(now);
        if (this.restarts.length > 10) {
          this.log(`worker died ${this.restarts.length} times within a minute; the nanny gives up (${reason})`);
          this.resolveDone({ code: code ?? 1, reason: `gave up restarting: ${reason}` });
          return;
        }
        if (code !== EXIT.RESTART) this.log(`restarting worker: ${reason}`);
        this.spawn({ reason, replaces: childAddress || undefined, killedForMemory }).catch((e) => {
          this.log(`worker restart failed: ${e instanceof Error ? e.message : String(e)}`);
        });
      });
      const limit = this.opts.memoryLimit ?? 0;
      const frac = this.opts.memoryThresholds?.terminate ?? this.opts.terminateFraction ?? 0.95;
      if (limit > 0 && frac !== false && child.pid !== undefined) {
        const pid = child.pid;
        this.memTimer = setInterval(() => {
          const rss = processRss(pid) ?? lastRss;
          if (rss > frac * limit && this.child === child) {
            killedForMemory = { rss, limit };
            this.killedFor = `the previous worker (pid ${pid}) was killed by its nanny: it used ${formatBytes(rss)}, over ${Math.round(frac * 100)}% of its ${formatBytes(limit)} memory limit`;
            this.log(this.killedFor);
            child.kill('SIGKILL');
          }
        }, 100);
        this.memTimer.unref();
      }
    });
  }

  /** Kill the current worker process (tests use this to simulate a crash). */
  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    this.child?.kill(signal);
  }

  async stop(timeoutMs = 5000): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (child === undefined || child.exitCode !== null) {
      this.resolveDone({ code: 0, reason: 'stopped' });
      return;
    }
    const exited = new Promise<void>((r) => this.exitWaiters.push(r));
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(t);
  }
}
