/** b.flatten(): one level of nesting removed; every element must be an array or another iterable. */
import { kernel } from '../../core/kernels.js';
import { type BagSpec, blockwise } from '../graph.js';
import { describe } from '../values.js';

export const flattenKernel = kernel('bag.flatten', (part: readonly unknown[]) => {
  const out: unknown[] = [];
  for (let i = 0; i < part.length; i++) {
    const x = part[i];
    if (Array.isArray(x)) {
      for (let j = 0; j < x.length; j++) out.push(x[j]);
    } else if (x !== null && (typeof x === 'object' || typeof x === 'string') && Symbol.iterator in Object(x)) {
      for (const v of x as Iterable<unknown>) out.push(v);
    } else {
      throw new TypeError(`flatten: element ${i} of the partition is ${describe(x)}, not an array or other iterable`);
    }
  }
  return out;
});

export function flatten(bag: BagSpec): BagSpec {
  return blockwise('flatten', flattenKernel, [bag]);
}
