/** Builders that rearrange partitions: pick some, repartition, sample rows, count rows, read the edges. */
import { PartitionLayer, partKey } from '../../core/collection.js';
import { KeyRef, Task } from '../../core/graph.js';
import { tokenize } from '../../core/tokenize.js';
import { concat as concatKernel } from '../ops/concat.js';
import { framesToDanfo, framesToDanfoSeries } from '../ops/danfo.js';
import { identity } from '../ops/identity.js';
import { lenChunk, lenSum } from '../ops/length.js';
import { sample as sampleKernel } from '../ops/sample.js';
import { concatSlice } from '../ops/slice.js';
import { splitPart } from '../ops/split.js';
import { treeReduce } from './reduce.js';
import { type FrameSpec, frameSpec, type Kind, type ScalarSpec } from './spec.js';

/** Partition keys in order. */
export function keysOf(f: FrameSpec): string[] {
  return Array.from({ length: f.npartitions }, (_, i) => partKey(f.prefix, i));
}

/** Some partitions (negative positions count from the end). */
export function partitions<K extends Kind>(f: FrameSpec<K>, which: number | readonly number[]): FrameSpec<K> {
  const list = typeof which === 'number' ? [which] : [...which];
  for (const i of list) {
    if (!Number.isInteger(i) || i < -f.npartitions || i >= f.npartitions) {
      throw new RangeError(`partitions(${i}): there are ${f.npartitions} partitions (0..${f.npartitions - 1})`);
    }
  }
  const idx = list.map((i) => (i < 0 ? f.npartitions + i : i));
  const prefix = `partitions-${tokenize(f.prefix, idx)}`;
  const layer = new PartitionLayer(prefix, idx.length, (j) => new Task(identity, [new KeyRef(partKey(f.prefix, idx[j]))]), [f.layer]);
  return frameSpec(f.kind, prefix, idx.length, f.meta, layer);
}

/** Fewer partitions (consecutive ones concatenated) or more (each split into equal row ranges). */
export function repartition<K extends Kind>(f: FrameSpec<K>, target: number): FrameSpec<K> {
  if (!Number.isInteger(target) || target < 1) throw new RangeError(`repartition: npartitions must be a positive integer, got ${target}`);
  const n = f.npartitions;
  if (target === n) return f;
  const prefix = `repartition-${tokenize(f.prefix, target)}`;
  let layer: PartitionLayer;
  if (target < n) {
    const groups = Array.from({ length: target }, (_, j) => {
      const start = Math.floor((j * n) / target);
      const end = Math.floor(((j + 1) * n) / target);
      return Array.from({ length: end - start }, (_, k) => new KeyRef(partKey(f.prefix, start + k)));
    });
    layer = new PartitionLayer(prefix, target, (j) => new Task(concatKernel, [groups[j]]), [f.layer]);
  } else {
    // Partition i splits into pieces[i] pieces; pieces differ by at most one.
    const pieces = Array.from({ length: n }, (_, i) => Math.floor(((i + 1) * target) / n) - Math.floor((i * target) / n));
    const map: Array<[number, number, number]> = [];
    pieces.forEach((k, i) => {
      for (let j = 0; j < k; j++) map.push([i, j, k]);
    });
    layer = new PartitionLayer(prefix, target, (t) => new Task(splitPart, [new KeyRef(partKey(f.prefix, map[t][0])), map[t][1], map[t][2]]), [f.layer]);
  }
  return frameSpec(f.kind, prefix, target, f.meta, layer);
}

export interface SampleOptions {
  frac: number;
  replace?: boolean;
  randomState?: number;
}

/** A random fraction of rows from every partition (reproducible with randomState). */
export function sample<K extends Kind>(f: FrameSpec<K>, opts: SampleOptions): FrameSpec<K> {
  const { frac, replace = false } = opts;
  if (!(frac >= 0) || (frac > 1 && !replace)) throw new RangeError(`sample: frac must be in [0, 1] (or > 1 with replace: true), got ${frac}`);
  const seed = opts.randomState ?? Math.floor(Math.random() * 2 ** 31);
  const prefix = `sample-${tokenize(f.prefix, frac, replace, seed)}`;
  const layer = new PartitionLayer(prefix, f.npartitions, (i) => new Task(sampleKernel, [new KeyRef(partKey(f.prefix, i)), frac, replace, seed, i]), [f.layer]);
  return frameSpec(f.kind, prefix, f.npartitions, f.meta, layer);
}

/** Row count. */
export function lengthOf(f: FrameSpec): ScalarSpec {
  return treeReduce('len', f, { chunk: lenChunk, combine: lenSum, aggregate: lenSum, splitEvery: 32 }, 0);
}

/** The first (`front`) or last `n` rows of the first or last `take` partitions, as one task. */
export function edgeTask(f: FrameSpec, n: number, take: number, front: boolean): { key: string; task: Task } {
  const idx = Array.from({ length: take }, (_, j) => (front ? j : f.npartitions - take + j));
  const args = front ? [0, n] : [-n, null];
  const key = `${front ? 'head' : 'tail'}-${tokenize(f.prefix, idx, n)}`;
  return { key, task: new Task(concatSlice, [idx.map((i) => new KeyRef(partKey(f.prefix, i))), ...args]) };
}

/** One task per partition computing it to the user's danfo object (toDelayed). */
export function danfoTasks(f: FrameSpec): Array<{ key: string; task: Task }> {
  const toUser = f.kind === 'frame' ? framesToDanfo : framesToDanfoSeries;
  return keysOf(f).map((k, i) => ({ key: `to-danfo-${tokenize(f.prefix)}#${i}`, task: new Task(toUser, [[new KeyRef(k)]]) }));
}
