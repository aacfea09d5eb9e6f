/**
 * Blockwise builders: one task per partition, reading partition i of each partitioned
 * argument (and the value of each single-key argument), and the meta it produces.
 */
import { type GraphLayer, PartitionLayer, partKey } from '../../core/collection.js';
import { isPlainObject, KeyRef, Task, type TaskFn } from '../../core/graph.js';
import { tokenize } from '../../core/tokenize.js';
import type { Frame } from '../frame.js';
import { type FrameSpec, frameSpec, isPartitioned, isSingle, type Kind, type ScalarSpec } from './spec.js';

function tokenOf(x: unknown): unknown {
  if (isPartitioned(x)) return { p: x.prefix };
  if (isSingle(x)) return { s: x.key };
  return x;
}

/** Walk nested args, replacing lazy inputs via `f`. */
export function mapLazy(x: unknown, f: (lazy: FrameSpec | ScalarSpec) => unknown): unknown {
  if (isPartitioned(x) || isSingle(x)) return f(x);
  if (Array.isArray(x)) return x.map((v) => mapLazy(v, f));
  if (isPlainObject(x)) {
    const out: Record<string, unknown> = {};
    for (const k in x) out[k] = mapLazy(x[k], f);
    return out;
  }
  return x;
}

export function findLazy(args: readonly unknown[]): { parts: FrameSpec[]; singles: ScalarSpec[] } {
  const parts: FrameSpec[] = [];
  const singles: ScalarSpec[] = [];
  mapLazy(args, (l) => {
    if (isPartitioned(l)) parts.push(l);
    else singles.push(l);
    return l;
  });
  return { parts, singles };
}

export function uniqueLayers(layers: readonly GraphLayer[]): GraphLayer[] {
  const seen = new Set<string>();
  return layers.filter((l) => (seen.has(l.id) ? false : (seen.add(l.id), true)));
}

/** Arguments with lazy inputs replaced by their metas (to derive an output meta). */
export function metaArgs(args: readonly unknown[]): unknown[] {
  return mapLazy(args, (l) => (isPartitioned(l) ? l.meta : l.metaValue)) as unknown[];
}

/** Run `fn` on metas: the output schema, or an error that says which operation failed. */
export function inferMeta(name: string, fn: TaskFn, args: readonly unknown[]): Frame {
  try {
    return fn(...metaArgs(args)) as Frame;
  } catch (e) {
    const err = e as Error;
    err.message = `${name}: ${err.message}`;
    throw err;
  }
}

/**
 * One task per partition: `fn(...args)` where each partitioned argument becomes its partition
 * i and each single-key argument its value. All partitioned arguments must have the same
 * number of partitions (they are assumed aligned: derived from the same source).
 */
export function blockwise<K extends Kind>(kind: K, name: string, fn: TaskFn, args: readonly unknown[], meta: Frame): FrameSpec<K> {
  const { parts, singles } = findLazy(args);
  if (parts.length === 0) throw new Error(`${name}: blockwise needs at least one partitioned input`);
  const n = parts[0].npartitions;
  for (const p of parts) {
    if (p.npartitions !== n) {
      throw new RangeError(
        `${name}: inputs have ${n} and ${p.npartitions} partitions; element-wise operations need collections derived from the same frame (repartition one to match)`,
      );
    }
  }
  const prefix = `${name}-${tokenize(fn, mapLazy(args, tokenOf))}`;
  const deps = uniqueLayers([...parts.map((p) => p.layer), ...singles.map((s) => s.layer)]);
  const make = (i: number) => new Task(fn, mapLazy(args, (l) => new KeyRef(isPartitioned(l) ? partKey(l.prefix, i) : l.key)) as unknown[]);
  return frameSpec(kind, prefix, n, meta, new PartitionLayer(prefix, n, make, deps));
}

/** A blockwise kernel whose meta comes from running it on the inputs' metas. */
export function derive<K extends Kind>(kind: K, name: string, fn: TaskFn, args: readonly unknown[]): FrameSpec<K> {
  const meta = inferMeta(name, fn, args);
  return blockwise(kind, name, fn, args, meta);
}

/** The same spec with another kind: a one-column frame seen as a series, or a series as a frame (same keys). */
export function asKind<K extends Kind>(s: FrameSpec, kind: K): FrameSpec<K> {
  return frameSpec(kind, s.prefix, s.npartitions, s.meta, s.layer, s.source);
}

/** Token helper for collections built by hand (readers, shuffles). */
export function tokenFor(...parts: unknown[]): string {
  return tokenize(...parts.map(tokenOf));
}
