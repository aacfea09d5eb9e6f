/**
 * b.pluck(key, default?): element[key] for each element; a list of keys gives a tuple per
 * element. A missing key is a KeyError unless a default is given.
 */
import { kernel } from '../../core/kernels.js';
import { KeyError } from '../errors.js';
import { type BagSpec, blockwise } from '../graph.js';
import { describe } from '../values.js';

export type PluckKey = string | number;

function has(x: unknown, k: PluckKey): boolean {
  if (x instanceof Map) return x.has(k);
  if (x === null || x === undefined) return false;
  return typeof x === 'object' ? k in x : typeof x === 'string' ? typeof k === 'number' && k >= 0 && k < x.length : false;
}

function get(x: unknown, k: PluckKey): unknown {
  return x instanceof Map ? x.get(k) : (x as Record<PluckKey, unknown>)[k];
}

export const pluckKernel = kernel('bag.pluck', (part: readonly unknown[], key: PluckKey | PluckKey[], hasDefault: boolean, dflt: unknown) => {
  const keys = Array.isArray(key) ? key : [key];
  const out = new Array<unknown>(part.length);
  for (let i = 0; i < part.length; i++) {
    const x = part[i];
    const vals = keys.map((k) => {
      if (has(x, k)) return get(x, k);
      if (hasDefault) return dflt;
      throw new KeyError(`pluck: element ${i} of the partition (${describe(x)}) has no key ${JSON.stringify(k)}; pass a default: b.pluck(key, defaultValue)`);
    });
    out[i] = Array.isArray(key) ? vals : vals[0];
  }
  return out;
});

export function pluck(bag: BagSpec, key: PluckKey | readonly PluckKey[], hasDefault: boolean, dflt: unknown): BagSpec {
  return blockwise('pluck', pluckKernel, [bag, key, hasDefault, dflt]);
}
