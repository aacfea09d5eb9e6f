/** b.filter(pred): the elements for which pred(element) is truthy. */
import type { TaskFn } from '../../core/graph.js';
import { kernel } from '../../core/kernels.js';
import { type BagSpec, blockwise } from '../graph.js';
import { fnLabel } from './label.js';

export const filterKernel = kernel('bag.filter', (part: readonly unknown[], pred: TaskFn) => {
  const out: unknown[] = [];
  for (let i = 0; i < part.length; i++) if (pred(part[i])) out.push(part[i]);
  return out;
});

export function filter(bag: BagSpec, pred: TaskFn): BagSpec {
  if (typeof pred !== 'function') throw new TypeError(`filter: expected a predicate function, got ${typeof pred}`);
  return blockwise(fnLabel('filter', pred), filterKernel, [bag, pred]);
}
