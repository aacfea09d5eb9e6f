/**
 * A batched, request-capable connection over one websocket. Ops sent in the same event-loop
 * turn travel in one message (per-task messages would cost a syscall and a frame each), and
 * `request` pairs an op with its reply by id.
 */
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { type Address, formatAddress, wsUrl } from './address.js';
import { type Op, packMessage, type Payload, ProtocolError, unpackMessage, type WireError, type WirePayload } from './protocol.js';

/** Flush early once a batch holds this many bytes of frames. */
const FLUSH_BYTES = 4 << 20;
/** Largest message accepted: results can be big, but not unbounded. */
export const MAX_MESSAGE = 2 ** 31 - 1;

export class RemoteError extends Error {
  override name = 'RemoteError';
  constructor(
    message: string,
    readonly remote: WireError,
  ) {
    super(message);
  }
}

export class ConnectionClosedError extends Error {
  override name = 'ConnectionClosedError';
}

type Handler = (op: Op, frames: Uint8Array[], conn: Connection) => void;

interface Pending {
  resolve(v: { op: Op; frames: Uint8Array[] }): void;
  reject(e: Error): void;
  timer?: NodeJS.Timeout;
}

export class Connection extends EventEmitter {
  private ops: Op[] = [];
  private frames: Uint8Array[] = [];
  private frameBytes = 0;
  private scheduled = false;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private handler: Handler | undefined;
  closed = false;
  closeReason = '';
  /** Free-form tag set by the owner (which worker or client this is). */
  tag: unknown;

  constructor(
    readonly ws: WebSocket,
    readonly peer: string,
  ) {
    super();
    ws.binaryType = 'nodebuffer';
    ws.on('message', (data: Buffer, isBinary: boolean) => this.receive(data, isBinary));
    ws.on('close', (code: number, reason: Buffer) => this.onClose(code, reason.toString()));
    ws.on('error', (err: Error) => {
      this.closeReason ||= err.message;
    });
  }

  onOp(handler: Handler): void {
    this.handler = handler;
  }

  /** Add a payload's frames to the batch being built; put the result in the next op sent. */
  wire(p: Payload): WirePayload {
    if (p.frames.length === 0) return { h: p.header };
    const w: WirePayload = { h: p.header, i: this.frames.length, n: p.frames.length };
    for (const f of p.frames) {
      this.frames.push(f);
      this.frameBytes += f.byteLength;
    }
    return w;
  }

  send(op: Op): void {
    if (this.closed) return;
    this.ops.push(op);
    if (this.frameBytes >= FLUSH_BYTES) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  flush(): void {
    this.scheduled = false;
    if (this.ops.length === 0 || this.closed) {
      this.ops = [];
      this.frames = [];
      this.frameBytes = 0;
      return;
    }
    const msg = packMessage(this.ops, this.frames);
    this.ops = [];
    this.frames = [];
    this.frameBytes = 0;
    this.ws.send(msg, { binary: true });
  }

  /** Send an op and wait for its reply (an op with the same `rid`). */
  request(op: Op, timeoutMs = 0): Promise<{ op: Op; frames: Uint8Array[] }> {
    if (this.closed) return Promise.reject(new ConnectionClosedError(`connection to ${this.peer} is closed${this.closeReason ? ` (${this.closeReason})` : ''}`));
    const rid = this.nextId++;
    return new Promise((resolve, reject) => {
      const p: Pending = { resolve, reject };
      if (timeoutMs > 0) {
        p.timer = setTimeout(() => {
          this.pending.delete(rid);
          reject(new Error(`no answer from ${this.peer} to '${op.op}' within ${timeoutMs / 1000} s`));
        }, timeoutMs);
      }
      this.pending.set(rid, p);
      this.send({ ...op, rid });
    });
  }

  reply(rid: unknown, fields: Record<string, unknown>): void {
    this.send({ op: 'reply', rid, ...fields });
  }

  replyError(rid: unknown, error: WireError): void {
    this.send({ op: 'reply', rid, error });
  }

  close(code = 1000, reason = ''): void {
    if (this.closed) return;
    this.flush();
    this.closeReason ||= reason;
    try {
      this.ws.close(code, reason.slice(0, 120));
    } catch {
      this.ws.terminate();
    }
    // A peer that never answers the close handshake must not keep us alive.
    setTimeout(() => this.ws.terminate(), 2000).unref();
  }

  private receive(data: Buffer, isBinary: boolean): void {
    if (!isBinary) {
      this.emit('protocol-error', new ProtocolError(`${this.peer} sent a text message; tsdask speaks binary batches`));
      this.ws.terminate();
      return;
    }
    let msg: { ops: Op[]; frames: Uint8Array[] };
    try {
      msg = unpackMessage(data);
    } catch (e) {
      this.emit('protocol-error', e);
      this.ws.terminate();
      return;
    }
    for (const op of msg.ops) {
      if (op.op === 'reply' && typeof op.rid === 'number' && this.pending.has(op.rid)) {
        const p = this.pending.get(op.rid)!;
        this.pending.delete(op.rid);
        if (p.timer) clearTimeout(p.timer);
        if (op.error !== undefined) {
          const we = op.error as WireError;
          const err = new RemoteError(we.message, we);
          if (we.name) err.name = we.name;
          p.reject(err);
        } else p.resolve({ op, frames: msg.frames });
        continue;
      }
      try {
        this.handler?.(op, msg.frames, this);
      } catch (e) {
        // A bug handling one op must not kill the connection or the process.
        this.emit('handler-error', e, op);
      }
    }
    this.emit('batch');
  }

  private onClose(code: number, reason: string): void {
    if (this.closed && this.pending.size === 0) {
      this.emit('close', code, this.closeReason || reason);
      return;
    }
    this.closed = true;
    this.closeReason ||= reason || `code ${code}`;
    const err = new ConnectionClosedError(`connection to ${this.peer} closed (${this.closeReason})`);
    for (const p of this.pending.values()) {
      if (p.timer) clearTimeout(p.timer);
      p.reject(err);
    }
    this.pending.clear();
    this.emit('close', code, this.closeReason);
  }
}

export interface ConnectOptions {
  /** Give up after this many milliseconds (default 10 s). */
  timeoutMs?: number;
  /** CA certificate (PEM) for tls:// addresses with a private CA. */
  ca?: string | Buffer;
  /** Accept any certificate (self-signed test clusters). */
  insecure?: boolean;
}

/** Open a websocket to a tsdask process, with errors that say what to check. */
export function connect(addr: Address, opts: ConnectOptions = {}): Promise<Connection> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const where = formatAddress(addr);
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl(addr), {
      maxPayload: MAX_MESSAGE,
      handshakeTimeout: timeoutMs,
      perMessageDeflate: false,
      ca: opts.ca,
      rejectUnauthorized: opts.insecure !== true,
    });
    let settled = false;
    const timer = setTimeout(() => fail(new Error(`timed out after ${timeoutMs / 1000} s connecting to ${where}: is the address right and the port reachable (firewall, security group)?`)), timeoutMs);
    const fail = (e: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ws.terminate();
      reject(e);
    };
    ws.once('open', () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ws.removeAllListeners('error');
      resolve(new Connection(ws, where));
    });
    ws.once('unexpected-response', (_req, res) => {
      fail(new Error(`${where} answered HTTP ${res.statusCode}: it is not a tsdask scheduler or worker port (the dashboard is a different port)`));
    });
    ws.on('error', (e: NodeJS.ErrnoException) => {
      const hint =
        e.code === 'ECONNREFUSED'
          ? 'connection refused: nothing listens there. Is the scheduler running (`tsdask scheduler`) and is the port right?'
          : e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN'
            ? `unknown host '${addr.host}'`
            : e.code === 'EHOSTUNREACH' || e.code === 'ENETUNREACH'
              ? 'host unreachable: check the address and the network'
              : /certificate|self.signed|SSL|TLS/i.test(e.message)
                ? `TLS failed (${e.message}): pass the scheduler's CA certificate (tlsCa / --tls-ca)`
                : e.message;
      fail(new Error(`cannot connect to ${where}: ${hint}`));
    });
  });
}
