/**
 * Starting executors: a worker thread (shares memory with its parent; buffers are
 * transferred, SharedArrayBuffers shared) or a child process (its own heap and GIL-free CPU;
 * Node IPC with V8 serialization, which measured faster than a hand-framed pipe for batched
 * small tasks; ipc.ts sends large messages in pieces), both behind one handle, each running a given entry module. The local engine
 * starts both kinds (running schedulers/local/entry.ts); a distributed worker starts threads
 * (running distributed/exec-thread.ts).
 *
 * When the library itself runs from TypeScript sources (tests, `tsx src/...`), the entry is a
 * .ts file and executors load it through tsx's require hook; from dist/ they run plain node.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { ipcLink } from './ipc.js';
import type { RawLink } from './raw-link.js';

export type { RawLink };

export type ExecutorKind = 'thread' | 'process';

export interface ExecutorHandle {
  readonly kind: ExecutorKind;
  /** e.g. 'thread-1', 'process-2': what callbacks and errors call it. */
  readonly name: string;
  readonly pid: number;
  readonly link: RawLink;
  /** Resolves once the executor loaded and listens; rejects if it dies first. */
  readonly ready: Promise<void>;
  /** Set synchronously with `ready` (an exit can be reported in the same tick). */
  readonly started: boolean;
  /** Called once, when the executor is gone for any reason, with a human description. */
  onExit(listener: (reason: string) => void): void;
  ref(): void;
  unref(): void;
  /** Stop it; resolves when it has exited. */
  close(): Promise<void>;
}

const fromSource = __filename.endsWith('.ts');

/** `entry` is a module path without its extension: .ts from sources, .js from dist/. */
function bootstrapCode(entryModule: string): string {
  const entry = `${entryModule}${fromSource ? '.ts' : '.js'}`;
  if (!existsSync(entry)) throw new Error(`tsdask: executor entry ${entry} is missing (rebuild with \`npm run build\`)`);
  if (!fromSource) return `require(${JSON.stringify(entry)});`;
  let loader: string;
  try {
    loader = require.resolve('tsx/cjs/api');
  } catch {
    throw new Error('tsdask: running from TypeScript sources needs `tsx` installed to start thread/process workers (npm i -D tsx), or use the built dist/');
  }
  return `require(${JSON.stringify(loader)}).register(); require(${JSON.stringify(entry)});`;
}

/** Flags worth passing on (memory limits); loaders and inspectors of the parent are not. */
function inheritedFlags(): string[] {
  return process.execArgv.filter((a) => /^--(max-old-space-size|max-semi-space-size|stack-size)=/.test(a));
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal !== null) return `was killed by ${signal}`;
  return `exited with code ${code}`;
}

/** Start an executor named `name` running `entry` (a module path without extension). */
export function startExecutor(kind: ExecutorKind, name: string, entry: string): ExecutorHandle {
  return kind === 'thread' ? startThread(name, entry) : startProcess(name, entry);
}

function makeReady(): { ready: Promise<void>; resolve: () => void; reject: (e: Error) => void; state: { started: boolean } } {
  let res!: () => void;
  let reject!: (e: Error) => void;
  const state = { started: false };
  const ready = new Promise<void>((ok, fail) => {
    res = ok;
    reject = fail;
  });
  ready.catch(() => undefined); // observed through onExit as well
  const resolve = () => {
    state.started = true;
    res();
  };
  return { ready, resolve, reject, state };
}

function isReady(m: unknown): boolean {
  return m !== null && typeof m === 'object' && (m as { ready?: unknown }).ready === true;
}

function startThread(name: string, entry: string): ExecutorHandle {
  const worker = new Worker(bootstrapCode(entry), { eval: true, execArgv: inheritedFlags(), stdout: false, stderr: false });
  const { ready, resolve, reject, state } = makeReady();
  const exitListeners: Array<(reason: string) => void> = [];
  let gone: string | undefined;
  let crash: Error | undefined;
  const finish = (reason: string) => {
    if (gone !== undefined) return;
    gone = reason;
    reject(new Error(`${name} ${reason}`));
    for (const l of exitListeners) l(reason);
  };
  worker.on('message', (m) => {
    if (isReady(m)) resolve();
  });
  worker.on('error', (e) => {
    crash = e;
  });
  worker.on('exit', (code) => {
    finish(crash !== undefined ? `crashed: ${crash.stack ?? crash.message}` : `exited with code ${code}`);
  });
  return {
    kind: 'thread',
    name,
    pid: process.pid,
    ready,
    get started() {
      return state.started;
    },
    link: {
      send: (m, transfer) => worker.postMessage(m, transfer as ArrayBuffer[]),
      onMessage: (l) => worker.on('message', l),
    },
    onExit: (l) => {
      if (gone !== undefined) l(gone);
      else exitListeners.push(l);
    },
    ref: () => worker.ref(),
    unref: () => worker.unref(),
    close: async () => {
      if (gone === undefined) await worker.terminate();
    },
  };
}

const children = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Children die with the parent, however the parent's script ends. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const c of children) c.kill('SIGKILL');
  });
}

function startProcess(name: string, entry: string): ExecutorHandle {
  installExitHook();
  const child = spawn(process.execPath, [...inheritedFlags(), '-e', bootstrapCode(entry)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
    env: { ...process.env, TSDASK_EXECUTOR: name, TSDASK_PARENT_PID: String(process.pid) },
  });
  children.add(child);
  const { ready, resolve, reject, state } = makeReady();
  const exitListeners: Array<(reason: string) => void> = [];
  let gone: string | undefined;
  const finish = (reason: string) => {
    if (gone !== undefined) return;
    gone = reason;
    children.delete(child);
    reject(new Error(`${name} (pid ${child.pid}) ${reason}`));
    for (const l of exitListeners) l(reason);
  };
  let broken: string | undefined;
  const link = ipcLink(child, {
    connected: () => gone === undefined && child.connected,
    onBroken: (reason) => {
      // A message that cannot be read leaves the channel out of step: end the executor so
      // its compute sees it lost (and retries) instead of waiting forever.
      broken ??= reason;
      child.kill('SIGKILL');
    },
  });
  link.onMessage((m) => {
    if (isReady(m)) resolve();
  });
  // Sending to a child that just died: the 'exit' event that follows reports it.
  child.on('error', () => undefined);
  child.on('exit', (code, signal) => finish(broken ?? describeExit(code, signal)));
  return {
    kind: 'process',
    name,
    pid: child.pid ?? -1,
    ready,
    get started() {
      return state.started;
    },
    link,
    onExit: (l) => {
      if (gone !== undefined) l(gone);
      else exitListeners.push(l);
    },
    ref: () => {
      child.ref();
      (child.channel as { ref?: () => void } | undefined)?.ref?.();
    },
    unref: () => {
      child.unref();
      (child.channel as { unref?: () => void } | undefined)?.unref?.();
    },
    close: () =>
      new Promise<void>((res) => {
        if (gone !== undefined) return res();
        exitListeners.push(() => res());
        child.kill('SIGTERM');
        setTimeout(() => {
          if (gone === undefined) child.kill('SIGKILL');
        }, 2000).unref();
      }),
  };
}
