/**
 * A message link over a Node IPC channel that carries messages of any size. Node's IPC
 * (`serialization: 'advanced'`) cannot carry a message of 2 GiB or more: the receiving side
 * fails inside Node ("Unable to deserialize cloned data") and the process dies, with nothing
 * the program can catch. So each message is serialized here (V8's serializer, the same format
 * Node's advanced IPC uses), sent whole when small, and in pieces below the limit when large,
 * which the other side reassembles before deserializing. Pieces go one at a time, each after
 * the previous one was written, and later messages wait behind them: memory stays bounded and
 * messages arrive in the order they were sent. A message V8 cannot serialize throws from
 * `send`, so the caller can fail the task that produced it.
 */
import { deserialize, serialize } from 'node:v8';
import type { RawLink } from './raw-link.js';

/** What both ends of an IPC channel offer: `process` in a child, the ChildProcess in the parent. */
export interface IpcPort {
  send(message: unknown, callback: (error: Error | null) => void): boolean;
  on(event: 'message', listener: (message: unknown) => void): unknown;
}

/** Pieces of this many bytes at most: far below the 2 GiB Node's IPC can carry in one message. */
const DEFAULT_PIECE_BYTES = 256 * 1024 * 1024;

/**
 * The piece size: TSDASK_IPC_PIECE_BYTES (internal: tests set it small, in the parent before
 * executors start, so both ends chunk small messages), else the default.
 */
function pieceBytes(): number {
  const raw = process.env.TSDASK_IPC_PIECE_BYTES;
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isInteger(n) && n > 0 ? n : DEFAULT_PIECE_BYTES;
}

/** A whole message, or one piece of a large one: [id, piece index, pieces, total bytes]. */
const WHOLE = '\u0000tsdask-ipc';
const PIECE = '\u0000tsdask-ipc-piece';
type Envelope = { [WHOLE]: Uint8Array } | { [PIECE]: [number, number, number, number]; b: Uint8Array };

/** Counts of messages that travelled in pieces, in this process (for tests and diagnostics). */
export const ipcStats = { sentInPieces: 0, receivedInPieces: 0 };

function isEnvelope(m: unknown): m is Envelope {
  return m !== null && typeof m === 'object' && (WHOLE in m || PIECE in m);
}

export interface IpcLinkOptions {
  /** Called instead of a listener when a message cannot be read (the link is then unusable). */
  onBroken(reason: string): void;
  /** False once the channel is gone: sends are dropped (its exit is reported elsewhere). */
  connected(): boolean;
}

export function ipcLink(port: IpcPort, opts: IpcLinkOptions): RawLink {
  const limit = pieceBytes();
  let nextId = 1;
  /** Pieces (or whole messages) waiting for the one being written. */
  const queue: Envelope[] = [];
  let writing = false;

  const pump = (): void => {
    if (writing) return;
    const next = queue.shift();
    if (next === undefined) return;
    if (!opts.connected()) {
      queue.length = 0;
      return;
    }
    writing = true;
    port.send(next, () => {
      writing = false;
      pump();
    });
  };

  const send = (message: unknown): void => {
    if (!opts.connected()) return;
    const bytes = serialize(message);
    if (bytes.byteLength <= limit) {
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
    const n = Math.ceil(bytes.byteLength / limit);
    for (let i = 0; i < n; i++)
      queue.push({ [PIECE]: [id, i, n, bytes.byteLength], b: bytes.subarray(i * limit, Math.min(bytes.byteLength, (i + 1) * limit)) });
    ipcStats.sentInPieces++;
    pump();
  };

  const listeners: Array<(message: unknown) => void> = [];
  const partial = new Map<number, { whole: Buffer; at: number }>();
  const deliver = (bytes: Uint8Array): void => {
    let message: unknown;
    try {
      message = deserialize(bytes);
    } catch (e) {
      opts.onBroken(`sent a message of ${bytes.byteLength} bytes that could not be read: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    for (const l of listeners) l(message);
  };
  port.on('message', (m) => {
    // Messages sent around this link (the executor's "ready") pass as they are.
    if (!isEnvelope(m)) {
      for (const l of listeners) l(m);
      return;
    }
    if (WHOLE in m) return deliver(m[WHOLE]);
    const [id, i, n, total] = m[PIECE];
    let p = partial.get(id);
    if (p === undefined) {
      p = { whole: Buffer.allocUnsafe(total), at: 0 };
      partial.set(id, p);
    }
    p.whole.set(m.b, p.at);
    p.at += m.b.byteLength;
    if (i < n - 1) return;
    partial.delete(id);
    if (p.at !== total) return opts.onBroken(`sent a message in pieces of ${p.at} bytes, announced as ${total} (protocol error)`);
    ipcStats.receivedInPieces++;
    deliver(p.whole);
  });

  return {
    send: (m) => send(m),
    onMessage: (l) => {
      listeners.push(l);
    },
  };
}
