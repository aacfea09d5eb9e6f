/**
 * x.dot(y) for 1-d and 2-d arrays: output block (i, j) = sum over k of x(i, k) · y(k, j),
 * a block product per k then a tree sum. y's row chunks are aligned to x's column chunks.
 */
import { StaticLayer } from '../../core/collection.js';
import { type GraphNode, KeyRef, Task } from '../../core/graph.js';
import { kernel } from '../../core/kernels.js';
import { tokenize } from '../../core/tokenize.js';
import { type Block, emptyBlock } from '../block.js';
import type { Chunks } from '../chunks.js';
import { type ArraySpec, blockKey } from '../layer.js';
import { rechunk } from './rechunk.js';
import { addBlocks } from './sum.js';

/** A 1-d left operand is a row; a 1-d right operand is a column; their axes drop from the result. */
export const dotKernel = kernel('array.dot.block', (a: Block, b: Block): Block => {
  const [m, k] = a.shape.length === 2 ? a.shape : [1, a.shape[0]];
  const [k2, n] = b.shape.length === 2 ? b.shape : [b.shape[0], 1];
  if (k !== k2) throw new RangeError(`dot: block shapes [${a.shape.join(',')}] and [${b.shape.join(',')}] do not align`);
  const shape = [...(a.shape.length === 2 ? [m] : []), ...(b.shape.length === 2 ? [n] : [])];
  const out = emptyBlock(shape);
  const o = out.data;
  const x = a.data;
  const y = b.data;
  // i-p-j order: the inner loop runs along rows of y and of the output.
  for (let i = 0; i < m; i++) {
    const oi = i * n;
    for (let p = 0; p < k; p++) {
      const v = x[i * k + p];
      const yp = p * n;
      for (let j = 0; j < n; j++) o[oi + j] += v * y[yp + j];
    }
  }
  return out;
});

export function dot(a: ArraySpec, b0: ArraySpec, splitEvery = 8): ArraySpec {
  if (a.shape.length < 1 || a.shape.length > 2 || b0.shape.length < 1 || b0.shape.length > 2) {
    throw new RangeError(`dot: supports 1-d and 2-d arrays, got shapes [${a.shape.join(', ')}] and [${b0.shape.join(', ')}]`);
  }
  const ka = a.shape[a.shape.length - 1];
  if (ka !== b0.shape[0]) {
    throw new RangeError(`dot: shapes [${a.shape.join(', ')}] and [${b0.shape.join(', ')}] are not aligned (${ka} != ${b0.shape[0]})`);
  }
  const kChunks = a.chunks[a.chunks.length - 1];
  const b = rechunk(b0, [[...kChunks], ...b0.chunks.slice(1)]);
  const rowsA = a.shape.length === 2 ? a.chunks[0] : [1];
  const colsB = b.shape.length === 2 ? b.chunks[1] : [1];
  const shape = [...(a.shape.length === 2 ? [a.shape[0]] : []), ...(b.shape.length === 2 ? [b.shape[1]] : [])];
  const chunks: Chunks = [...(a.shape.length === 2 ? [[...a.chunks[0]]] : []), ...(b.shape.length === 2 ? [[...b.chunks[1]]] : [])];
  const token = tokenize(a.prefix, b.prefix, splitEvery);
  const prefix = `dot-${token}`;
  const entries: Array<readonly [string, GraphNode]> = [];
  for (let i = 0; i < rowsA.length; i++) {
    for (let j = 0; j < colsB.length; j++) {
      const outIdx = [...(a.shape.length === 2 ? [i] : []), ...(b.shape.length === 2 ? [j] : [])];
      const outKey = blockKey(prefix, outIdx);
      const products = kChunks.map((_, k) => {
        const ak = blockKey(a.prefix, a.shape.length === 2 ? [i, k] : [k]);
        const bk = blockKey(b.prefix, b.shape.length === 2 ? [k, j] : [k]);
        return new Task(dotKernel, [new KeyRef(ak), new KeyRef(bk)]);
      });
      if (products.length === 1) {
        entries.push([outKey, products[0]]);
        continue;
      }
      let level = products.map((t, k) => {
        const key = `dot-block-${token}#${outIdx.join(',')}.${k}`;
        entries.push([key, t]);
        return key;
      });
      for (let depth = 0; level.length > splitEvery; depth++) {
        const next: string[] = [];
        for (let s = 0; s < level.length; s += splitEvery) {
          const key = `dot-sum-${token}#${outIdx.join(',')}.${depth}.${next.length}`;
          entries.push([key, new Task(addBlocks, [level.slice(s, s + splitEvery).map((l) => new KeyRef(l))])]);
          next.push(key);
        }
        level = next;
      }
      entries.push([outKey, new Task(addBlocks, [level.map((l) => new KeyRef(l))])]);
    }
  }
  const deps = a.layer.id === b.layer.id ? [a.layer] : [a.layer, b.layer];
  return { prefix, shape, chunks, layer: new StaticLayer(prefix, entries, deps) };
}
