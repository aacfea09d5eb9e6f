/**
 * A link between two ends in one process (a Client and the scheduler of its LocalCluster):
 * batches are handed over as the message objects themselves, with no JSON, framing or masking
 * (a JSON round trip costs ~0.7 us per small message and ~1.9 us per graph task; a deep copy
 * ~0.1-0.2 us, plus its garbage). That is safe because no side mutates a message after sending
 * it, or one it received: messages are built fresh by the protocol constructors and read-only
 * after (run with TSDASK_INPROC_CHECK=1 to freeze every message handed over and check it is
 * plain data, so a mutation throws where it happens). Frames are copied, so neither side's
 * buffers are shared with the other (the same as a socket, which copies them too).
 *
 * Delivery is asynchronous (a microtask), so a handler never runs inside the sender's code;
 * batches and the close arrive in the order they were sent.
 */
import type { Link, LinkEvents } from './link.js';

/** Websocket close code for a connection dropped without a close handshake (what `terminate` gives). */
const ABNORMAL = 1006;

export class InProcessLink implements Link {
  private peer: InProcessLink | undefined;
  private events: LinkEvents | undefined;
  /** Reports that came before `attach`. */
  private early: ((events: LinkEvents) => void)[] = [];
  /** Still sending (until this end or the peer closes). */
  private open = true;
  /** `closed` was reported: nothing more is delivered. */
  private ended = false;

  constructor(
    /** Freeze and check every message handed over (TSDASK_INPROC_CHECK=1). */
    private readonly check: boolean,
  ) {}

  /** Two ends connected to each other. */
  static pair(): [InProcessLink, InProcessLink] {
    const check = process.env.TSDASK_INPROC_CHECK === '1';
    const a = new InProcessLink(check);
    const b = new InProcessLink(check);
    a.peer = b;
    b.peer = a;
    return [a, b];
  }

  attach(events: LinkEvents): void {
    this.events = events;
    for (const report of this.early.splice(0)) report(events);
  }

  send(messages: readonly object[], frames: readonly Uint8Array[]): void {
    const peer = this.peer;
    if (!this.open || peer === undefined) return;
    if (this.check) for (let i = 0; i < messages.length; i++) freezePlain(messages[i], `message ${i}`);
    // The receiver may keep frames (results, task specs): it gets its own copy of the bytes.
    const copies: Uint8Array[] = new Array<Uint8Array>(frames.length);
    for (let i = 0; i < frames.length; i++) copies[i] = new Uint8Array(frames[i]);
    queueMicrotask(() => peer.arrive(messages, copies));
  }

  close(code: number, reason: string): void {
    const peer = this.peer;
    if (!this.open || peer === undefined) return;
    this.open = false;
    // As with a websocket close handshake: the peer hears the close first, then this end
    // (and the reason as a close frame carries it, at most 120 characters).
    reason = reason.slice(0, 120);
    queueMicrotask(() => {
      peer.finish(code, reason);
      this.finish(code, reason);
    });
  }

  terminate(): void {
    const peer = this.peer;
    if (peer === undefined) return;
    this.open = peer.open = false;
    // What was in flight is dropped, like a destroyed socket's unread bytes.
    const ends = [this, peer].filter((e) => !e.ended);
    for (const e of ends) e.ended = true;
    queueMicrotask(() => {
      for (const e of ends) e.report((x) => x.closed(ABNORMAL, ''));
    });
  }

  private arrive(messages: readonly unknown[], frames: Uint8Array[]): void {
    if (!this.ended) this.report((e) => e.batch(messages, frames));
  }

  private finish(code: number, reason: string): void {
    if (this.ended) return;
    this.open = false;
    this.ended = true;
    this.report((e) => e.closed(code, reason));
  }

  private report(f: (events: LinkEvents) => void): void {
    if (this.events === undefined) this.early.push(f);
    else f(this.events);
  }
}

/**
 * Freeze `v` deeply, failing (naming the path) on what a JSON round trip would not carry
 * unchanged: class instances, functions, non-finite numbers, holes or undefined in lists.
 */
function freezePlain(v: unknown, path: string): void {
  if (typeof v === 'number' && !Number.isFinite(v)) throw new TypeError(`in-process link: ${path} is ${v}, which JSON would turn into null`);
  if (typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint') throw new TypeError(`in-process link: ${path} is a ${typeof v}`);
  if (typeof v !== 'object' || v === null) return;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      if (v[i] === undefined) throw new TypeError(`in-process link: ${path}[${i}] is undefined, which JSON would turn into null`);
      freezePlain(v[i], `${path}[${i}]`);
    }
  } else {
    const proto: unknown = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) throw new TypeError(`in-process link: ${path} is an instance of ${v.constructor.name}, not plain data`);
    for (const [k, x] of Object.entries(v)) freezePlain(x, `${path}.${k}`);
  }
  Object.freeze(v);
}
