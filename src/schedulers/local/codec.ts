/**
 * Values on the local engine's wire. Threads (postMessage) and processes (Node IPC with
 * `serialization: 'advanced'`) both use V8's structured clone, which already carries Date,
 * Map, Set, BigInt, undefined, RegExp, Error and typed arrays at C++ speed. What it cannot
 * carry is rewritten into small marker objects: KeyRefs, functions (as ids of FnSpecs),
 * registered types (as meta + buffers). Class instances it would silently turn into plain
 * objects are rejected with the task key and the path of the value instead.
 */
import { KeyRef } from '../../core/graph.js';
import { registeredTypeOf, getRegisteredType, unsupportedValueError, SerializationError, type TypeSpec } from '../../core/serialize.js';
import { isShared, SHARE_BYTES } from '../../core/shared/memory.js';
import type { TaskFn } from '../../core/graph.js';
import type { FnSpec } from '../../core/functions.js';

/** The one property name of a marker object; no user object uses it. */
export const MARK = '\u0000tsdask';

type Marker = { [MARK]: ['r', string] | ['f', number | FnSpec] | ['t', string, unknown, Uint8Array[]] };

export interface ToWireOptions {
  /** Threads share SharedArrayBuffers; processes need a copy in an ordinary buffer. */
  shared: boolean;
  /** Collect ArrayBuffers that may be transferred (only for values the sender gives up). */
  transfer?: ArrayBuffer[];
  /** A function's wire form: an id of a spec sent separately, or the spec itself. Throws ClosureError. */
  fnId(fn: TaskFn, what: string): number | FnSpec;
  /**
   * Threads only: what to send instead of a large typed array outside shared memory (its copy in
   * shared memory, src/core/shared). Without it such arrays are cloned for each receiver.
   */
  share?(v: ArrayBufferView, what: string): ArrayBufferView;
  /** Threads only: a registered value with its buffers in shared memory (TypeSpec.toShared), or the value itself. */
  shareType?(x: object, spec: TypeSpec<unknown>): object;
}

let marked = false;
let replaced = false;

/**
 * The wire form of `value`, whether it holds markers the receiver must revive, and whether
 * parts of it were replaced by shared copies (the sender may keep the shared form instead).
 */
export function toWire(value: unknown, what: string, opts: ToWireOptions): [unknown, boolean, boolean] {
  marked = false;
  replaced = false;
  const out = walk(value, what, opts, 0);
  return [out, marked, replaced];
}

const NATIVE = [Date, RegExp, Error, Boolean, Number, String];

function walk(x: unknown, what: string, opts: ToWireOptions, depth: number): unknown {
  if (typeof x !== 'object') {
    if (typeof x === 'function') {
      marked = true;
      return { [MARK]: ['f', opts.fnId(x as TaskFn, what)] } satisfies Marker;
    }
    if (typeof x === 'symbol') throw unsupportedValueError(x, what)!;
    return x;
  }
  if (x === null) return x;
  if (depth > 200) throw new SerializationError(`cannot send ${what}: it nests deeper than 200 levels (is it cyclic?)`);
  if (Array.isArray(x)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < x.length; i++) {
      const v = walk(x[i], what, opts, depth + 1);
      if (v !== x[i] && out === undefined) out = x.slice(0, i);
      if (out !== undefined) out.push(v);
    }
    return out ?? x;
  }
  const proto: unknown = Object.getPrototypeOf(x);
  if (proto === Object.prototype || proto === null) {
    let out: Record<string, unknown> | undefined;
    for (const k in x) {
      const v0 = (x as Record<string, unknown>)[k];
      const v = walk(v0, what, opts, depth + 1);
      if (v !== v0 && out === undefined) out = { ...(x as Record<string, unknown>) };
      if (out !== undefined) out[k] = v;
    }
    return out ?? x;
  }
  if (x instanceof KeyRef) {
    marked = true;
    return { [MARK]: ['r', x.key] } satisfies Marker;
  }
  if (ArrayBuffer.isView(x)) {
    if (opts.share !== undefined && x.byteLength >= SHARE_BYTES && !isShared(x)) {
      replaced = true;
      return opts.share(x, what);
    }
    if (!opts.shared) checkProcessSize(x.byteLength, what);
    return view(x, opts);
  }
  if (x instanceof ArrayBuffer) {
    if (!opts.shared) checkProcessSize(x.byteLength, what);
    if (opts.transfer === undefined || x.byteLength < MOVE_BYTES) return x;
    const copy = x.slice(0);
    opts.transfer.push(copy);
    return copy;
  }
  if (x instanceof SharedArrayBuffer) return opts.shared ? x : new Uint8Array(x).slice().buffer;
  const reg = registeredTypeOf(x);
  if (reg !== undefined) {
    let y: object = x;
    if (opts.shareType !== undefined) {
      y = opts.shareType(x, reg[1]);
      if (y !== x) replaced = true;
    }
    const { meta, buffers } = reg[1].toFrames(y);
    marked = true;
    const m = walk(meta, what, opts, depth + 1);
    const bytes = buffers.map((b) => {
      if (!opts.shared) checkProcessSize(b.byteLength, what);
      return view(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), opts, true) as Uint8Array;
    });
    return { [MARK]: ['t', reg[0], m, bytes] } satisfies Marker;
  }
  if (x instanceof Map) {
    let changed = false;
    const entries: [unknown, unknown][] = [];
    for (const [k, v] of x) {
      const k2 = walk(k, what, opts, depth + 1);
      const v2 = walk(v, what, opts, depth + 1);
      if (k2 !== k || v2 !== v) changed = true;
      entries.push([k2, v2]);
    }
    return changed ? new Map(entries) : x;
  }
  if (x instanceof Set) {
    let changed = false;
    const items: unknown[] = [];
    for (const v of x) {
      const v2 = walk(v, what, opts, depth + 1);
      if (v2 !== v) changed = true;
      items.push(v2);
    }
    return changed ? new Set(items) : x;
  }
  for (const C of NATIVE) if (x instanceof C) return x;
  throw unsupportedValueError(x, what) ?? new SerializationError(`cannot send ${what}`);
}

/** V8's serializer, which carries values between processes, records a typed array's length in 32 bits. */
const MAX_PROCESS_BYTES = 2 ** 32 - 1;

function checkProcessSize(bytes: number, what: string): void {
  if (bytes <= MAX_PROCESS_BYTES) return;
  throw new SerializationError(
    `cannot send ${what} to or from a process: it holds one binary buffer of ${bytes} bytes (${(bytes / 2 ** 30).toFixed(2)} GiB), ` +
      'over the 4 GiB one buffer can carry between processes. Fix: split it into smaller pieces (more partitions or chunks), ' +
      'reduce it inside the task, or use the threads scheduler, which shares memory.',
  );
}

/** Views this large move as one copy plus a transfer instead of a clone (two copies). */
const MOVE_BYTES = 64 * 1024;

function copyView(v: ArrayBufferView): ArrayBufferView {
  const copy = new Uint8Array(v.byteLength);
  copy.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  if (Buffer.isBuffer(v)) return Buffer.from(copy.buffer);
  if (v instanceof DataView) return new DataView(copy.buffer);
  const size = (v as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
  return new (v.constructor as new (b: ArrayBuffer, o: number, n: number) => ArrayBufferView)(copy.buffer, 0, v.byteLength / size);
}

/**
 * A typed array on the wire. Shared memory stays shared between threads (and becomes a plain
 * copy for processes). When the caller transfers, a large view is copied once into a fresh
 * buffer that is transferred: the original may still be referenced elsewhere (an input kept
 * in the store, a module-level cache), so it is never detached. Registered types promise fresh
 * buffers (`fresh`) and are transferred as they are.
 */
function view(v: ArrayBufferView, opts: ToWireOptions, fresh = false): ArrayBufferView {
  const buf = v.buffer;
  if (buf instanceof SharedArrayBuffer) return opts.shared ? v : copyView(v);
  const whole = v.byteOffset === 0 && v.byteLength === buf.byteLength;
  if (opts.transfer !== undefined && v.byteLength >= MOVE_BYTES) {
    const out = fresh && whole ? v : copyView(v);
    opts.transfer.push(out.buffer as ArrayBuffer);
    return out;
  }
  // Structured clone copies a view's whole buffer: cut small slices out of big buffers.
  if (!whole && buf.byteLength > 2 * v.byteLength + 4096) return copyView(v);
  return v;
}

/** Frames must start 8-byte aligned so readers can view them as any typed array. */
function aligned(b: Uint8Array): Uint8Array {
  return b.byteOffset % 8 === 0 ? b : b.slice();
}

/** Undo `toWire` without touching its input (the sender's copy may still be forwarded). */
export function fromWire(x: unknown, fn: (id: number | FnSpec) => TaskFn): unknown {
  if (x === null || typeof x !== 'object') return x;
  if (Array.isArray(x)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < x.length; i++) {
      const v = fromWire(x[i], fn);
      if (v !== x[i] && out === undefined) out = x.slice(0, i);
      if (out !== undefined) out.push(v);
    }
    return out ?? x;
  }
  if (x instanceof Map) {
    let changed = false;
    const entries = [...x].map(([k, v]) => {
      const e = [fromWire(k, fn), fromWire(v, fn)] as const;
      if (e[0] !== k || e[1] !== v) changed = true;
      return e;
    });
    return changed ? new Map(entries) : x;
  }
  if (x instanceof Set) {
    let changed = false;
    const items = [...x].map((v) => {
      const v2 = fromWire(v, fn);
      if (v2 !== v) changed = true;
      return v2;
    });
    return changed ? new Set(items) : x;
  }
  const proto: unknown = Object.getPrototypeOf(x);
  if (proto !== Object.prototype && proto !== null) return x;
  const m = (x as Marker)[MARK];
  if (m !== undefined) {
    switch (m[0]) {
      case 'r':
        return new KeyRef(m[1]);
      case 'f':
        return fn(m[1]);
      case 't':
        return getRegisteredType(m[1]).fromFrames(fromWire(m[2], fn), m[3].map(aligned));
    }
  }
  let out: Record<string, unknown> | undefined;
  for (const k in x) {
    const v0 = (x as Record<string, unknown>)[k];
    const v = fromWire(v0, fn);
    if (v !== v0 && out === undefined) out = { ...(x as Record<string, unknown>) };
    if (out !== undefined) out[k] = v;
  }
  return out ?? x;
}

/** ArrayBuffers inside a received wire value (main's own copy), to transfer it onward. */
export function ownedBuffers(x: unknown, out: Set<ArrayBuffer> = new Set(), depth = 0): Set<ArrayBuffer> {
  if (x === null || typeof x !== 'object' || depth > 200) return out;
  if (ArrayBuffer.isView(x)) {
    if (x.buffer instanceof ArrayBuffer && x.byteLength >= MOVE_BYTES) out.add(x.buffer);
  } else if (x instanceof ArrayBuffer) {
    if (x.byteLength >= MOVE_BYTES) out.add(x);
  } else if (Array.isArray(x)) {
    for (const v of x) ownedBuffers(v, out, depth + 1);
  } else if (x instanceof Map) {
    for (const [k, v] of x) {
      ownedBuffers(k, out, depth + 1);
      ownedBuffers(v, out, depth + 1);
    }
  } else if (x instanceof Set) {
    for (const v of x) ownedBuffers(v, out, depth + 1);
  } else if (Object.getPrototypeOf(x) === Object.prototype || Object.getPrototypeOf(x) === null) {
    for (const k in x) ownedBuffers((x as Record<string, unknown>)[k], out, depth + 1);
  }
  return out;
}
