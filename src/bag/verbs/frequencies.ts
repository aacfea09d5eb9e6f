/**
 * b.frequencies({ sort? }): [element, count] pairs, elements compared by value. In first-seen
 * order, or by count descending with `sort: true`. Partials are [element, count][] lists.
 */
import { kernel } from '../../core/kernels.js';
import { type BagSpec, type Reduction, reduceTree } from '../graph.js';
import { ValueMap } from '../values.js';

type Counts = Array<[unknown, number]>;

const merge = kernel('bag.frequencies.combine', (ps: readonly Counts[]): Counts => {
  const m = new ValueMap<unknown, number>();
  for (const p of ps) for (const [k, n] of p) m.set(k, (m.get(k) ?? 0) + n);
  return m.entries();
});

export const frequenciesReduction: Reduction = {
  chunk: kernel('bag.frequencies.chunk', (part: readonly unknown[]): Counts => {
    const m = new ValueMap<unknown, number>();
    for (const x of part) m.set(x, (m.get(x) ?? 0) + 1);
    return m.entries();
  }),
  combine: merge,
  aggregate: kernel('bag.frequencies.aggregate', (ps: readonly Counts[], sort: boolean): Counts => {
    const out = merge(ps);
    // Array.prototype.sort is stable: ties keep first-seen order.
    return sort ? out.sort((a, b) => b[1] - a[1]) : out;
  }),
};

export function frequencies(bag: BagSpec, sort: boolean, splitEvery?: number) {
  return reduceTree('frequencies', bag, frequenciesReduction, { aggregateArgs: [sort], splitEvery });
}
