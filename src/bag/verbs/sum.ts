/** b.sum(): the sum of numeric elements (0 for an empty bag). */
import { kernel } from '../../core/kernels.js';
import { type BagSpec, type Reduction, reduceTree } from '../graph.js';
import { describe } from '../values.js';

export const sumNumbers = kernel('bag.sum.combine', (xs: readonly number[]) => {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s;
});

export const sumReduction: Reduction = {
  chunk: kernel('bag.sum.chunk', (part: readonly unknown[]) => {
    let s = 0;
    for (let i = 0; i < part.length; i++) {
      const x = part[i];
      if (typeof x !== 'number') throw new TypeError(`sum: element ${i} of the partition is ${describe(x)}, not a number (map it to a number first)`);
      s += x;
    }
    return s;
  }),
  combine: sumNumbers,
  aggregate: sumNumbers,
};

export function sum(bag: BagSpec, splitEvery?: number) {
  return reduceTree('sum', bag, sumReduction, { splitEvery });
}
