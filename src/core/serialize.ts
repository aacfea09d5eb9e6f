/**
 * Messages as a small header plus raw binary frames. The header is JSON (plain data) or
 * superjson (Date, Map, Set, BigInt, undefined, shared references, KeyRefs, functions as
 * FnSpecs); typed arrays, ArrayBuffers and registered types (DataFrame partitions) travel as
 * frames, never as JSON numbers. Frames are views, not copies: transfer them between threads,
 * write them as-is to sockets with `pack`.
 */
import { SuperJSON } from 'superjson';
type JSONValue = Parameters<SuperJSON['deserialize']>[0]['json'];
import { isPlainObject, isTaskFn, KeyRef, type TaskFn } from './graph.js';
import { describeFunction, type FnSpec, resolveFunction } from './fnspec.js';
import { describeParts, detectPartType, loadPartOfType, partOfType } from './parts.js';
import { TYPED_ARRAY_KINDS } from './typed-arrays.js';

export interface Frames {
  header: string;
  frames: Uint8Array[];
}

export class SerializationError extends Error {
  override name = 'SerializationError';
}

export interface TypeSpec<T> {
  test(x: unknown): x is T;
  toFrames(x: T): { meta: unknown; buffers: ArrayBufferView[] };
  fromFrames(meta: unknown, buffers: Uint8Array[]): T;
  /**
   * Optional: the same value with its large buffers in shared memory (src/core/shared), for the
   * threads scheduler to share it between threads instead of copying it. Types without it are cloned.
   */
  toShared?(x: T): T;
}

const types = new Map<string, TypeSpec<unknown>>();

/** Send instances of a type as `meta` (small, superjson) plus binary buffers. */
export function registerType<T>(name: string, spec: TypeSpec<T>): void {
  types.set(name, spec);
}

/** The registered type `x` belongs to, if any (loading the library part that claims it first). */
export function registeredTypeOf(x: unknown): [string, TypeSpec<unknown>] | undefined {
  if (x === null || typeof x !== 'object') return undefined;
  for (const entry of types) if (entry[1].test(x)) return entry;
  const name = detectPartType(x);
  if (name === undefined) return undefined;
  const spec = types.get(name);
  return spec !== undefined && spec.test(x) ? [name, spec] : undefined;
}

/** The spec of type `name`, loading the library part that registers it first if needed (parts.ts). */
export function getRegisteredType(name: string): TypeSpec<unknown> {
  const t = types.get(name);
  if (t !== undefined) return t;
  loadPartOfType(name);
  const loaded = types.get(name);
  if (loaded !== undefined) return loaded;
  const part = partOfType(name);
  const why =
    part === undefined
      ? `no library part declares it (import the module that calls registerType('${name}', ...))`
      : `library part '${part}' does not register it`;
  throw new SerializationError(`received a value of registered type '${name}', but this process has not registered it: ${why}; ${describeParts()}`);
}

/** Every registered type name in this process, sorted. */
export function registeredTypeNames(): string[] {
  return [...types.keys()].sort();
}

// ---------------------------------------------------------------------------------------
// Typed arrays

type ViewCtor = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => ArrayBufferView;
const VIEWS: Record<string, ViewCtor & { BYTES_PER_ELEMENT?: number }> = {
  ...Object.fromEntries(TYPED_ARRAY_KINDS.map((C) => [C.name, C])),
  DataView,
  Buffer,
};

function viewName(v: ArrayBufferView): string {
  if (Buffer.isBuffer(v)) return 'Buffer';
  const name = (v as object).constructor?.name;
  return name !== undefined && name in VIEWS ? name : 'Uint8Array';
}

/** Bytes of a view without copying, unless it is a small slice of a much larger buffer. */
function bytesOf(v: ArrayBufferView): Uint8Array {
  const u8 = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  const buf = v.buffer;
  const whole = v.byteOffset === 0 && v.byteLength === buf.byteLength;
  if (whole || buf instanceof SharedArrayBuffer || buf.byteLength <= 2 * v.byteLength + 4096) return u8;
  // Cloning or transferring a view carries its whole buffer (a Node Buffer pool, a big slab).
  return u8.slice();
}

export function viewFromBytes(name: string, bytes: Uint8Array): ArrayBufferView {
  if (name === 'Buffer') return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (name === 'Uint8Array') return bytes;
  const Ctor = VIEWS[name];
  if (Ctor === undefined) throw new SerializationError(`unknown typed array type '${name}' in message`);
  if (name === 'DataView') return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = Ctor.BYTES_PER_ELEMENT!;
  const aligned = bytes.byteOffset % size === 0 ? bytes : bytes.slice();
  return new Ctor(aligned.buffer, aligned.byteOffset, aligned.byteLength / size);
}

// ---------------------------------------------------------------------------------------
// superjson with one custom transformer carrying every tsdask-specific value

interface EncodeContext {
  what: string;
  frames: Uint8Array[];
  fns: FnSpec[];
  fnIndex: Map<TaskFn, number>;
}
interface DecodeContext {
  frames: Uint8Array[];
  fns: FnSpec[];
}
let encoding: EncodeContext | undefined;
let decoding: DecodeContext | undefined;

type Tagged =
  ['r', string] | ['f', number] | ['v', string, number] | ['a', number] | ['s', number] | ['t', string, { json: JSONValue; meta?: JSONValue }, number[]];

const SUPPORTED_CLASSES = [Date, RegExp, Map, Set, Error, URL];

function isCarriedNatively(x: object): boolean {
  if (Array.isArray(x) || isPlainObject(x)) return true;
  for (const C of SUPPORTED_CLASSES) if (x instanceof C) return true;
  return false;
}

function addFrame(ctx: EncodeContext, bytes: Uint8Array): number {
  ctx.frames.push(bytes);
  return ctx.frames.length - 1;
}

class Unsupported extends Error {}

const sj = new SuperJSON();
sj.registerCustom<unknown, Tagged>(
  {
    isApplicable: (x: unknown): x is unknown => {
      if (typeof x === 'function' || typeof x === 'symbol') return true;
      if (x === null || typeof x !== 'object') return false;
      return !isCarriedNatively(x);
    },
    serialize: (x): Tagged => {
      const ctx = encoding!;
      if (x instanceof KeyRef) return ['r', x.key];
      if (isTaskFn(x)) {
        let i = ctx.fnIndex.get(x);
        if (i === undefined) {
          ctx.fns.push(describeFunction(x, ctx.what));
          i = ctx.fns.length - 1;
          ctx.fnIndex.set(x, i);
        }
        return ['f', i];
      }
      const reg = registeredTypeOf(x);
      if (reg !== undefined) {
        const { meta, buffers } = reg[1].toFrames(x);
        const idx = buffers.map((b) => addFrame(ctx, bytesOf(b)));
        return ['t', reg[0], sj.serialize(meta), idx];
      }
      if (ArrayBuffer.isView(x)) return ['v', viewName(x), addFrame(ctx, bytesOf(x))];
      if (x instanceof ArrayBuffer) return ['a', addFrame(ctx, new Uint8Array(x))];
      if (x instanceof SharedArrayBuffer) return ['s', addFrame(ctx, new Uint8Array(x))];
      throw new Unsupported();
    },
    deserialize: (t: Tagged): unknown => {
      const ctx = decoding!;
      switch (t[0]) {
        case 'r':
          return new KeyRef(t[1]);
        case 'f':
          return resolveFunction(ctx.fns[t[1]]);
        case 'v':
          return viewFromBytes(t[1], frameAt(ctx, t[2]));
        case 'a':
        case 's': {
          const f = frameAt(ctx, t[1]);
          const whole = f.byteOffset === 0 && f.byteLength === f.buffer.byteLength;
          return whole ? f.buffer : f.slice().buffer;
        }
        case 't':
          return getRegisteredType(t[1]).fromFrames(
            sj.deserialize(t[2] as never),
            t[3].map((i) => frameAt(ctx, i)),
          );
      }
    },
  },
  'tsdask',
);

function frameAt(ctx: DecodeContext, i: number): Uint8Array {
  const f = ctx.frames[i];
  if (f === undefined) throw new SerializationError(`message refers to frame ${i}, but it has only ${ctx.frames.length} frames`);
  return f;
}

// ---------------------------------------------------------------------------------------
// Plain-JSON fast path

/** True when JSON carries `x` exactly: no special numbers, no undefined, no sharing, no classes. */
function isPlainJson(x: unknown, seen: Set<object>, depth: number): boolean {
  switch (typeof x) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(x) && !Object.is(x, -0);
    case 'object':
      break;
    default:
      return false;
  }
  if (x === null) return true;
  if (depth > 100 || seen.has(x)) return false;
  seen.add(x);
  if (Array.isArray(x)) {
    for (let i = 0; i < x.length; i++) if (!(i in x) || !isPlainJson(x[i], seen, depth + 1)) return false;
    return true;
  }
  if (Object.getPrototypeOf(x) !== Object.prototype) return false;
  for (const k in x) {
    if (k === '__proto__' || !isPlainJson((x as Record<string, unknown>)[k], seen, depth + 1)) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------
// Error reporting: find the offending value's path

function describeType(x: unknown): string {
  if (typeof x === 'function') return `a function${x.name ? ` '${x.name}'` : ''}`;
  if (typeof x === 'symbol') return `a symbol (${String(x)})`;
  if (x !== null && typeof x === 'object') {
    const name = x.constructor?.name;
    return name ? `an instance of class ${name}` : 'an object with a null prototype';
  }
  return typeof x;
}

function findUnsupported(x: unknown, path: string, seen: Set<object>): { path: string; value: unknown } | undefined {
  if (typeof x === 'symbol') return { path, value: x };
  if (x === null || typeof x !== 'object') return undefined;
  if (seen.has(x)) return undefined;
  seen.add(x);
  if (x instanceof KeyRef || ArrayBuffer.isView(x) || x instanceof ArrayBuffer || x instanceof SharedArrayBuffer) return undefined;
  if (registeredTypeOf(x) !== undefined) return undefined;
  if (!isCarriedNatively(x)) return { path, value: x };
  if (x instanceof Map) {
    let i = 0;
    for (const [k, v] of x) {
      const hit = findUnsupported(k, `${path}.<map key ${i}>`, seen) ?? findUnsupported(v, `${path}.get(${safeKey(k)})`, seen);
      if (hit) return hit;
      i++;
    }
    return undefined;
  }
  if (x instanceof Set) {
    let i = 0;
    for (const v of x) {
      const hit = findUnsupported(v, `${path}.<set item ${i++}>`, seen);
      if (hit) return hit;
    }
    return undefined;
  }
  if (Array.isArray(x)) {
    for (let i = 0; i < x.length; i++) {
      const hit = findUnsupported(x[i], `${path}[${i}]`, seen);
      if (hit) return hit;
    }
    return undefined;
  }
  for (const k of Object.keys(x)) {
    const hit = findUnsupported((x as Record<string, unknown>)[k], /^[A-Za-z_$][\w$]*$/.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k)}]`, seen);
    if (hit) return hit;
  }
  return undefined;
}

function safeKey(k: unknown): string {
  switch (typeof k) {
    case 'string':
      return JSON.stringify(k);
    case 'object':
      return describeType(k);
    default:
      return String(k);
  }
}

export function unsupportedValueError(value: unknown, what: string): SerializationError | undefined {
  const hit = findUnsupported(value, 'value', new Set());
  if (hit === undefined) return undefined;
  return new SerializationError(
    `cannot serialize ${what}: ${hit.path} is ${describeType(hit.value)}, which cannot be sent to another thread, process or machine. ` +
      'Send plain data (objects, arrays, numbers, strings, Date, Map, Set, typed arrays), ' +
      'or register the class with registerType(name, { test, toFrames, fromFrames }).',
  );
}

// ---------------------------------------------------------------------------------------
// encode / decode

/** Encode `value`; `what` names it in errors (e.g. "task 'inc-3fa2…'", "result of task ..."). */
export function encode(value: unknown, what = 'value'): Frames {
  if (isPlainJson(value, new Set(), 0)) return { header: `J${JSON.stringify(value)}`, frames: [] };
  const ctx: EncodeContext = { what, frames: [], fns: [], fnIndex: new Map() };
  const outer = encoding;
  encoding = ctx;
  let out: { json: unknown; meta?: unknown };
  try {
    out = sj.serialize(value);
  } catch (e) {
    if (e instanceof Unsupported) throw unsupportedValueError(value, what) ?? new SerializationError(`cannot serialize ${what}`);
    throw e;
  } finally {
    encoding = outer;
  }
  const header = ctx.fns.length > 0 ? { v: out, f: ctx.fns } : { v: out };
  return { header: `S${JSON.stringify(header)}`, frames: ctx.frames };
}

export function decode(f: Frames): unknown {
  const kind = f.header.charCodeAt(0);
  if (kind === 74 /* J */) return JSON.parse(f.header.slice(1));
  if (kind !== 83 /* S */) throw new SerializationError(`not a tsdask message header (starts with ${JSON.stringify(f.header.slice(0, 8))})`);
  const parsed = JSON.parse(f.header.slice(1)) as { v: never; f?: FnSpec[] };
  const outer = decoding;
  decoding = { frames: f.frames, fns: parsed.f ?? [] };
  try {
    return sj.deserialize(parsed.v);
  } finally {
    decoding = outer;
  }
}

/** ArrayBuffers to transfer with postMessage. Transferring detaches them in the sender. */
export function transferables(f: Frames): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const frame of f.frames) {
    const b = frame.buffer;
    if (!(b instanceof SharedArrayBuffer) && frame.byteOffset === 0 && frame.byteLength === b.byteLength) out.add(b);
  }
  return [...out];
}

// ---------------------------------------------------------------------------------------
// pack / unpack: one buffer for sockets and pipes
//
// layout (little-endian): u32 magic 'TSDF', u32 header bytes, u32 frame count, u32 reserved,
// per frame u32 low + u32 high byte length, header UTF-8, then each frame, 8-byte aligned so
// typed arrays decode as views without copying.

const MAGIC = 0x46445354; // 'TSDF'
const align8 = (n: number) => (n + 7) & ~7;

/** Writes the preamble, frame lengths and header into the front of `out`; returns the aligned head size. */
function writeHead(out: Uint8Array, f: Frames, header: Buffer): number {
  const fixed = 16 + 8 * f.frames.length;
  const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
  dv.setUint32(0, MAGIC, true);
  dv.setUint32(4, header.length, true);
  dv.setUint32(8, f.frames.length, true);
  f.frames.forEach((fr, i) => {
    dv.setUint32(16 + 8 * i, fr.byteLength >>> 0, true);
    dv.setUint32(20 + 8 * i, Math.floor(fr.byteLength / 2 ** 32), true);
  });
  out.set(header, fixed);
  return align8(fixed + header.length);
}

const headSize = (f: Frames, header: Buffer): number => align8(16 + 8 * f.frames.length + header.length);

export function pack(f: Frames): Uint8Array {
  const header = Buffer.from(f.header, 'utf8');
  let size = headSize(f, header);
  for (const fr of f.frames) size += align8(fr.byteLength);
  const out = new Uint8Array(size);
  let at = writeHead(out, f, header);
  for (const fr of f.frames) {
    out.set(fr, at);
    at += align8(fr.byteLength);
  }
  return out;
}

/**
 * The same layout as `pack`, as a list of buffers to write one after another (writev): the
 * frames themselves are not copied, so spilling a large value does not double it in memory.
 */
export function packParts(f: Frames): Uint8Array[] {
  const header = Buffer.from(f.header, 'utf8');
  const head = new Uint8Array(headSize(f, header));
  writeHead(head, f, header);
  const parts: Uint8Array[] = [head];
  const zeros = new Uint8Array(8);
  for (const fr of f.frames) {
    parts.push(fr);
    const pad = align8(fr.byteLength) - fr.byteLength;
    if (pad > 0) parts.push(zeros.subarray(0, pad));
  }
  return parts;
}

/** The frames of a packed message, as views into `buf` (no copy). */
export function unpack(buf: Uint8Array): Frames {
  if (buf.byteLength < 16) throw new SerializationError(`corrupt message: ${buf.byteLength} bytes is shorter than the 16-byte preamble`);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (dv.getUint32(0, true) !== MAGIC) throw new SerializationError('corrupt message: bad magic number (not a packed tsdask message)');
  const headerLen = dv.getUint32(4, true);
  const n = dv.getUint32(8, true);
  const fixed = 16 + 8 * n;
  if (fixed + headerLen > buf.byteLength) throw new SerializationError('corrupt message: header runs past the end');
  const header = Buffer.from(buf.buffer, buf.byteOffset + fixed, headerLen).toString('utf8');
  let at = align8(fixed + headerLen);
  const frames: Uint8Array[] = [];
  // Frames stay 8-byte aligned only if the message itself is; otherwise copy once.
  const base = buf.byteOffset % 8 === 0 ? buf : buf.slice();
  for (let i = 0; i < n; i++) {
    const len = dv.getUint32(16 + 8 * i, true) + dv.getUint32(20 + 8 * i, true) * 2 ** 32;
    if (at + len > base.byteLength) throw new SerializationError(`corrupt message: frame ${i} (${len} bytes) runs past the end`);
    frames.push(base.subarray(at, at + len));
    at += align8(len);
  }
  return { header, frames };
}
