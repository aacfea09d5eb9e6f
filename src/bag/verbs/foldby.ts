/**
 * b.foldby(key, binop, init?, combine?, combineInit?): group by key and fold each group.
 *  - per partition, each group's accumulator starts at `init` (or at its first element when
 *    no init is given) and folds elements with binop(acc, x);
 *  - partial accumulators of a group merge with combine(a, b) (default binop), starting at
 *    `combineInit` when given.
 * An object-valued init is copied (structuredClone) per group, so a binop that mutates its
 * accumulator never shares it between groups. Result: [key, value] pairs, first-seen order.
 */
import type { TaskFn } from '../../core/graph.js';
import { kernel } from '../../core/kernels.js';
import { type BagSpec, type Reduction, reduceTree } from '../graph.js';
import { applyKey, type KeySpec, ValueMap } from '../values.js';
import { fnLabel } from './label.js';

type Groups = Array<[unknown, unknown]>;
/** [given, value]: an init of `undefined` is a value only when explicitly given. */
type Initial = [boolean, unknown];

const fresh = (v: unknown) => (v !== null && typeof v === 'object' ? structuredClone(v) : v);

function mergeGroups(ps: readonly Groups[], combine: TaskFn, [given, init]: Initial): Groups {
  const m = new ValueMap<unknown, unknown>();
  for (const p of ps) {
    for (const [k, v] of p) {
      if (m.has(k)) m.set(k, combine(m.get(k), v));
      else m.set(k, given ? combine(fresh(init), v) : v);
    }
  }
  return m.entries();
}

const merge = kernel('bag.foldby.combine', mergeGroups);

export const foldbyReduction: Reduction = {
  chunk: kernel('bag.foldby.chunk', (part: readonly unknown[], key: KeySpec<unknown, unknown>, binop: TaskFn, [given, init]: Initial): Groups => {
    const m = new ValueMap<unknown, unknown>();
    for (const x of part) {
      const k = applyKey(key, x);
      if (m.has(k)) m.set(k, binop(m.get(k), x));
      else m.set(k, given ? binop(fresh(init), x) : x);
    }
    return m.entries();
  }),
  combine: merge,
  aggregate: merge,
};

export interface FoldbyArgs {
  key: KeySpec<unknown, unknown>;
  binop: TaskFn;
  init: Initial;
  combine: TaskFn;
  combineInit: Initial;
  splitEvery?: number;
}

export function foldby(bag: BagSpec, a: FoldbyArgs) {
  if (typeof a.binop !== 'function') throw new TypeError(`foldby: binop must be a function, got ${typeof a.binop}`);
  if (typeof a.combine !== 'function') throw new TypeError(`foldby: combine must be a function, got ${typeof a.combine}`);
  const combineArgs = [a.combine, a.combineInit];
  return reduceTree(fnLabel('foldby', a.binop), bag, foldbyReduction, {
    chunkArgs: [a.key, a.binop, a.init],
    combineArgs,
    aggregateArgs: combineArgs,
    splitEvery: a.splitEvery,
  });
}
