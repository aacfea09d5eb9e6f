/** What a worker process tells its nanny over the IPC channel. */
import type { MemoryThresholds } from '../memory-thresholds.js';
import { type MemoryKill, memoryKill, memoryThresholds, resourceAmounts } from './records.js';
import { boolean, integer, literal, message, messageParser, number, optional, type Parse, type Problem, record, fieldError, string } from './check.js';

/**
 * The worker's peer address, sent before it registers: tasks can reach it (and kill it) as soon
 * as the scheduler knows it, so its nanny must know which worker a kill replaces by then.
 */
export interface WorkerListening {
  op: 'listening';
  address: string;
}

/** The worker registered with the scheduler. */
export interface WorkerReady {
  op: 'ready';
  address: string;
  name: string;
}

/** The worker could not start (refused, or no scheduler). */
export interface WorkerFailed {
  op: 'failed';
  message: string;
}

export interface WorkerExiting {
  op: 'exiting';
  code: number;
}

/** Memory in use, so the nanny can report it if the process dies. */
export interface NannyHeartbeat {
  op: 'heartbeat';
  rss: number;
}

export type WorkerToNanny = WorkerListening | WorkerReady | WorkerFailed | WorkerExiting | NannyHeartbeat;

export const toNanny = {
  listening: (address: string): WorkerListening => ({ op: 'listening', address }),
  ready: (address: string, name: string): WorkerReady => ({ op: 'ready', address, name }),
  failed: (text: string): WorkerFailed => ({ op: 'failed', message: text }),
  exiting: (code: number): WorkerExiting => ({ op: 'exiting', code }),
  heartbeat: (rss: number): NannyHeartbeat => ({ op: 'heartbeat', rss }),
};

export const parseWorkerToNanny = messageParser<WorkerToNanny>('the worker process', {
  listening: message<WorkerListening>({ address: string }),
  ready: message<WorkerReady>({ address: string, name: string }),
  failed: message<WorkerFailed>({ message: string }),
  exiting: message<WorkerExiting>({ code: integer }),
  heartbeat: message<NannyHeartbeat>({ rss: number }),
});

/** What a nanny hands the worker process it starts (as JSON in TSDASK_WORKER_OPTIONS). */
export interface WorkerSettings {
  scheduler: string;
  /** Interface for the peer port (default: loopback for a loopback scheduler, else all). */
  host?: string;
  port?: number;
  nthreads?: number;
  /** Bytes; 0 = no limit. */
  memoryLimit?: number;
  /** Abstract amounts tasks can ask for (`--resources GPU=2`): announced to the scheduler. */
  resources?: Record<string, number>;
  name?: string;
  token?: string;
  localDir?: string;
  /** Keep trying to reach the scheduler this long before giving up (default 60 s). */
  deathTimeoutMs?: number;
  heartbeatMs?: number;
  tls?: { cert: string; key: string };
  tlsCa?: string;
  insecure?: boolean;
  /**
   * How task slots run: 'inline' on this process's event loop (lowest overhead; CPU-bound
   * tasks run one at a time), or 'threads' (one worker thread per slot; inputs and results
   * cross as serialized bytes). Default: inline for 1 thread, threads for more.
   */
  executor?: 'inline' | 'threads';
  /** Why the previous worker in this slot died (set by the nanny). */
  restartReason?: string;
  /** Fractions of memoryLimit at which to spill, pause (and the nanny kills); default Dask's. */
  memoryThresholds?: MemoryThresholds;
  /** Address of the worker process this one replaces (set by the nanny on a restart). */
  replaces?: string;
  /** The process this one replaces was killed by its nanny for using too much memory. */
  killedForMemory?: MemoryKill;
}

const settings = record<WorkerSettings>({
  scheduler: string,
  host: optional(string),
  port: optional(integer),
  nthreads: optional(integer),
  memoryLimit: optional(number),
  resources: optional(resourceAmounts),
  name: optional(string),
  token: optional(string),
  localDir: optional(string),
  deathTimeoutMs: optional(number),
  heartbeatMs: optional(number),
  tls: optional(record<{ cert: string; key: string }>({ cert: string, key: string })),
  tlsCa: optional(string),
  insecure: optional(boolean),
  executor: optional(literal('inline', 'threads')),
  restartReason: optional(string),
  memoryThresholds: optional(memoryThresholds),
  replaces: optional(string),
  killedForMemory: optional(memoryKill),
});
const problem: Problem = { path: '', expected: '', got: undefined };

export const parseWorkerSettings: Parse<WorkerSettings> = (raw) => (settings(raw, 0, problem) ? raw : fieldError('the nanny', 'worker options', problem));
