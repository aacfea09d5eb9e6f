/**
 * Wire format shared by scheduler, workers, nannies and clients.
 *
 * One websocket message carries a batch of operations: a JSON header (an array of ops) and the
 * binary frames that ops' payloads point into. Payloads are serialized values (a superjson
 * header plus raw buffers, see core/serialize.ts) that routers such as the scheduler forward
 * without decoding.
 *
 *   u32 headerBytes | header (UTF-8 JSON) | u32 frameCount | u32 length x frameCount | frames
 */

/** Bumped whenever a message changes shape; peers with another version are refused. */
export const PROTOCOL_VERSION = 1;

/** A serialized value: a header string plus binary frames (the same shape as serialize.Frames). */
export interface Payload {
  header: string;
  frames: Uint8Array[];
}

/** A payload inside an op header: the header text and where its frames sit in the batch. */
export interface WirePayload {
  h: string;
  /** Index of the first frame in the message and the number of frames (absent: no frames). */
  i?: number;
  n?: number;
}

export interface Op {
  op: string;
  [field: string]: unknown;
}

export function packMessage(ops: readonly Op[], frames: readonly Uint8Array[]): Buffer {
  const header = Buffer.from(JSON.stringify(ops), 'utf8');
  let size = 8 + header.length + 4 * frames.length;
  for (const f of frames) size += f.byteLength;
  const out = Buffer.allocUnsafe(size);
  out.writeUInt32LE(header.length, 0);
  header.copy(out, 4);
  let at = 4 + header.length;
  out.writeUInt32LE(frames.length, at);
  at += 4;
  for (const f of frames) {
    out.writeUInt32LE(f.byteLength, at);
    at += 4;
  }
  for (const f of frames) {
    out.set(f, at);
    at += f.byteLength;
  }
  return out;
}

export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

export function unpackMessage(buf: Uint8Array): { ops: Op[]; frames: Uint8Array[] } {
  const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < 8) throw new ProtocolError(`message of ${b.length} bytes is too short to be a tsdask message`);
  const hlen = b.readUInt32LE(0);
  if (4 + hlen + 4 > b.length) throw new ProtocolError('truncated message header (is the peer a tsdask process?)');
  let ops: unknown;
  try {
    ops = JSON.parse(b.toString('utf8', 4, 4 + hlen));
  } catch {
    throw new ProtocolError('message header is not JSON (is the peer a tsdask process of the same version?)');
  }
  if (!Array.isArray(ops)) throw new ProtocolError('message header is not a list of operations');
  let at = 4 + hlen;
  const n = b.readUInt32LE(at);
  at += 4;
  const lens: number[] = [];
  for (let i = 0; i < n; i++) {
    lens.push(b.readUInt32LE(at));
    at += 4;
  }
  const frames: Uint8Array[] = [];
  for (const len of lens) {
    if (at + len > b.length) throw new ProtocolError('truncated message frames');
    frames.push(new Uint8Array(b.buffer, b.byteOffset + at, len));
    at += len;
  }
  return { ops: ops as Op[], frames };
}

/** Rebuild a payload from its wire reference and the message's frames. */
export function fromWire(w: WirePayload, frames: readonly Uint8Array[]): Payload {
  if (w.n === undefined || w.n === 0) return { header: w.h, frames: [] };
  return { header: w.h, frames: frames.slice(w.i!, w.i! + w.n) };
}

/** Copy frames out of a received message so keeping the payload does not pin the whole message. */
export function detach(p: Payload): Payload {
  if (p.frames.length === 0) return p;
  return { header: p.header, frames: p.frames.map((f) => new Uint8Array(f)) };
}

export function payloadBytes(p: Payload): number {
  let n = p.header.length;
  for (const f of p.frames) n += f.byteLength;
  return n;
}

/** An error as it travels between processes: enough to rebuild a readable Error. */
export interface WireError {
  name: string;
  message: string;
  stack?: string;
  /** Key of the task that raised it, when it came from a task. */
  taskKey?: string;
  /** Extra machine-readable kind: 'killed-worker', 'lost-data', 'cancelled', 'serialization', ... */
  kind?: string;
}

export function toWireError(err: unknown, taskKey?: string, kind?: string): WireError {
  if (err instanceof Error) {
    const e = err as Error & { taskKey?: string; kind?: string };
    return { name: e.name, message: e.message, stack: e.stack, taskKey: taskKey ?? e.taskKey, kind: kind ?? e.kind };
  }
  let text: string;
  try {
    text = typeof err === 'string' ? err : JSON.stringify(err);
  } catch {
    text = Object.prototype.toString.call(err);
  }
  return { name: 'Error', message: `task threw a non-Error value: ${text}`, taskKey, kind };
}
