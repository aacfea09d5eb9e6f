/** Records that several messages carry: stored values, per-key errors, function definitions. */
import type { FnSpec } from '../../core/fnspec.js';
import { isResourceName, type Resources } from '../resources.js';
import type { MemoryThresholds } from '../memory-thresholds.js';
import { type Check, fnSpec, isRecord, integer, listOf, literal, number, optional, record, string } from './check.js';
import type { WireError } from './errors.js';
import { type PayloadRef, payloadRef } from './wire.js';

export const wireError: Check<WireError> = record<WireError>(
  { name: string, message: string, stack: optional(string), taskKey: optional(string), kind: optional(string) },
  'an error { name, message, stack?, taskKey?, kind? }',
);

/** Worker resource amounts (`{ GPU: 2 }`): valid names, finite non-negative amounts. */
export const resourceAmounts: Check<Resources> = (v, _f, p): v is Resources => {
  if (isRecord(v)) {
    let ok = true;
    for (const name in v) {
      const n = v[name];
      if (!isResourceName(name) || typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
        p.path = name;
        p.expected = 'a non-negative amount under a resource name (letters, digits, _ . -)';
        p.got = n;
        ok = false;
        break;
      }
    }
    if (ok) return true;
    return false;
  }
  p.path = '';
  p.expected = 'resource amounts such as { GPU: 1 }';
  p.got = v;
  return false;
};

/** A result with its size and type name, as scattered, put on a worker or served to a peer. */
export interface StoredValue {
  key: string;
  value: PayloadRef;
  nbytes: number;
  type: string;
}
export const storedValues = listOf(
  record<StoredValue>({ key: string, value: payloadRef, nbytes: number, type: string }),
  'stored values { key, value, nbytes, type }',
);

/** A value that could not be sent (e.g. it does not serialize). */
export interface KeyError {
  key: string;
  error: WireError;
}
export const keyErrors = listOf(record<KeyError>({ key: string, error: wireError }), 'errors { key, error }');

/** A function's spec under its id: sent once per connection, tasks name the ids they call. */
export interface FunctionDef {
  id: string;
  spec: FnSpec;
}
export const functionDefs = listOf(record<FunctionDef>({ id: string, spec: fnSpec }), 'function definitions { id, spec }');

/** A fraction of the memory limit in (0, 1], or false (off). */
const fraction: Check<number | false> = (v, _f, p): v is number | false => {
  if (v === false || (typeof v === 'number' && v > 0 && v <= 1)) return true;
  p.path = '';
  p.expected = 'a fraction in (0, 1] or false';
  p.got = v;
  return false;
};

export const memoryThresholds: Check<MemoryThresholds> = record<MemoryThresholds>(
  { target: fraction, spill: fraction, pause: fraction, terminate: fraction },
  'memory thresholds { target, spill, pause, terminate }',
);

/** What a worker's previous process died of, when its nanny killed it for memory. */
export interface MemoryKill {
  /** Process memory when it was killed. */
  rss: number;
  limit: number;
}
export const memoryKill: Check<MemoryKill> = record<MemoryKill>({ rss: number, limit: number }, 'a memory kill { rss, limit }');

/** A worker's memory as its last heartbeat reported it (for String(client) and the dashboard). */
export interface WorkerMemory {
  status: 'running' | 'paused';
  /** Process memory as the OS measures it (resident set size). */
  rss: number;
  /** Results held in memory. */
  managed: number;
  /** rss - managed: code, V8 heap beyond results, buffers in flight, memory tasks keep. */
  unmanaged: number;
  /** V8's heap in use (part of rss). */
  heap: number;
  /** Results written to disk. */
  spilled: number;
  spilledCount: number;
  /** Why the worker is paused ('' while running). */
  pauseReason: string;
}
export const workerMemory: Check<WorkerMemory> = record<WorkerMemory>(
  {
    status: literal('running', 'paused'),
    rss: number,
    managed: number,
    unmanaged: number,
    heap: number,
    spilled: number,
    spilledCount: integer,
    pauseReason: string,
  },
  'worker memory { status, rss, managed, unmanaged, heap, spilled, spilledCount, pauseReason }',
);
