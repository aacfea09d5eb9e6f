/**
 * Shared memory for the threads scheduler: typed arrays backed by a SharedArrayBuffer are seen
 * by every worker thread through views, so a value placed here once is never copied again on
 * its way between threads (structured clone shares SharedArrayBuffers instead of copying).
 *
 * The small API other parts build on (e.g. a parser that wants its columns shared from birth):
 * - `sharedFloat64(n)`, `sharedInt32(n)`, `sharedUint8(n)`: zero-filled arrays in shared memory;
 * - `isShared(v)`: whether a view already lives in shared memory (nothing to do);
 * - `toShared(v)`: `v` itself when shared, else one copy of its bytes into shared memory, same type;
 * - `SHARE_BYTES`: views smaller than this are cheaper to clone than to share.
 */

/** Below this many bytes a value is cloned per thread as before: a clone is cheaper than a shared allocation. */
export const SHARE_BYTES = 64 * 1024;

export type SharableView =
  | Float64Array
  | Float32Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | BigInt64Array
  | BigUint64Array;

export function isShared(v: ArrayBufferView): boolean {
  return v.buffer instanceof SharedArrayBuffer;
}

export function sharedFloat64(n: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(n * 8));
}

export function sharedInt32(n: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(n * 4));
}

export function sharedUint8(n: number): Uint8Array {
  return new Uint8Array(new SharedArrayBuffer(n));
}

/** Bytes of any view, as a Uint8Array over the same memory (no copy). */
export function bytesOf(v: ArrayBufferView): Uint8Array {
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}

/**
 * `v` in shared memory: itself when it already is, else one copy (a Buffer becomes a Uint8Array,
 * as structured clone would make it; a DataView stays a DataView).
 */
export function toShared<T extends ArrayBufferView>(v: T): T;
export function toShared(v: ArrayBufferView): ArrayBufferView {
  if (isShared(v)) return v;
  const sab = new SharedArrayBuffer(v.byteLength);
  new Uint8Array(sab).set(bytesOf(v));
  return viewLike(v, sab);
}

/** A view of the same type and length as `like` over the start of `buffer`. */
export function viewLike(like: ArrayBufferView, buffer: SharedArrayBuffer): ArrayBufferView {
  if (like instanceof DataView) return new DataView(buffer, 0, like.byteLength);
  if (Buffer.isBuffer(like)) return new Uint8Array(buffer, 0, like.byteLength);
  const C = like.constructor as new (b: SharedArrayBuffer, offset: number, length: number) => ArrayBufferView;
  const size = (like as SharableView).BYTES_PER_ELEMENT;
  return new C(buffer, 0, like.byteLength / size);
}

/** Whether two views hold the same bytes (memcmp speed). */
export function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  if (a.byteLength !== b.byteLength) return false;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}
