/** b.mean(): the mean of numeric elements (NaN for an empty bag). Partials are [sum, count]. */
import { kernel } from '../../core/kernels.js';
import { type BagSpec, type Reduction, reduceTree } from '../graph.js';
import { describe } from '../values.js';

type Partial = [sum: number, n: number];

const combine = kernel('bag.mean.combine', (ps: readonly Partial[]): Partial => {
  let s = 0;
  let n = 0;
  for (const [a, b] of ps) {
    s += a;
    n += b;
  }
  return [s, n];
});

export const meanReduction: Reduction = {
  chunk: kernel('bag.mean.chunk', (part: readonly unknown[]): Partial => {
    let s = 0;
    for (let i = 0; i < part.length; i++) {
      const x = part[i];
      if (typeof x !== 'number') throw new TypeError(`mean: element ${i} of the partition is ${describe(x)}, not a number`);
      s += x;
    }
    return [s, part.length];
  }),
  combine,
  aggregate: kernel('bag.mean.aggregate', (ps: readonly Partial[]) => {
    const [s, n] = combine(ps);
    return s / n;
  }),
};

export function mean(bag: BagSpec, splitEvery?: number) {
  return reduceTree('mean', bag, meanReduction, { splitEvery });
}
