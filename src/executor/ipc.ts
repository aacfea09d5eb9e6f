/**
 * A message link over a Node IPC channel that carries messages of any size, with one copy of
 * each large binary buffer per receiving process.
 *
 * Each message is serialized here with V8's serializer (the format Node's advanced IPC uses),
 * except that typed arrays of RAW_BYTES or more are left out of it: the serialized form holds
 * an index in their place, and their bytes travel after it as raw pieces read straight from
 * the sender's own memory (no serialized copy of them, the same source memory for every
 * receiver). The receiver allocates each such array once, at its final size, and fills it
 * piece by piece, so it holds one copy plus the piece in flight. Node's IPC cannot carry a
 * message of 2 GiB or more (the receiver fails inside Node, "Unable to deserialize cloned
 * data", and dies), so the serialized part is also sent in pieces when large. Pieces go one at
 * a time, each after the previous one was written, and later messages wait behind them: memory
 * stays bounded and messages arrive in the order they were sent. A message V8 cannot
 * serialize throws from `send`, so the caller can fail the task that produced it.
 */
import { DefaultDeserializer, DefaultSerializer } from 'node:v8';
import { TYPED_ARRAY_KINDS } from '../core/typed-arrays.js';
import type { RawLink } from './raw-link.js';

// Node documents these hooks (v8.Serializer's host objects) but @types/node omits them.
declare module 'v8' {
  interface DefaultSerializer {
    _writeHostObject(object: object): void;
  }
  interface DefaultDeserializer {
    _readHostObject(): unknown;
  }
}

/** What both ends of an IPC channel offer: `process` in a child, the ChildProcess in the parent. */
export interface IpcPort {
  send(message: unknown, callback: (error: Error | null) => void): boolean;
  on(event: 'message', listener: (message: unknown) => void): unknown;
}

/** Pieces of this many bytes at most: far below the 2 GiB Node's IPC can carry in one message. */
const DEFAULT_PIECE_BYTES = 256 * 1024 * 1024;
/** Raw pieces are smaller: Node copies each piece once on each side while it is in flight. */
const RAW_PIECE_BYTES = 4 * 1024 * 1024;
/** Typed arrays this large travel raw; smaller ones are cheaper inside the serialized message. */
const RAW_BYTES = 64 * 1024;

/**
 * The piece size: TSDASK_IPC_PIECE_BYTES (internal: tests set it small, in the parent before
 * executors start, so both ends chunk small messages), else the default.
 */
function pieceBytes(): number {
  const raw = process.env.TSDASK_IPC_PIECE_BYTES;
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isInteger(n) && n > 0 ? n : DEFAULT_PIECE_BYTES;
}

const WHOLE = '\u0000tsdask-ipc';
/** The start of a message in pieces: [id, serialized bytes, raw arrays as [type, byte length]...]. */
const START = '\u0000tsdask-ipc-start';
/** One piece: [id, index]; the bytes continue where the previous piece of the message ended. */
const PIECE = '\u0000tsdask-ipc-piece';
type RawSpec = [type: number, bytes: number];
type Envelope = { [WHOLE]: Uint8Array } | { [START]: [number, number, RawSpec[]] } | { [PIECE]: [number, number]; b: Uint8Array };

/** Counts of messages that travelled in pieces, in this process (for tests and diagnostics). */
export const ipcStats = { sentInPieces: 0, receivedInPieces: 0, rawBytesSent: 0 };

function isEnvelope(m: unknown): m is Envelope {
  return m !== null && typeof m === 'object' && (WHOLE in m || START in m || PIECE in m);
}

/** Raw array types by index on the wire (both ends run this same table). */
const RAW_TYPES = TYPED_ARRAY_KINDS;
const BUFFER_TYPE = RAW_TYPES.length;
const DATAVIEW_TYPE = RAW_TYPES.length + 1;

function rawType(v: ArrayBufferView): number {
  if (Buffer.isBuffer(v)) return BUFFER_TYPE;
  if (v instanceof DataView) return DATAVIEW_TYPE;
  const i = RAW_TYPES.findIndex((C) => v.constructor === C);
  // A subclass of a typed array: its base type (structured clone drops the subclass too).
  return i >= 0 ? i : RAW_TYPES.findIndex((C) => v instanceof C);
}

function rawView(type: number, bytes: number): ArrayBufferView {
  const buf = new ArrayBuffer(bytes);
  if (type === BUFFER_TYPE) return Buffer.from(buf);
  if (type === DATAVIEW_TYPE) return new DataView(buf);
  const C = RAW_TYPES[type];
  return new C(buf, 0, bytes / C.BYTES_PER_ELEMENT);
}

/** V8's default serializer with large typed arrays replaced by indices into `raws`. */
class RawSerializer extends DefaultSerializer {
  readonly raws: ArrayBufferView[] = [];
  override _writeHostObject(v: object): void {
    if (ArrayBuffer.isView(v) && v.byteLength >= RAW_BYTES && rawType(v) >= 0) {
      this.writeUint32(1);
      this.writeUint32(this.raws.length);
      this.raws.push(v);
      return;
    }
    this.writeUint32(0);
    super._writeHostObject(v);
  }
}

class RawDeserializer extends DefaultDeserializer {
  constructor(
    bytes: Uint8Array,
    private readonly raws: readonly ArrayBufferView[],
  ) {
    super(bytes);
  }
  override _readHostObject(): unknown {
    if (this.readUint32() === 1) return this.raws[this.readUint32()];
    return super._readHostObject();
  }
}

function encode(message: unknown): [Uint8Array, ArrayBufferView[]] {
  const s = new RawSerializer();
  s.writeHeader();
  s.writeValue(message);
  return [s.releaseBuffer(), s.raws];
}

function decode(bytes: Uint8Array, raws: readonly ArrayBufferView[]): unknown {
  const d = new RawDeserializer(bytes, raws);
  d.readHeader();
  return d.readValue();
}

function bytesOf(v: ArrayBufferView): Uint8Array {
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}

export interface IpcLinkOptions {
  /** Called instead of a listener when a message cannot be read (the link is then unusable). */
  onBroken(reason: string): void;
  /** False once the channel is gone: sends are dropped (its exit is reported elsewhere). */
  connected(): boolean;
}

/** A message being sent in pieces: its parts in order, and where the next piece starts. */
interface Outgoing {
  id: number;
  parts: Uint8Array[];
  part: number;
  at: number;
  index: number;
}

/** A message being received in pieces: its buffers in order, filled up to `part`/`at`. */
interface Incoming {
  id: number;
  header: Uint8Array;
  raws: ArrayBufferView[];
  parts: Uint8Array[];
  part: number;
  at: number;
  next: number;
}

export function ipcLink(port: IpcPort, opts: IpcLinkOptions): RawLink {
  const limit = pieceBytes();
  const rawLimit = Math.min(limit, RAW_PIECE_BYTES);
  let nextId = 1;
  /** Whole messages and messages in pieces waiting for the one being written. */
  const queue: Array<Envelope | Outgoing> = [];
  let writing = false;

  /** The next envelope to write: a queued whole one, or the next piece of the first message in pieces. */
  const take = (): Envelope | undefined => {
    const head = queue[0];
    if (head === undefined) return undefined;
    if (!('parts' in head)) return queue.shift() as Envelope;
    while (head.part < head.parts.length && head.at >= head.parts[head.part].byteLength) {
      head.part++;
      head.at = 0;
    }
    if (head.part >= head.parts.length) {
      queue.shift();
      return take();
    }
    const src = head.parts[head.part];
    // The serialized part goes in big pieces; raw arrays in smaller ones (copied once per side in flight).
    const size = head.part === 0 ? limit : rawLimit;
    const b = src.subarray(head.at, Math.min(src.byteLength, head.at + size));
    head.at += b.byteLength;
    // Drop the reference to a part once fully written, so the sender's copy can go.
    if (head.at >= src.byteLength) head.parts[head.part] = EMPTY;
    return { [PIECE]: [head.id, head.index++], b };
  };

  const pump = (): void => {
    if (writing) return;
    if (!opts.connected()) {
      queue.length = 0;
      return;
    }
    const next = take();
    if (next === undefined) return;
    writing = true;
    port.send(next, () => {
      writing = false;
      pump();
    });
  };

  const send = (message: unknown): void => {
    if (!opts.connected()) return;
    const [bytes, raws] = encode(message);
    if (raws.length === 0 && bytes.byteLength <= limit) {
      const whole: Envelope = { [WHOLE]: bytes };
      // Nothing in flight: send at once (the common case; no queue, no extra tick).
      if (!writing && queue.length === 0) port.send(whole, () => undefined);
      else {
        queue.push(whole);
        pump();
      }
      return;
    }
    const id = nextId++;
    const specs: RawSpec[] = raws.map((v) => [rawType(v), v.byteLength]);
    queue.push({ [START]: [id, bytes.byteLength, specs] });
    queue.push({ id, parts: [bytes, ...raws.map(bytesOf)], part: 0, at: 0, index: 0 });
    ipcStats.sentInPieces++;
    for (const r of raws) ipcStats.rawBytesSent += r.byteLength;
    pump();
  };

  const listeners: Array<(message: unknown) => void> = [];
  let incoming: Incoming | undefined;
  const deliver = (bytes: Uint8Array, raws: readonly ArrayBufferView[]): void => {
    let message: unknown;
    try {
      message = decode(bytes, raws);
    } catch (e) {
      opts.onBroken(`sent a message of ${bytes.byteLength} bytes that could not be read: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    for (const l of listeners) l(message);
  };

  const start = ([id, headerBytes, specs]: [number, number, RawSpec[]]): void => {
    if (incoming !== undefined) return opts.onBroken(`started message ${id} before message ${incoming.id} was complete (protocol error)`);
    const header = Buffer.allocUnsafe(headerBytes);
    const raws = specs.map(([type, n]) => rawView(type, n));
    incoming = { id, header, raws, parts: [header, ...raws.map(bytesOf)], part: 0, at: 0, next: 0 };
    finishIfComplete();
  };

  const piece = ([id, index]: [number, number], b: Uint8Array): void => {
    const m = incoming;
    if (m === undefined || m.id !== id || m.next !== index) return opts.onBroken(`sent piece ${index} of message ${id} out of order (protocol error)`);
    m.next++;
    let from = 0;
    while (from < b.byteLength) {
      while (m.part < m.parts.length && m.at >= m.parts[m.part].byteLength) {
        m.part++;
        m.at = 0;
      }
      if (m.part >= m.parts.length) return opts.onBroken(`sent more bytes than announced for message ${id} (protocol error)`);
      const dst = m.parts[m.part];
      const n = Math.min(b.byteLength - from, dst.byteLength - m.at);
      dst.set(b.subarray(from, from + n), m.at);
      m.at += n;
      from += n;
    }
    finishIfComplete();
  };

  const finishIfComplete = (): void => {
    const m = incoming;
    if (m === undefined) return;
    while (m.part < m.parts.length && m.at >= m.parts[m.part].byteLength) {
      m.part++;
      m.at = 0;
    }
    if (m.part < m.parts.length) return;
    incoming = undefined;
    ipcStats.receivedInPieces++;
    deliver(m.header, m.raws);
  };

  port.on('message', (m) => {
    // Messages sent around this link (the executor's "ready") pass as they are.
    if (!isEnvelope(m)) {
      for (const l of listeners) l(m);
      return;
    }
    if (WHOLE in m) return deliver(m[WHOLE], []);
    if (START in m) return start(m[START]);
    piece(m[PIECE], m.b);
  });

  return {
    send: (m) => send(m),
    onMessage: (l) => {
      listeners.push(l);
    },
  };
}

const EMPTY = new Uint8Array(0);
