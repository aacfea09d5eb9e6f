/** b.mapPartitions(fn, ...args): fn(partitionArray, ...args) must return an iterable (or a Promise of one). */
import { isThenable, type TaskFn } from '../../core/graph.js';
import { kernel } from '../../core/kernels.js';
import { type BagSpec, blockwise } from '../graph.js';
import { describe } from '../values.js';
import { fnLabel } from './label.js';

function toArray(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (v !== null && typeof v === 'object' && Symbol.iterator in v) return [...(v as Iterable<unknown>)];
  throw new TypeError(`mapPartitions: the function must return an array or another iterable, got ${describe(v)}`);
}

export const mapPartitionsKernel = kernel('bag.map-partitions', (part: unknown[], fn: TaskFn, args: readonly unknown[]) => {
  const v = fn(part, ...args);
  return isThenable(v) ? Promise.resolve(v).then(toArray) : toArray(v);
});

export function mapPartitions(bag: BagSpec, fn: TaskFn, args: readonly unknown[]): BagSpec {
  if (typeof fn !== 'function') throw new TypeError(`mapPartitions: expected a function, got ${typeof fn}`);
  return blockwise(fnLabel('map-partitions', fn), mapPartitionsKernel, [bag, fn, args]);
}
