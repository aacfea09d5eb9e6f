/**
 * The task graph: a map from key to node. A node is a Task (a function and its arguments)
 * or a DataNode (a literal value). Arguments nest in arrays and plain objects and may hold
 * KeyRefs, references to other keys' results. A KeyRef is its own class, never a magic string.
 */
import { annotateTaskError } from './errors.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- `unknown[]` would reject every function with typed parameters (parameters are contravariant)
export type TaskFn = (...args: any[]) => unknown;

/** Any function may be a task's function: TaskFn leaves its parameter types to the task. */
export function isTaskFn(x: unknown): x is TaskFn {
  return typeof x === 'function';
}

export class KeyRef {
  constructor(readonly key: string) {}
  toString(): string {
    return `ref(${this.key})`;
  }
}

export const ref = (key: string): KeyRef => new KeyRef(key);

export class Task {
  /** Keys this task reads, in first-seen order, without duplicates. */
  readonly deps: readonly string[];
  /**
   * A fused linear chain: `chain[0]` runs first; each later task's single dependency is
   * replaced by the previous result. Empty for ordinary tasks.
   */
  readonly chain: readonly FusedStep[];
  constructor(
    readonly fn: TaskFn,
    readonly args: readonly unknown[],
    deps?: readonly string[],
    chain: readonly FusedStep[] = [],
  ) {
    this.deps = deps ?? collectDeps(args);
    this.chain = chain;
  }
}

/** One step of a fused chain: the original key and task. */
export interface FusedStep {
  readonly key: string;
  readonly task: Task;
}

export class DataNode {
  constructor(readonly value: unknown) {}
}

export type GraphNode = Task | DataNode;
export type Graph = Map<string, GraphNode>;

export function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** Keys referenced anywhere inside nested arguments. */
export function collectDeps(args: readonly unknown[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (x: unknown): void => {
    if (x instanceof KeyRef) {
      if (!seen.has(x.key)) {
        seen.add(x.key);
        out.push(x.key);
      }
    } else if (Array.isArray(x)) {
      for (const item of x) visit(item);
    } else if (isPlainObject(x)) {
      for (const k in x) visit(x[k]);
    }
  };
  for (const a of args) visit(a);
  return out;
}

/**
 * Rebuild nested arrays and plain objects with `leaf` applied to every value. `leaf` returns
 * its argument unchanged to keep (and descend into) it; unchanged parts are shared, not copied.
 */
export function mapNested(x: unknown, leaf: (v: unknown) => unknown): unknown {
  const replaced = leaf(x);
  if (replaced !== x) return replaced;
  if (Array.isArray(x)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < x.length; i++) {
      const v = mapNested(x[i], leaf);
      if (v !== x[i] && out === undefined) out = x.slice(0, i);
      if (out !== undefined) out.push(v);
    }
    return out ?? x;
  }
  if (isPlainObject(x)) {
    let out: Record<string, unknown> | undefined;
    for (const k in x) {
      const v = mapNested(x[k], leaf);
      if (v !== x[k] && out === undefined) out = { ...x };
      if (out !== undefined) out[k] = v;
    }
    return out ?? x;
  }
  return x;
}

/** Replace KeyRefs inside nested arguments with values from `get`. */
export function substitute(x: unknown, get: (key: string) => unknown): unknown {
  if (x instanceof KeyRef) return get(x.key);
  return mapNested(x, (v) => (v instanceof KeyRef ? get(v.key) : v));
}

/** Run one task given a lookup for its dependencies' results. May return a Promise. */
export function runTask(task: Task, get: (key: string) => unknown): unknown {
  if (task.chain.length === 0) return callTask(task, get);
  let prev: unknown;
  for (let i = 0; i < task.chain.length; i++) {
    prev = callStep(task, i, prev, get);
    if (isThenable(prev)) return finishChainAsync(task, i, prev, get);
  }
  return prev;
}

/** Run step i of a fused chain; errors name the step's own key. */
function callStep(task: Task, i: number, prev: unknown, get: (key: string) => unknown): unknown {
  const step = task.chain[i];
  const before = i === 0 ? undefined : task.chain[i - 1].key;
  try {
    const value = callTask(step.task, before === undefined ? get : (k) => (k === before ? prev : get(k)));
    return isThenable(value) ? Promise.resolve(value).catch((e: unknown) => Promise.reject(annotateTaskError(e, step.key))) : value;
  } catch (e) {
    throw annotateTaskError(e, step.key);
  }
}

async function finishChainAsync(task: Task, at: number, pending: PromiseLike<unknown>, get: (key: string) => unknown) {
  let prev = await pending;
  for (let i = at + 1; i < task.chain.length; i++) prev = await callStep(task, i, prev, get);
  return prev;
}

function callTask(task: Task, get: (key: string) => unknown): unknown {
  const { fn, args } = task;
  if (task.deps.length === 0) return fn(...args);
  const real = new Array<unknown>(args.length);
  for (let i = 0; i < args.length; i++) real[i] = substitute(args[i], get);
  return fn(...real);
}

export function isThenable(x: unknown): x is PromiseLike<unknown> {
  return x !== null && (typeof x === 'object' || typeof x === 'function') && typeof (x as { then?: unknown }).then === 'function';
}

/** Human name of a key: `inc-3f2a...` -> `inc`; tuple-like keys `('read-csv', 3)` keep their prefix. */
export function keyName(key: string): string {
  const dash = key.lastIndexOf('-');
  return dash > 0 ? key.slice(0, dash) : key;
}
