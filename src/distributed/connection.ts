/**
 * A batched, request-capable connection over a link: a websocket (links/websocket.ts), or a
 * hand-over inside this process (links/in-process.ts). Messages sent in the same event-loop
 * turn travel as one batch (per-task messages would cost a syscall and a frame each), and
 * `request` pairs a message with its reply by id.
 *
 * Every received message is checked by the parser its owner serves with (`serve`) before any
 * handler sees it: a malformed or unknown message is refused with an error sent back to the
 * peer (a reply error for a request, else a `protocol-error` notice), and the connection goes
 * on serving.
 */
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { type Address, formatAddress, wsUrl } from './address.js';
import type { Link } from './links/link.js';
import { WebSocketLink } from './links/websocket.js';
import {
  isRecord,
  type Message,
  type Parse,
  type Payload,
  type PayloadRef,
  ProtocolError,
  refusedNotice,
  type Request,
  replyEnvelope,
  toWireError,
  type WireError,
} from './protocol/index.js';

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

/** A reply, checked by the parser its request named, and the frames of its message. */
export interface Answer<R> {
  result: R;
  frames: Uint8Array[];
}

interface Pending {
  settle(result: unknown, frames: Uint8Array[]): void;
  reject(e: Error): void;
  timer?: NodeJS.Timeout;
}

type Inbound = (raw: unknown, frames: Uint8Array[]) => void;

export class Connection extends EventEmitter {
  private messages: Message[] = [];
  private frames: Uint8Array[] = [];
  private frameBytes = 0;
  private scheduled = false;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private inbound: Inbound;
  closed = false;
  closeReason = '';

  constructor(
    readonly link: Link,
    readonly peer: string,
    /** This side's IP address of the socket. */
    readonly localAddress: string | undefined,
  ) {
    super();
    this.inbound = (raw) =>
      this.refuse(
        raw,
        new ProtocolError(
          `${this.peer} sent a message on a connection that only takes replies`,
          isRecord(raw) && typeof raw.op === 'string' ? raw.op : undefined,
          'op',
        ),
      );
    link.attach({
      batch: (messages, frames) => this.receive(messages, frames),
      broken: (e) => this.emit('protocol-error', e),
      error: (err) => {
        this.closeReason ||= err.message;
      },
      closed: (code, reason) => this.onClose(code, reason),
    });
  }

  /**
   * Handle incoming messages: each is checked by `parse` first; what it refuses goes to
   * `refused` (default: tell the peer and emit 'protocol-error').
   */
  serve<M>(
    parse: Parse<M>,
    handle: (msg: M, frames: Uint8Array[]) => void,
    refused: (error: ProtocolError, rid: number | undefined) => void = (e, rid) => this.tellRefused(e, rid),
  ): void {
    this.inbound = (raw, frames) => {
      const msg = parse(raw, frames.length);
      if (msg instanceof ProtocolError) refused(msg, ridOf(raw));
      else handle(msg, frames);
    };
  }

  /** Add a payload's frames to the batch being built; put the result in the next message sent. */
  wire(p: Payload): PayloadRef {
    if (p.frames.length === 0) return { header: p.header };
    const w: PayloadRef = { header: p.header, firstFrame: this.frames.length, frameCount: p.frames.length };
    for (const f of p.frames) {
      this.frames.push(f);
      this.frameBytes += f.byteLength;
    }
    return w;
  }

  send(msg: Message): void {
    if (this.closed) return;
    this.messages.push(msg);
    if (this.frameBytes >= FLUSH_BYTES) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Is `msg` the last message of the batch being built (not handed to the link yet)? */
  isLastQueued(msg: object): boolean {
    const n = this.messages.length;
    return n > 0 && this.messages[n - 1] === msg;
  }

  flush(): void {
    this.scheduled = false;
    if (this.messages.length === 0 || this.closed) {
      this.messages = [];
      this.frames = [];
      this.frameBytes = 0;
      return;
    }
    // The link owns the batch from here on: new arrays for the next one.
    const messages = this.messages;
    const frames = this.frames;
    this.messages = [];
    this.frames = [];
    this.frameBytes = 0;
    this.link.send(messages, frames);
  }

  /** Send a request and wait for its reply, checked by `parseReply`. */
  request<R>(msg: Request, parseReply: Parse<R>, timeoutMs = 0): Promise<Answer<R>> {
    if (this.closed)
      return Promise.reject(new ConnectionClosedError(`connection to ${this.peer} is closed${this.closeReason ? ` (${this.closeReason})` : ''}`));
    const rid = this.nextId++;
    return new Promise((resolve, reject) => {
      const p: Pending = {
        settle: (result, frames) => {
          const r = parseReply(result, frames.length);
          if (r instanceof ProtocolError) {
            this.emit('protocol-error', r);
            reject(r);
          } else resolve({ result: r, frames });
        },
        reject,
      };
      if (timeoutMs > 0) {
        p.timer = setTimeout(() => {
          this.pending.delete(rid);
          reject(new Error(`no answer from ${this.peer} to '${msg.op}' within ${timeoutMs / 1000} s`));
        }, timeoutMs);
      }
      this.pending.set(rid, p);
      this.send({ ...msg, rid });
    });
  }

  /** Answer a request (nothing to do when it came without an id: nobody waits). */
  reply(rid: number | undefined, result: object): void {
    if (rid !== undefined) this.send({ op: 'reply', rid, result });
  }

  replyError(rid: number | undefined, error: WireError): void {
    if (rid !== undefined) this.send({ op: 'reply', rid, error });
  }

  /** Tell the peer why its message was refused. */
  private tellRefused(e: ProtocolError, rid: number | undefined): void {
    this.emit('protocol-error', e);
    if (rid !== undefined) this.replyError(rid, toWireError(e));
    else this.send({ op: 'protocol-error', message: e.message, refused: e.op });
  }

  private refuse(raw: unknown, e: ProtocolError): void {
    this.tellRefused(e, ridOf(raw));
  }

  close(code = 1000, reason = ''): void {
    if (this.closed) return;
    this.flush();
    this.closeReason ||= reason;
    this.link.close(code, reason);
  }

  private receive(messages: readonly unknown[], frames: Uint8Array[]): void {
    for (const raw of messages) {
      if (isRecord(raw) && raw.op === 'reply') {
        this.onReply(raw, frames);
        continue;
      }
      if (isRecord(raw) && raw.op === 'protocol-error') {
        // Never answered, so two peers cannot bounce refusals forever.
        const n = refusedNotice(raw);
        this.emit('refused', n.message, n.refused);
        continue;
      }
      try {
        this.inbound(raw, frames);
      } catch (e) {
        // A bug handling one message must not kill the connection or the process.
        this.emit('handler-error', e, isRecord(raw) && typeof raw.op === 'string' ? raw.op : '?');
      }
    }
    this.emit('batch');
  }

  private onReply(raw: Record<string, unknown>, frames: Uint8Array[]): void {
    const env = replyEnvelope(raw);
    if (typeof env === 'string') {
      this.emit('protocol-error', new ProtocolError(`${this.peer} sent ${env}`, 'reply', 'rid'));
      return;
    }
    const p = this.pending.get(env.rid);
    if (p === undefined) return; // timed out already
    this.pending.delete(env.rid);
    if (p.timer) clearTimeout(p.timer);
    if (env.error !== undefined) {
      const err = new RemoteError(env.error.message, env.error);
      if (env.error.name) err.name = env.error.name;
      p.reject(err);
    } else {
      try {
        p.settle(env.result, frames);
      } catch (e) {
        this.emit('handler-error', e, 'reply');
      }
    }
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

function ridOf(raw: unknown): number | undefined {
  return isRecord(raw) && typeof raw.rid === 'number' ? raw.rid : undefined;
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
    const timer = setTimeout(
      () =>
        fail(
          new Error(`timed out after ${timeoutMs / 1000} s connecting to ${where}: is the address right and the port reachable (firewall, security group)?`),
        ),
      timeoutMs,
    );
    const fail = (e: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ws.terminate();
      reject(e);
    };
    let localAddress: string | undefined;
    ws.once('upgrade', (res) => {
      localAddress = res.socket.localAddress;
    });
    ws.once('open', () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ws.removeAllListeners('error');
      resolve(new Connection(new WebSocketLink(ws, where), where, localAddress));
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
