/**
 * b.reduction(perPartition, aggregate): perPartition(partitionArray) on every partition, then
 * aggregate(partials[]) over groups of partials up a tree (so aggregate must also accept its
 * own outputs), like Dask's Bag.reduction.
 */
import type { TaskFn } from '../../core/graph.js';
import { kernel } from '../../core/kernels.js';
import { type BagSpec, type Reduction, reduceTree } from '../graph.js';
import { fnLabel } from './label.js';

const combine = kernel('bag.reduction.combine', (ps: readonly unknown[], aggregate: TaskFn) => aggregate(ps));

export const userReduction: Reduction = {
  chunk: kernel('bag.reduction.chunk', (part: readonly unknown[], perPartition: TaskFn) => perPartition(part)),
  combine,
  aggregate: combine,
};

export function reduction(bag: BagSpec, perPartition: TaskFn, aggregate: TaskFn, splitEvery?: number) {
  if (typeof perPartition !== 'function' || typeof aggregate !== 'function') throw new TypeError('reduction: perPartition and aggregate must be functions');
  return reduceTree(fnLabel('reduction', perPartition), bag, userReduction, {
    chunkArgs: [perPartition],
    combineArgs: [aggregate],
    aggregateArgs: [aggregate],
    splitEvery,
  });
}
