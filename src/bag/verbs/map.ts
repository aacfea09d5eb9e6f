/**
 * b.map(fn, ...args): fn(element, ...args) for every element. A Bag argument is zipped
 * element by element (same partitioning); an Item argument is passed whole. A fn returning
 * Promises makes the partition wait for all of them.
 */
import { isThenable, type TaskFn } from '../../core/graph.js';
import { kernel } from '../../core/kernels.js';
import { type BagSpec, blockwise, isBag } from '../graph.js';
import { fnLabel } from './label.js';

export const mapKernel = kernel('bag.map', (part: readonly unknown[], fn: TaskFn, args: readonly unknown[], zip: readonly boolean[]) => {
  const n = part.length;
  for (let j = 0; j < args.length; j++) {
    if (zip[j] && (args[j] as unknown[]).length !== n) {
      throw new RangeError(`map: zipped bags differ in length within a partition (${n} and ${(args[j] as unknown[]).length} elements)`);
    }
  }
  const out = new Array<unknown>(n);
  let async = false;
  if (args.length === 0) {
    for (let i = 0; i < n; i++) {
      const v = fn(part[i]);
      if (isThenable(v)) async = true;
      out[i] = v;
    }
  } else {
    const call = new Array<unknown>(args.length + 1);
    for (let i = 0; i < n; i++) {
      call[0] = part[i];
      for (let j = 0; j < args.length; j++) call[j + 1] = zip[j] ? (args[j] as unknown[])[i] : args[j];
      const v = fn(...call);
      if (isThenable(v)) async = true;
      out[i] = v;
    }
  }
  return async ? Promise.all(out) : out;
});

export function map(bag: BagSpec, fn: TaskFn, args: readonly unknown[]): BagSpec {
  if (typeof fn !== 'function') throw new TypeError(`map: expected a function, got ${typeof fn}`);
  return blockwise(fnLabel('map', fn), mapKernel, [bag, fn, args, args.map(isBag)]);
}
