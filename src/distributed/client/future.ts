/**
 * A Future is a remote result: a key on the cluster. It can be awaited, passed to later
 * `submit` calls or `delayed` functions (its value stays on the workers), gathered, or cancelled.
 * When no Future refers to a key anymore (garbage-collected, or `release()`d), the client tells
 * the scheduler, which frees the result.
 */
import { COLLECTION, type Collection, type CollectionImpl, type GraphLayer } from '../../core/collection.js';
import { DataNode, type GraphNode } from '../../core/graph.js';
import { TOKEN } from '../../core/tokenize.js';
import { Delayed } from '../../core/delayed.js';
import { CancelledError, TimeoutError } from '../errors.js';

export type FutureStatus = 'pending' | 'finished' | 'error' | 'cancelled' | 'lost';

/** What a Future needs from the Client's key registry (keys.ts); internal, not the Client's public API. */
export interface FutureOwner {
  /** Count `future` as a reference to `key` until it is dropped or garbage-collected; `inform`: tell the scheduler. */
  adopt(future: object, key: string, inform: boolean): void;
  drop(future: object, key: string): void;
  state(key: string): KeyState;
  /** Fetch the value of `key` from the cluster. */
  value(key: string): Promise<unknown>;
  cancel(keys: readonly string[]): Promise<void>;
}

/** Per-key state shared by every Future object for that key. */
export class KeyState {
  status: FutureStatus = 'pending';
  error: Error | undefined;
  type = '';
  private waiters: (() => void)[] = [];
  setStatus(status: FutureStatus, error?: Error): void {
    this.status = status;
    this.error = error;
    if (status !== 'pending' && status !== 'lost') for (const w of this.waiters.splice(0)) w();
  }
  /** Resolves once the key is finished, erred or cancelled. */
  whenDone(): Promise<void> {
    if (this.status === 'finished' || this.status === 'error' || this.status === 'cancelled') return Promise.resolve();
    return new Promise((r) => this.waiters.push(r));
  }
}

class FutureLayer implements GraphLayer {
  readonly deps: readonly GraphLayer[] = [];
  constructor(readonly id: string) {}
  nodes(): Iterable<readonly [string, GraphNode]> {
    return [];
  }
}

/** Set by Future's static block: whether a Future was made by `owner` (kept off the Future's public surface). */
let ownedBy: (f: Future, owner: FutureOwner) => boolean = () => false;

/** Was `f` made by `owner`? (The Future's own field: a WeakSet of every Future measured 1-2 us more per Future, mostly GC.) */
export function isOwnedBy(f: Future, owner: FutureOwner): boolean {
  return ownedBy(f, owner);
}

export class Future<T = unknown> implements Collection<T>, PromiseLike<T> {
  declare readonly __type?: T;
  private released = false;

  static {
    ownedBy = (f, owner) => f.owner === owner;
  }

  constructor(
    readonly key: string,
    private readonly owner: FutureOwner,
    inform = true,
  ) {
    owner.adopt(this, key, inform);
  }

  /** 'pending' | 'finished' | 'error' | 'cancelled' | 'lost' */
  get status(): FutureStatus {
    return this.owner.state(this.key).status;
  }

  done(): boolean {
    const s = this.status;
    return s === 'finished' || s === 'error' || s === 'cancelled';
  }

  /** The value, fetched from the worker holding it; rejects with the task's error, or with a TimeoutError after `timeout` milliseconds. */
  async result(opts: { timeout?: number } = {}): Promise<T> {
    const st = this.owner.state(this.key);
    if (st.status === 'error') throw st.error ?? new Error(`future '${this.key}' failed`);
    if (st.status === 'cancelled') throw st.error ?? new CancelledError(`future '${this.key}' was cancelled`);
    const value = this.owner.value(this.key) as Promise<T>;
    if (opts.timeout === undefined) return value;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TimeoutError(`future '${this.key}' did not finish within ${opts.timeout} ms`)), opts.timeout);
    });
    try {
      return await Promise.race([value, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The error the task raised, or undefined when it succeeded (waits until done). */
  async exception(): Promise<Error | undefined> {
    const st = this.owner.state(this.key);
    await st.whenDone();
    return st.status === 'error' || st.status === 'cancelled' ? st.error : undefined;
  }

  /** Resolves when the future is finished, erred or cancelled (never rejects). */
  whenDone(): Promise<void> {
    return this.owner.state(this.key).whenDone();
  }

  cancel(): Promise<void> {
    return this.owner.cancel([this.key]);
  }

  /** Drop this reference now instead of at garbage collection. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.owner.drop(this, this.key);
  }

  /** `await future` is `await future.result()`. */
  then<R1 = T, R2 = never>(
    onFulfilled?: ((v: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((e: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.result().then(onFulfilled, onRejected);
  }

  get [COLLECTION](): CollectionImpl<T> {
    return futureImpl(this);
  }
  [TOKEN](): string {
    return this.key;
  }
  toString(): string {
    return `<Future: ${this.status}, key: ${this.key}>`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

const impls = new WeakMap<Future<unknown>, CollectionImpl<unknown>>();

/** As a collection, a Future is a key that already lives on the cluster (a layer with no nodes). */
function futureImpl<T>(f: Future<T>): CollectionImpl<T> {
  let impl = impls.get(f) as CollectionImpl<T> | undefined;
  if (impl === undefined) {
    impl = {
      layer: () => new FutureLayer(`future-${f.key}`),
      keys: () => f.key,
      finalize: (part) => part as T,
      rebuild: (data) => new Delayed<T>(f.key, new DataNode(data.get(f.key)), []),
      defaultScheduler: 'threads',
      external: true,
    };
    impls.set(f, impl);
  }
  return impl;
}

export function isFuture(x: unknown): x is Future {
  return x instanceof Future;
}

/**
 * Resolve when futures finish. `returnWhen: 'FIRST_COMPLETED'` resolves at the first one.
 * `timeout` is in MILLISECONDS (like every timeout of this library and `setTimeout`; Dask's
 * `wait(timeout=)` takes seconds): past it, `wait` rejects with a TimeoutError naming how
 * many futures are not done. The futures keep running either way.
 */
export async function wait<F extends Future<unknown>>(
  futures: readonly F[] | F,
  opts: { timeout?: number; returnWhen?: 'ALL_COMPLETED' | 'FIRST_COMPLETED' } = {},
): Promise<{ done: F[]; notDone: F[] }> {
  if (opts.timeout !== undefined && !(typeof opts.timeout === 'number' && opts.timeout >= 0)) {
    throw new TypeError(`wait: timeout must be a non-negative number of milliseconds, got ${String(opts.timeout)}`);
  }
  const fs = Array.isArray(futures) ? (futures as F[]) : [futures as F];
  const all = opts.returnWhen === 'FIRST_COMPLETED' ? Promise.race(fs.map((f) => f.whenDone())) : Promise.all(fs.map((f) => f.whenDone()));
  if (opts.timeout !== undefined) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((r) => {
      timer = setTimeout(() => r('timeout'), opts.timeout);
    });
    const outcome = await Promise.race([all.then(() => 'ok' as const), timeout]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      const pending = fs.filter((f) => !f.done()).length;
      throw new TimeoutError(`wait: ${pending} of ${fs.length} futures not done after ${opts.timeout} ms`);
    }
  } else await all;
  return { done: fs.filter((f) => f.done()), notDone: fs.filter((f) => !f.done()) };
}

/**
 * Iterate futures in the order they finish: `for await (const f of asCompleted(fs))`.
 * With `{ withResults: true }` it yields `[future, value]` pairs instead.
 */
export function asCompleted<T>(futures: Iterable<Future<T>>): AsCompleted<T>;
export function asCompleted<T>(futures: Iterable<Future<T>>, opts: { withResults: true }): AsyncIterable<[Future<T>, T]>;
export function asCompleted<T>(futures: Iterable<Future<T>>, opts: { withResults?: boolean } = {}): AsCompleted<T> | AsyncIterable<[Future<T>, T]> {
  const ac = new AsCompleted<T>(futures);
  if (!opts.withResults) return ac;
  return {
    [Symbol.asyncIterator]: () => {
      const it = ac[Symbol.asyncIterator]();
      return {
        next: async (): Promise<IteratorResult<[Future<T>, T]>> => {
          const r = await it.next();
          if (r.done) return { done: true, value: undefined };
          return { done: false, value: [r.value, await r.value.result()] };
        },
      };
    },
  };
}

export class AsCompleted<T> implements AsyncIterable<Future<T>> {
  private readonly doneQueue: Future<T>[] = [];
  private pending = 0;
  private wake: (() => void) | undefined;

  constructor(futures: Iterable<Future<T>>) {
    for (const f of futures) this.add(f);
  }

  /** Add a future while iterating (e.g. submit follow-up work as results arrive). */
  add(f: Future<T>): void {
    this.pending++;
    void f.whenDone().then(() => {
      this.pending--;
      this.doneQueue.push(f);
      const w = this.wake;
      this.wake = undefined;
      w?.();
    });
  }

  get count(): number {
    return this.pending + this.doneQueue.length;
  }

  [Symbol.asyncIterator](): AsyncIterator<Future<T>> {
    // Results are returned as iterator objects, never as resolved values, so the (thenable)
    // Future itself is yielded, not its result.
    return {
      next: async (): Promise<IteratorResult<Future<T>>> => {
        while (this.doneQueue.length === 0) {
          if (this.pending === 0) return { done: true, value: undefined };
          await new Promise<void>((r) => (this.wake = r));
        }
        return { done: false, value: this.doneQueue.shift()! };
      },
    };
  }
}
