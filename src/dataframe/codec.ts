/**
 * Binary encoding of partitions: a small JSON-able meta (names, dtypes, length) plus one raw
 * buffer per column, so a frame crosses threads, pipes and sockets without per-cell work.
 * String dictionaries travel as one UTF-8 buffer (joined by NUL when no value holds NUL,
 * else with an Int32 offsets buffer).
 */
import { shareFrame } from './shared.js';
import { type Column, type ColumnData, type DType, Frame, lazyStringColumn, StringBytes, stringBytesOf } from './frame.js';

export interface FrameMeta {
  names: string[];
  length: number;
  /** Per column (index last when present): dtype and how its dictionary is stored. */
  cols: ColumnMeta[];
  hasIndex: boolean;
}

interface ColumnMeta {
  dtype: DType;
  /** strings: number of dictionary entries; 'nul' = joined by NUL, 'offsets' = offsets buffer follows. */
  dictSize?: number;
  dictMode?: 'nul' | 'offsets' | 'bytes';
  /** 'bytes' mode: the text decodes byte by byte (latin1 or ASCII). */
  oneByte?: boolean;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function isFrame(x: unknown): x is Frame {
  return x instanceof Frame;
}

function ownCopy<T extends ColumnData>(v: T): T {
  return (v.buffer instanceof SharedArrayBuffer ? v : v.slice()) as T;
}

function encodeColumn(c: Column, metas: ColumnMeta[], buffers: ArrayBufferView[]): void {
  // A copy (a memcpy, cheap next to any per-cell work): kernels share column buffers between
  // frames (select, rename, filter-all), so a scheduler transferring the buffers of a frame it
  // drops must not detach a column another live frame still reads.
  buffers.push(ownCopy(c.data));
  if (c.dtype !== 'string') {
    metas.push({ dtype: c.dtype });
    return;
  }
  const raw = stringBytesOf(c);
  if (raw !== undefined) {
    // Still bytes: send them as they are (no string is created to encode it).
    metas.push({ dtype: c.dtype, dictSize: raw.size, dictMode: 'bytes', oneByte: raw.oneByte });
    // Shared memory (threads) is sent as it is: no thread writes into it.
    buffers.push(ownCopy(raw.bytes), ownCopy(raw.offsets));
    return;
  }
  const dict = c.dict!;
  const joined = dict.join('\u0000');
  if (!dict.some((s) => s.includes('\u0000'))) {
    metas.push({ dtype: c.dtype, dictSize: dict.length, dictMode: 'nul' });
    buffers.push(encoder.encode(joined));
    return;
  }
  const bytes: Uint8Array[] = [];
  const offsets = new Int32Array(dict.length + 1);
  let at = 0;
  for (let i = 0; i < dict.length; i++) {
    const b = encoder.encode(dict[i]);
    bytes.push(b);
    at += b.length;
    offsets[i + 1] = at;
  }
  const all = new Uint8Array(at);
  let p = 0;
  for (const b of bytes) {
    all.set(b, p);
    p += b.length;
  }
  metas.push({ dtype: c.dtype, dictSize: dict.length, dictMode: 'offsets' });
  buffers.push(all, offsets);
}

export function toFrames(f: Frame): { meta: FrameMeta; buffers: ArrayBufferView[] } {
  const cols: ColumnMeta[] = [];
  const buffers: ArrayBufferView[] = [];
  for (const c of f.columns) encodeColumn(c, cols, buffers);
  if (f.index) encodeColumn(f.index, cols, buffers);
  return { meta: { names: [...f.names], length: f.length, cols, hasIndex: f.index !== undefined }, buffers };
}

/** A typed view over frame bytes; copies only when the bytes are not aligned for the type. */
function view(bytes: Uint8Array, dtype: DType): ColumnData {
  const size = dtype === 'bool' ? 1 : dtype === 'int32' || dtype === 'string' ? 4 : 8;
  let b = bytes;
  if (b.byteOffset % size !== 0) b = b.slice();
  const n = b.byteLength / size;
  if (size === 1) return new Uint8Array(b.buffer, b.byteOffset, n);
  if (size === 4) return new Int32Array(b.buffer, b.byteOffset, n);
  return new Float64Array(b.buffer, b.byteOffset, n);
}

export function fromFrames(metaIn: unknown, buffers: Uint8Array[]): Frame {
  const meta = metaIn as FrameMeta;
  let b = 0;
  const cols: Column[] = [];
  for (const cm of meta.cols) {
    const data = view(buffers[b++], cm.dtype);
    if (cm.dtype !== 'string') {
      cols.push({ dtype: cm.dtype, data });
      continue;
    }
    const bytes = buffers[b++];
    if (cm.dictMode === 'bytes') {
      const offsets = view(buffers[b++], 'int32') as Int32Array;
      cols.push(lazyStringColumn(data as Int32Array, new StringBytes(bytes, offsets, cm.oneByte === true)));
      continue;
    }
    let dict: string[];
    if (cm.dictMode === 'nul') {
      dict = cm.dictSize === 0 ? [] : decoder.decode(bytes).split('\u0000');
    } else {
      const offsets = view(buffers[b++], 'int32') as Int32Array;
      const size = cm.dictSize ?? 0;
      dict = new Array<string>(size);
      for (let i = 0; i < size; i++) dict[i] = decoder.decode(bytes.subarray(offsets[i], offsets[i + 1]));
    }
    cols.push({ dtype: 'string', data, dict });
  }
  const index = meta.hasIndex ? cols.pop() : undefined;
  return new Frame(meta.names, cols, meta.length, index);
}

/** The spec handed to serialize.ts `registerType('tsdask.frame', frameCodec)`. */
export const frameCodec = { test: isFrame, toFrames, fromFrames, toShared: shareFrame };
