/**
 * How messages travel between scheduler, workers, nannies and clients.
 *
 * One websocket message carries a batch of messages: a JSON header (a list of messages) and the
 * binary frames that their payloads point into. Payloads are serialized values (a header
 * string plus raw buffers, see core/serialize.ts) that routers such as the scheduler forward
 * without decoding.
 *
 *   u32 headerBytes | header (UTF-8 JSON) | u32 frameCount | u32 length x frameCount | frames
 */
import { type Check, isRecord } from './check.js';
import { ProtocolError } from './errors.js';

/** Bumped whenever a message changes shape; peers with another version are refused. */
export const PROTOCOL_VERSION = 2;

/** A serialized value: a header string plus binary frames (the same shape as serialize.Frames). */
export interface Payload {
  header: string;
  frames: Uint8Array[];
}

/** A payload inside a message: its header text and where its frames sit in the batch (absent: no frames). */
export interface PayloadRef {
  header: string;
  firstFrame?: number;
  frameCount?: number;
}

export function packMessage(messages: readonly object[], frames: readonly Uint8Array[]): Buffer {
  const header = Buffer.from(JSON.stringify(messages), 'utf8');
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

/** Split a batch into its messages (not checked yet: each direction's parser does that) and frames. */
export function unpackMessage(buf: Uint8Array): { messages: readonly unknown[]; frames: Uint8Array[] } {
  const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < 8) throw new ProtocolError(`message of ${b.length} bytes is too short to be a tsdask message`, undefined, undefined);
  const hlen = b.readUInt32LE(0);
  if (4 + hlen + 4 > b.length) throw new ProtocolError('truncated message header (is the peer a tsdask process?)', undefined, undefined);
  let messages: unknown;
  try {
    messages = JSON.parse(b.toString('utf8', 4, 4 + hlen));
  } catch {
    throw new ProtocolError('message header is not JSON (is the peer a tsdask process of the same version?)', undefined, undefined);
  }
  if (!Array.isArray(messages)) throw new ProtocolError('message header is not a list of messages', undefined, undefined);
  let at = 4 + hlen;
  const n = b.readUInt32LE(at);
  at += 4;
  if (at + 4 * n > b.length) throw new ProtocolError('truncated frame table', undefined, undefined);
  const lens: number[] = [];
  for (let i = 0; i < n; i++) {
    lens.push(b.readUInt32LE(at));
    at += 4;
  }
  const frames: Uint8Array[] = [];
  for (const len of lens) {
    if (at + len > b.length) throw new ProtocolError('truncated message frames', undefined, undefined);
    frames.push(new Uint8Array(b.buffer, b.byteOffset + at, len));
    at += len;
  }
  return { messages, frames };
}

/** A payload reference whose frames lie within its message (checked against the frame count). */
export const payloadRef: Check<PayloadRef> = (v, frames, p): v is PayloadRef => {
  if (isRecord(v) && typeof v.header === 'string') {
    const first = v.firstFrame;
    const count = v.frameCount;
    if (first === undefined && count === undefined) return true;
    if (
      typeof first === 'number' &&
      typeof count === 'number' &&
      Number.isInteger(first) &&
      Number.isInteger(count) &&
      first >= 0 &&
      count >= 0 &&
      first + count <= frames
    )
      return true;
    p.path = 'frameCount';
    p.expected = `a frame range within the ${frames} frame(s) of its message`;
    p.got = count;
    return false;
  }
  p.path = '';
  p.expected = 'a payload reference { header, firstFrame?, frameCount? }';
  p.got = v;
  return false;
};

/** Rebuild a payload from its reference and the message's frames. */
export function resolvePayload(ref: PayloadRef, frames: readonly Uint8Array[]): Payload {
  const first = ref.firstFrame ?? 0;
  const count = ref.frameCount ?? 0;
  if (count === 0) return { header: ref.header, frames: [] };
  return { header: ref.header, frames: frames.slice(first, first + count) };
}

/**
 * Copy frames out of a received message, so keeping the payload does not pin the whole message;
 * with `onlyViews`, frames that already own their buffer are kept as they are.
 */
export function detach(p: Payload, onlyViews = false): Payload {
  if (p.frames.length === 0) return p;
  if (onlyViews && p.frames.every((f) => f.byteLength === f.buffer.byteLength)) return p;
  return { header: p.header, frames: p.frames.map((f) => new Uint8Array(f)) };
}
