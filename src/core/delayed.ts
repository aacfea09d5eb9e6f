/**
 * `delayed`: wrap a function so calls build tasks, or wrap a value once as graph data.
 * Each Delayed is one graph layer holding its own task; layers link to their inputs,
 * so building a graph of n calls costs O(n) and merging happens once, at compute time.
 */
import { COLLECTION, type Collection, type CollectionImpl, type GraphLayer, isCollection, flattenKeys, mapKeyTree, materialize } from './collection.js';
import { DataNode, type GraphNode, isPlainObject, KeyRef, mapNested, Task, type TaskFn } from './graph.js';
import { kernel } from './kernels.js';
import { TOKEN, tokenize, uniqueToken } from './tokenize.js';
import type { ComputeOptions, VisualizeOptions } from './options.js';
import { compute, persist, visualize } from './compute.js';

export interface DelayedOptions {
  /** Key prefix for calls (for data: the whole key). */
  name?: string;
  /** Same call, same key (default true). `false` gives every call a fresh key. */
  pure?: boolean;
  /** The call returns a tuple of this length; the Delayed can be destructured. */
  nout?: number;
}

/** Anything a delayed call accepts where a T is expected. */
export type Lazy<T> =
  | T
  | Delayed<T>
  | Collection<T>
  | (T extends readonly (infer E)[] ? readonly Lazy<E>[] : never)
  | (T extends (...a: never[]) => unknown ? never : T extends object ? { [K in keyof T]: Lazy<T[K]> } : never);

export type LazyArgs<A extends readonly unknown[]> = { [K in keyof A]: Lazy<A[K]> };

export interface DelayedFunction<F extends TaskFn> {
  (...args: LazyArgs<Parameters<F>>): Delayed<Awaited<ReturnType<F>>>;
  readonly fn: F;
  readonly options: Readonly<DelayedOptions>;
}

const getItem = kernel('tsdask.getitem', (obj: unknown, k: string | number) => (obj as Record<string | number, unknown>)[k]);
const callMethod = kernel('tsdask.callmethod', (obj: unknown, name: string, args: unknown[]) => {
  const f = (obj as Record<string, unknown>)[name];
  if (typeof f !== 'function') throw new TypeError(`${describe(obj)} has no method '${name}'`);
  return (f as TaskFn).apply(obj, args);
});
const identity = kernel('tsdask.identity', (x: unknown) => x);

function describe(x: unknown): string {
  switch (typeof x) {
    case 'object':
      if (x === null) return 'null';
      if (Array.isArray(x)) return 'an array';
      return `an object of type ${x.constructor?.name ?? 'Object'}`;
    default:
      return `a ${typeof x} (${String(x).slice(0, 40)})`;
  }
}

export class Delayed<T = unknown> implements Collection<T>, GraphLayer {
  /** Set only for the phantom result type. */
  declare readonly __type?: T;

  constructor(
    readonly key: string,
    private readonly node: GraphNode | undefined,
    readonly deps: readonly GraphLayer[],
    private readonly nout?: number,
  ) {}

  get id(): string {
    return this.key;
  }
  nodes(): Iterable<readonly [string, GraphNode]> {
    return this.node === undefined ? [] : [[this.key, this.node]];
  }

  get [COLLECTION](): CollectionImpl<T> {
    return delayedImpl(this);
  }
  [TOKEN](): string {
    return this.key;
  }

  compute(opts: ComputeOptions = {}): Promise<T> {
    return compute(this, opts).then(([v]) => v as T);
  }
  persist(opts: ComputeOptions = {}): Promise<Delayed<T>> {
    return persist(this, opts).then(([v]) => v as Delayed<T>);
  }
  visualize(opts: VisualizeOptions = {}): Promise<string> {
    return visualize(this, opts);
  }
  /** Plain-object view: `{ [key]: Task | DataNode }`. */
  graph(): Record<string, GraphNode> {
    return Object.fromEntries(materialize([this]));
  }
  /** A lazy `value[prop]`. */
  get<K extends keyof T>(prop: K): Delayed<T[K]> {
    return callDelayed(getItem, [this, prop], { name: 'getitem' }) as Delayed<T[K]>;
  }
  /** A lazy `value.method(...args)`. */
  call(method: string, ...args: unknown[]): Delayed<unknown> {
    return callDelayed(callMethod, [this, method, args], { name: method });
  }
  /** With `nout`, destructure: `const [a, b] = delayed(fn, { nout: 2 })(x)`. */
  *[Symbol.iterator](): Iterator<Delayed<unknown>> {
    if (this.nout === undefined) {
      throw new TypeError(`Delayed ${this.key} has no known length: pass { nout } to delayed() to destructure its result`);
    }
    for (let i = 0; i < this.nout; i++) yield this.get(i as keyof T);
  }
  toString(): string {
    return `Delayed('${this.key}')`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

const implCache = new WeakMap<Delayed<unknown>, CollectionImpl<unknown>>();
function delayedImpl<T>(d: Delayed<T>): CollectionImpl<T> {
  let impl = implCache.get(d) as CollectionImpl<T> | undefined;
  if (impl === undefined) {
    impl = {
      layer: () => d,
      keys: () => d.key,
      finalize: (part) => part as T,
      rebuild: (data) => new Delayed<T>(d.key, new DataNode(data.get(d.key)), []),
      defaultScheduler: 'threads',
    };
    implCache.set(d, impl);
  }
  return impl;
}

/**
 * Replace collections inside nested arguments by KeyRefs and record the layers they come
 * from. Returns the argument unchanged (same object) when it holds no collection.
 */
function unpack(x: unknown, deps: GraphLayer[]): unknown {
  return mapNested(x, (v) => {
    if (!isCollection(v)) return v;
    const d = v instanceof Delayed ? v : asDelayed(v);
    deps.push(d);
    return new KeyRef(d.key);
  });
}

/** A Delayed is the Collection of its own value type. */
function isDelayed<T>(c: Collection<T>): c is Delayed<T> {
  return c instanceof Delayed;
}

/**
 * Any collection as one Delayed holding its finalized value. A Future (an `external` key) is
 * its own key with no task: its dependents read the key on the cluster, as in Dask (a copy
 * task per graph ran on one worker, and every dependent elsewhere fetched it from that peer).
 */
export function asDelayed<T>(c: Collection<T>): Delayed<T> {
  if (isDelayed(c)) return c;
  const impl = c[COLLECTION];
  const keys = impl.keys();
  if (impl.external === true && typeof keys === 'string') return new Delayed<T>(keys, undefined, [impl.layer()]);
  const refs = mapKeyTree(keys, (k) => new KeyRef(k));
  const finalize = impl.finalize as TaskFn;
  const key = `finalize-${tokenize(flattenKeys(keys), finalize)}`;
  return new Delayed<T>(key, new Task(finalize, [refs], flattenKeys(keys)), [impl.layer()]);
}

function callDelayed(fn: TaskFn, args: readonly unknown[], opts: DelayedOptions): Delayed<unknown> {
  const deps: GraphLayer[] = [];
  const real = new Array(args.length);
  for (let i = 0; i < args.length; i++) real[i] = unpack(args[i], deps);
  const name = opts.name ?? (fn.name || 'lambda');
  const token = opts.pure === false ? uniqueToken() : tokenize(fn, args);
  const key = `${name}-${token}`;
  return new Delayed(key, new Task(fn, real), deps, opts.nout);
}

/** Wrap a function: calling the result builds a task instead of running it. */
export function delayed<F extends TaskFn>(fn: F, opts?: DelayedOptions): DelayedFunction<F>;
/** Wrap a value (data, or a structure holding Delayed values) as one graph node. */
export function delayed<T>(value: T, opts?: Pick<DelayedOptions, 'name' | 'pure'>): Delayed<Unlazy<T>>;
export function delayed(x: unknown, opts: DelayedOptions = {}): unknown {
  if (x === undefined || x === null) {
    throw new TypeError(`delayed() got ${x}: pass a function to wrap (delayed(fn)(args)) or a value to wrap as data`);
  }
  if (opts.nout !== undefined && (!Number.isInteger(opts.nout) || opts.nout < 0)) {
    throw new TypeError(`delayed(): nout must be a non-negative integer, got ${opts.nout}`);
  }
  if (typeof x === 'function' && !isCollection(x)) {
    const fn = x as TaskFn;
    const frozen = Object.freeze({ ...opts });
    const wrapper = (...args: unknown[]) => callDelayed(fn, args, frozen);
    Object.defineProperties(wrapper, {
      fn: { value: fn },
      options: { value: frozen },
      name: { value: `delayed(${fn.name || 'lambda'})` },
    });
    return wrapper;
  }
  if (opts.nout !== undefined) {
    throw new TypeError(`delayed(): nout applies to functions, but got ${describe(x)}`);
  }
  if (x instanceof Delayed) return x;
  if (isCollection(x)) return asDelayed(x);
  const deps: GraphLayer[] = [];
  const packed = unpack(x, deps);
  const prefix = Array.isArray(x) ? 'list' : isPlainObject(x) ? 'dict' : (typeof x === 'object' ? (x.constructor?.name ?? 'object') : typeof x).toLowerCase();
  if (deps.length > 0) {
    const key = opts.name ?? `${prefix}-${opts.pure === false ? uniqueToken() : tokenize(x)}`;
    return new Delayed(key, new Task(identity, [packed]), deps);
  }
  const key = opts.name ?? `${prefix}-${opts.pure === false ? uniqueToken() : tokenize(x)}`;
  return new Delayed(key, new DataNode(x), []);
}

/** The value type once every Delayed inside T is computed. */
export type Unlazy<T> =
  T extends Delayed<infer U>
    ? U
    : T extends readonly unknown[]
      ? { [K in keyof T]: Unlazy<T[K]> }
      : T extends (...a: never[]) => unknown
        ? T
        : T extends object
          ? { [K in keyof T]: Unlazy<T[K]> }
          : T;
