/**
 * b.distinct(key?): each distinct element once (first seen), compared by value, or by
 * `key(element)` when a key is given. Partials are [key, element][] lists.
 */
import { kernel } from '../../core/kernels.js';
import { type BagSpec, type Reduction, reduceTree } from '../graph.js';
import { applyKey, type KeySpec, ValueMap } from '../values.js';

type Seen = Array<[unknown, unknown]>;

function mergeSeen(ps: readonly Seen[]): ValueMap<unknown, unknown> {
  const m = new ValueMap<unknown, unknown>();
  for (const p of ps) for (const [k, x] of p) if (!m.has(k)) m.set(k, x);
  return m;
}

export const distinctReduction: Reduction = {
  chunk: kernel('bag.distinct.chunk', (part: readonly unknown[], key: KeySpec<unknown, unknown> | null): Seen => {
    const m = new ValueMap<unknown, unknown>();
    for (const x of part) {
      const k = key === null ? x : applyKey(key, x);
      if (!m.has(k)) m.set(k, x);
    }
    return m.entries();
  }),
  combine: kernel('bag.distinct.combine', (ps: readonly Seen[]): Seen => mergeSeen(ps).entries()),
  aggregate: kernel('bag.distinct.aggregate', (ps: readonly Seen[]) =>
    mergeSeen(ps)
      .entries()
      .map((e) => e[1]),
  ),
};

export function distinct(bag: BagSpec, key: KeySpec<unknown, unknown> | null, splitEvery?: number) {
  return reduceTree('distinct', bag, distinctReduction, { chunkArgs: [key], splitEvery });
}
