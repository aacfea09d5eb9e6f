/** db.fromSequence: a bag over items already in memory, split into contiguous partitions. */
import type { GraphNode } from '../core/graph.js';
import { DataNode } from '../core/graph.js';
import { tokenize } from '../core/tokenize.js';
import { type BagSpec, PartitionLayer } from './graph.js';

export interface FromSequenceOptions {
  /** Number of partitions (default: one per item up to 100, as Dask does). */
  npartitions?: number;
  /** Items per partition (instead of npartitions). */
  partitionSize?: number;
}

export function fromSequence(items: Iterable<unknown>, opts: FromSequenceOptions = {}): BagSpec {
  if (items === null || items === undefined || typeof items[Symbol.iterator] !== 'function') {
    throw new TypeError(`fromSequence: expected an array or other iterable, got ${items === null ? 'null' : typeof items}`);
  }
  const all = Array.isArray(items) ? items : [...items];
  if (opts.npartitions !== undefined && opts.partitionSize !== undefined) throw new TypeError('fromSequence: give npartitions or partitionSize, not both');
  let n: number;
  if (opts.partitionSize !== undefined) {
    if (!Number.isInteger(opts.partitionSize) || opts.partitionSize < 1)
      throw new RangeError(`fromSequence: partitionSize must be a positive integer, got ${opts.partitionSize}`);
    n = Math.ceil(all.length / opts.partitionSize);
  } else if (opts.npartitions !== undefined) {
    if (!Number.isInteger(opts.npartitions) || opts.npartitions < 1)
      throw new RangeError(`fromSequence: npartitions must be a positive integer, got ${opts.npartitions}`);
    n = Math.min(opts.npartitions, all.length);
  } else {
    n = Math.min(all.length, 100);
  }
  n = Math.max(n, 1);
  // Even split: the first (length % n) partitions get one extra item.
  const base = Math.floor(all.length / n);
  const extra = all.length % n;
  const bounds: number[] = [0];
  for (let i = 0; i < n; i++) bounds.push(bounds[i] + base + (i < extra ? 1 : 0));
  const prefix = `from-sequence-${tokenize(all, n)}`;
  const make = (i: number): GraphNode => new DataNode(all.slice(bounds[i], bounds[i + 1]));
  return { prefix, npartitions: n, layer: new PartitionLayer(prefix, n, make, []) };
}
