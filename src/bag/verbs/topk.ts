/**
 * b.topk(k, key?): the k largest elements, largest first. `key` is a function or a property
 * name; elements compare by `compare` (numbers numerically, strings, arrays lexicographically).
 * Each partition keeps its own top k, so only k elements per partition travel.
 */
import { kernel } from '../../core/kernels.js';
import { type BagSpec, type Reduction, reduceTree } from '../graph.js';
import { applyKey, compare, type KeySpec } from '../values.js';

type Key = KeySpec<unknown, unknown> | null;

function top(xs: readonly unknown[], k: number, key: Key): unknown[] {
  if (key === null) return [...xs].sort((a, b) => compare(b, a)).slice(0, k);
  const keyed = xs.map((x, i) => ({ x, kx: applyKey(key, x), i }));
  keyed.sort((a, b) => compare(b.kx, a.kx) || a.i - b.i);
  return keyed.slice(0, k).map((e) => e.x);
}

const merge = kernel('bag.topk.combine', (ps: readonly unknown[][], k: number, key: Key) => top(ps.flat(), k, key));

export const topkReduction: Reduction = {
  chunk: kernel('bag.topk.chunk', (part: readonly unknown[], k: number, key: Key) => top(part, k, key)),
  combine: merge,
  aggregate: merge,
};

export function topk(bag: BagSpec, k: number, key: Key, splitEvery?: number) {
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`topk: k must be a non-negative integer, got ${k}`);
  const args = [k, key];
  return reduceTree('topk', bag, topkReduction, { chunkArgs: args, combineArgs: args, aggregateArgs: args, splitEvery });
}
