/**
 * Axis reductions as tree reductions. Each input block is reduced to a partial with its
 * reduced axes kept as length 1 (`chunk`); the partials of one output block (all blocks that
 * differ only along reduced axes) are merged `splitEvery` at a time (`combine`); a final
 * `aggregate` drops the reduced axes and finishes (e.g. mean = sum / n). Creation and chunk
 * steps fuse into one task, so a large block never leaves the executor that made it.
 */
import { StaticLayer } from '../../core/collection.js';
import type { GraphNode, TaskFn } from '../../core/graph.js';
import { tokenize } from '../../core/tokenize.js';
import { splitOf, type TreeKeys, treeReduceNodes } from '../../core/tree-reduce.js';
import { blockIndices, blockShape, type Chunks, numblocks } from '../chunks.js';
import { type ArraySpec, blockKey } from '../layer.js';
import { stridesOf } from '../block.js';

export interface ArrayReduction {
  /** (block, axes) => partial, axes sorted. */
  readonly chunk: TaskFn;
  /** (partials[]) => partial */
  readonly combine: TaskFn;
  /** (partials[], outShape, ...aggregateArgs) => Block */
  readonly aggregate: TaskFn;
}

export type AxisInput = number | readonly number[] | null | undefined;

/** Sorted, non-negative, distinct axes; `undefined`/`null` means all axes. */
export function normalizeAxes(axis: AxisInput, ndim: number, who: string): number[] {
  if (axis === undefined || axis === null) return Array.from({ length: ndim }, (_, d) => d);
  const list = typeof axis === 'number' ? [axis] : [...axis];
  const out = list.map((a) => {
    if (!Number.isInteger(a) || a < -ndim || a >= ndim)
      throw new RangeError(`${who}: axis ${a} is out of bounds for an array of ${ndim} dimension${ndim === 1 ? '' : 's'}`);
    return a < 0 ? a + ndim : a;
  });
  if (new Set(out).size !== out.length) throw new RangeError(`${who}: repeated axis in [${list.join(', ')}]`);
  return out.sort((a, b) => a - b);
}

/** `mask[d]` is true for reduced axes. */
export function maskOf(ndim: number, axes: readonly number[]): boolean[] {
  const m = new Array<boolean>(ndim).fill(false);
  for (const a of axes) m[a] = true;
  return m;
}

export function keepShape(shape: readonly number[], mask: readonly boolean[]): number[] {
  return shape.map((s, d) => (mask[d] ? 1 : s));
}

/**
 * Visit a block by runs along its last axis, with the offset of each run's first element in
 * the keepdims output. `inner` is true when the last axis is reduced (the run folds into one
 * output cell); otherwise the run maps element by element onto an output run.
 */
export function reduceRuns(shape: readonly number[], mask: readonly boolean[], f: (src: number, dst: number, len: number, inner: boolean) => void): void {
  const nd = shape.length;
  if (nd === 0) {
    f(0, 0, 1, true);
    return;
  }
  if (shape.some((s) => s === 0)) return;
  const ss = stridesOf(shape);
  const os = stridesOf(keepShape(shape, mask)).map((s, d) => (mask[d] ? 0 : s));
  const len = shape[nd - 1];
  const inner = mask[nd - 1];
  const idx = new Array<number>(nd - 1).fill(0);
  let a = 0;
  let b = 0;
  for (;;) {
    f(a, b, len, inner);
    let d = nd - 2;
    for (; d >= 0; d--) {
      idx[d]++;
      a += ss[d];
      b += os[d];
      if (idx[d] < shape[d]) break;
      a -= ss[d] * shape[d];
      b -= os[d] * shape[d];
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}

export interface ReduceOptions {
  splitEvery?: number;
  aggregateArgs?: readonly unknown[];
  /** Keep reduced axes as length 1 (so the result broadcasts against the input). */
  keepdims?: boolean;
}

/** The graph of reducing `x` over `axes` (normalized) with `r`. */
export function reduceArray(name: string, x: ArraySpec, axes: readonly number[], r: ArrayReduction, opts: ReduceOptions = {}): ArraySpec {
  const split = splitOf(opts.splitEvery);
  const extra = opts.aggregateArgs ?? [];
  const nd = x.shape.length;
  const mask = maskOf(nd, axes);
  const kept = x.shape.map((_, d) => d).filter((d) => !mask[d]);
  const keepdims = opts.keepdims === true;
  const token = tokenize(name, x.prefix, axes, r.chunk, r.combine, r.aggregate, extra, split, keepdims);
  const prefix = `${name}-${token}`;
  const grid = numblocks(x.chunks);
  const outChunks: Chunks = kept.map((d) => [...x.chunks[d]]);
  const reducedGrid = axes.map((d) => grid[d]);
  const entries: Array<readonly [string, GraphNode]> = [];
  // One tree (core/tree-reduce.ts) per output block, over the blocks that differ from it only along reduced axes.
  for (const o of blockIndices(kept.map((d) => grid[d]))) {
    const outName = o.join(',');
    const leaves: number[][] = [];
    for (const rIdx of blockIndices(reducedGrid)) {
      const idx = new Array<number>(nd);
      kept.forEach((d, i) => (idx[d] = o[i]));
      axes.forEach((d, i) => (idx[d] = rIdx[i]));
      leaves.push(idx);
    }
    const outShape = blockShape(outChunks, o);
    const full = x.shape.map((_, d) => (mask[d] ? 0 : o[kept.indexOf(d)]));
    const shape = keepdims ? x.shape.map((_, d) => (mask[d] ? 1 : outShape[kept.indexOf(d)])) : outShape;
    const keys: TreeKeys = {
      chunk: (i) => `${name}-chunk-${token}#${leaves[i].join(',')}`,
      combine: (depth, j) => `${name}-combine-${token}#${outName}.${depth}.${j}`,
      output: blockKey(prefix, keepdims ? full : o),
    };
    const reduction = { chunk: r.chunk, chunkArgs: [axes], combine: r.combine, aggregate: r.aggregate, aggregateArgs: [shape, ...extra] };
    treeReduceNodes(
      leaves.map((idx) => blockKey(x.prefix, idx)),
      reduction,
      split,
      keys,
      entries,
    );
  }
  if (keepdims) {
    const chunks = x.chunks.map((c, d) => (mask[d] ? [1] : [...c]));
    return { prefix, shape: x.shape.map((n, d) => (mask[d] ? 1 : n)), chunks, layer: new StaticLayer(prefix, entries, [x.layer]) };
  }
  return { prefix, shape: kept.map((d) => x.shape[d]), chunks: outChunks, layer: new StaticLayer(prefix, entries, [x.layer]) };
}
