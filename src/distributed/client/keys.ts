/**
 * The keys a Client holds on the cluster: one reference per live Future (dropped on
 * `release()` or when the Future is garbage-collected), each key's status as the scheduler
 * reports it, and the callers waiting for values. Futures reach it through the narrow
 * FutureOwner interface; the Client feeds it the scheduler's messages.
 */
import { CancelledError } from '../errors.js';
import { type Future, type FutureOwner, isOwnedBy, KeyState } from './future.js';
import { type ClientToScheduler, toScheduler } from '../protocol/index.js';

interface Waiter {
  resolve(v: unknown): void;
  reject(e: Error): void;
}

/** Where the registry's messages go: the client's connection. */
export interface KeySink {
  send(msg: ClientToScheduler): void;
  /** Is `msg` the last message queued, not sent yet (so it may still take more keys)? */
  isLastQueued(msg: object): boolean;
}

type KeysOp = 'push' | 'release-keys' | 'want';

export class KeyRegistry implements FutureOwner {
  private readonly states = new Map<string, KeyState>();
  private readonly refs = new Map<string, number>();
  private readonly waiters = new Map<string, Waiter[]>();
  private readonly finalizer = new FinalizationRegistry<string>((key) => this.release(key));
  /** Set once the connection is gone: nothing is sent anymore, new requests fail with it. */
  private closedWith: Error | undefined;
  /** The last per-key message queued, and its key list (grown while it is still last in the batch). */
  private tail: { op: KeysOp; msg: ClientToScheduler; keys: string[] } | undefined;

  constructor(private readonly sink: KeySink) {}

  /** How many keys are held (for tests and debugging). */
  get held(): number {
    return this.refs.size;
  }

  get closed(): boolean {
    return this.closedWith !== undefined;
  }

  // ------------------------------------------------------------------ what Futures use

  adopt(future: object, key: string, inform: boolean): void {
    this.finalizer.register(future, key, future);
    this.hold(key, inform);
  }

  drop(future: object, key: string): void {
    this.finalizer.unregister(future);
    this.release(key);
  }

  /** Was this Future made by this registry (its Client)? */
  owns(future: Future): boolean {
    return isOwnedBy(future, this);
  }

  state(key: string): KeyState {
    let s = this.states.get(key);
    if (s === undefined) {
      s = new KeyState();
      this.states.set(key, s);
    }
    return s;
  }

  /** The value of `key`; requests for the same key in one event-loop turn share one push. */
  value(key: string): Promise<unknown> {
    if (this.closedWith !== undefined) return Promise.reject(new Error('the Client is closed'));
    const st = this.states.get(key);
    if (st?.status === 'error' || st?.status === 'cancelled') return Promise.reject(st.error ?? new Error(`future '${key}' ended as ${st.status}`));
    return new Promise((resolve, reject) => {
      let ws = this.waiters.get(key);
      if (ws === undefined) {
        ws = [];
        this.waiters.set(key, ws);
        this.sendKey('push', key);
      }
      ws.push({ resolve, reject });
    });
  }

  /** Cancel keys on the cluster; their futures reject with CancelledError. */
  cancel(keys: readonly string[]): Promise<void> {
    if (this.closedWith === undefined) this.sink.send(toScheduler.cancel(keys));
    for (const k of keys) {
      const err = new CancelledError(`future '${k}' was cancelled`);
      err.taskKey = k;
      this.states.get(k)?.setStatus('cancelled', err);
      this.rejectValue(k, err);
    }
    return Promise.resolve();
  }

  /** One more reference; `inform`: tell the scheduler (the key exists there already). */
  private hold(key: string, inform: boolean): void {
    const n = this.refs.get(key) ?? 0;
    this.refs.set(key, n + 1);
    this.state(key); // status messages for the key are kept from now on
    if (n === 0 && inform && this.closedWith === undefined) this.sendKey('want', key);
  }

  private release(key: string): void {
    const n = (this.refs.get(key) ?? 0) - 1;
    if (n > 0) {
      this.refs.set(key, n);
      return;
    }
    this.refs.delete(key);
    this.states.delete(key);
    if (this.closedWith === undefined) this.sendKey('release-keys', key);
  }

  /**
   * One key for the scheduler. Consecutive ones of the same kind share one message (a gather or
   * a release loop over n Futures sends one message, not n); any other message in between ends
   * the run, so the scheduler sees everything in the order it was done.
   */
  private sendKey(op: KeysOp, key: string): void {
    const t = this.tail;
    if (t !== undefined && t.op === op && this.sink.isLastQueued(t.msg)) {
      t.keys.push(key);
      return;
    }
    const keys = [key];
    const msg = op === 'push' ? toScheduler.push(keys) : op === 'want' ? toScheduler.want(keys) : toScheduler.releaseKeys(keys);
    this.sink.send(msg);
    this.tail = { op, msg, keys };
  }

  // ------------------------------------------------------------------ what the scheduler says

  finished(key: string, type: string): void {
    const s = this.states.get(key);
    if (s === undefined) return;
    s.type = type;
    s.setStatus('finished');
  }

  failed(key: string, err: Error): void {
    this.states.get(key)?.setStatus('error', err);
    this.rejectValue(key, err);
  }

  cancelled(key: string, reason: string | undefined): void {
    const err = new CancelledError(`future '${key}' was cancelled${reason ? `: ${reason}` : ''}`);
    err.taskKey = key;
    this.states.get(key)?.setStatus('cancelled', err);
    this.rejectValue(key, err);
  }

  lost(key: string): void {
    this.states.get(key)?.setStatus('lost');
  }

  /** A value arrived: `decode` runs once for all its waiters (if any still wait). */
  delivered(key: string, decode: () => unknown): void {
    const ws = this.waiters.get(key);
    if (ws === undefined) return;
    this.waiters.delete(key);
    let v: unknown;
    try {
      v = decode();
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      for (const w of ws) w.reject(err);
      return;
    }
    for (const w of ws) w.resolve(v);
  }

  /** The connection is gone: waiting callers and unfinished keys fail with `err`. */
  disconnected(err: Error): void {
    if (this.closedWith !== undefined) return;
    this.closedWith = err;
    for (const [k, ws] of this.waiters) {
      for (const w of ws) w.reject(err);
      this.states.get(k)?.setStatus('error', err);
    }
    this.waiters.clear();
    for (const s of this.states.values()) if (s.status === 'pending' || s.status === 'lost') s.setStatus('error', err);
  }

  /** The Client closes: waiting callers fail with `err`; key statuses stay as they were. */
  close(err: Error): void {
    if (this.closedWith !== undefined) return;
    this.closedWith = err;
    for (const ws of this.waiters.values()) for (const w of ws) w.reject(err);
    this.waiters.clear();
  }

  private rejectValue(key: string, err: Error): void {
    const ws = this.waiters.get(key);
    if (ws === undefined) return;
    this.waiters.delete(key);
    for (const w of ws) w.reject(err);
  }
}
