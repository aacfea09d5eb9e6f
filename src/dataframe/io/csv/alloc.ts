/**
 * The arrays a block's columns are parsed into. On a worker thread (the threads scheduler) they
 * live in shared memory from birth: the parsed frame then goes to main or another thread as it
 * is (src/core/shared: a shared view is sent without a copy), instead of being copied into
 * shared memory after the parse. On the main thread or in a process, ordinary arrays (a value
 * leaving a process is serialized either way).
 */
import { isMainThread } from 'node:worker_threads';
import { isShared, sharedFloat64, sharedInt32, sharedUint8 } from '../../../core/shared/memory.js';

const shared = !isMainThread;

export function f64(n: number): Float64Array {
  return shared ? sharedFloat64(n) : new Float64Array(n);
}

export function i32(n: number): Int32Array {
  return shared ? sharedInt32(n) : new Int32Array(n);
}

export function u8(n: number): Uint8Array {
  return shared ? sharedUint8(n) : new Uint8Array(n);
}

/** An empty array like `a` (shared when `a` is) with room for n items. */
function like<T extends Uint8Array | Int32Array | Float64Array>(a: T, n: number): T;
function like(a: Uint8Array | Int32Array | Float64Array, n: number): Uint8Array | Int32Array | Float64Array {
  const s = isShared(a);
  if (a instanceof Float64Array) return s ? sharedFloat64(n) : new Float64Array(n);
  if (a instanceof Int32Array) return s ? sharedInt32(n) : new Int32Array(n);
  return s ? sharedUint8(n) : new Uint8Array(n);
}

/** `a` grown to n items (a copy in the same kind of memory). */
export function grown<T extends Uint8Array | Int32Array | Float64Array>(a: T, n: number, keep = a.length): T {
  const b = like(a, n);
  b.set(a.subarray(0, keep));
  return b;
}

/** The first n items: a view when little would be wasted, else a compact copy (in the same kind of memory). */
export function trim<T extends Uint8Array | Int32Array | Float64Array>(a: T, n: number): T {
  if (n >= a.length * 0.8) return a.subarray(0, n) as T;
  const b = like(a, n);
  b.set(a.subarray(0, n));
  return b;
}
