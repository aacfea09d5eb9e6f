/**
 * b.min() / b.max(): the smallest / largest element by `compare` (numbers numerically,
 * strings by code unit, arrays lexicographically). An empty bag is an error.
 * Partials are [found, value] so an empty partition contributes nothing.
 */
import { kernel } from '../../core/kernels.js';
import { type BagSpec, type Reduction, reduceTree } from '../graph.js';
import { compare } from '../values.js';

type Partial = [found: boolean, value: unknown];

function pick(xs: Iterable<unknown>, sign: 1 | -1): Partial {
  let found = false;
  let best: unknown;
  for (const x of xs) {
    if (!found || sign * compare(x, best) > 0) best = x;
    found = true;
  }
  return [found, best];
}

const partials = (ps: readonly Partial[]) => ps.filter((p) => p[0]).map((p) => p[1]);

function reduction(verb: 'min' | 'max', sign: 1 | -1): Reduction {
  return {
    chunk: kernel(`bag.${verb}.chunk`, (part: readonly unknown[]) => pick(part, sign)),
    combine: kernel(`bag.${verb}.combine`, (ps: readonly Partial[]) => pick(partials(ps), sign)),
    aggregate: kernel(`bag.${verb}.aggregate`, (ps: readonly Partial[]) => {
      const [found, v] = pick(partials(ps), sign);
      if (!found) throw new RangeError(`${verb}: the bag is empty`);
      return v;
    }),
  };
}

export const minReduction = reduction('min', -1);
export const maxReduction = reduction('max', 1);

export function extreme(bag: BagSpec, verb: 'min' | 'max', splitEvery?: number) {
  return reduceTree(verb, bag, verb === 'min' ? minReduction : maxReduction, { splitEvery });
}
