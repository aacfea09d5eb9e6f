/** b.count(): the number of elements. */
import { kernel } from '../../core/kernels.js';
import { type BagSpec, type Reduction, reduceTree } from '../graph.js';
import { sumNumbers } from './sum.js';

export const countReduction: Reduction = {
  chunk: kernel('bag.count.chunk', (part: readonly unknown[]) => part.length),
  combine: sumNumbers,
  aggregate: sumNumbers,
};

export function count(bag: BagSpec, splitEvery?: number) {
  return reduceTree('count', bag, countReduction, { splitEvery });
}
