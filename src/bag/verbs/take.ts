/** b.take(n): the first n elements of the first partitions (a task over a prefix of the partitions). */
import { KeyRef, Task } from '../../core/graph.js';
import { kernel } from '../../core/kernels.js';
import { tokenize } from '../../core/tokenize.js';
import { type BagSpec, partKey } from '../graph.js';

export const takeKernel = kernel('bag.take', (parts: readonly unknown[][], n: number) => {
  const out: unknown[] = [];
  for (const p of parts) {
    for (let i = 0; i < p.length && out.length < n; i++) out.push(p[i]);
    if (out.length >= n) break;
  }
  return out;
});

/** A task reading the first `nparts` partitions. */
export function take(bag: BagSpec, n: number, nparts: number): { key: string; task: Task } {
  const key = `take-${tokenize(bag.prefix, n, nparts)}`;
  const refs = Array.from({ length: nparts }, (_, i) => new KeyRef(partKey(bag.prefix, i)));
  return { key, task: new Task(takeKernel, [refs, n]) };
}
