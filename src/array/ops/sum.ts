/** x.sum({ axis }): partials are keepdims blocks of sums; combine adds them. */
import { kernel } from '../../core/kernels.js';
import { type Block, emptyBlock } from '../block.js';
import { type ArrayReduction, keepShape, maskOf, reduceRuns } from './reduce.js';

/** Element-wise sum of same-shaped blocks (also dot's reduction over k). */
export const addBlocks = kernel('array.sum.combine', (parts: readonly Block[]): Block => {
  const out = emptyBlock(parts[0].shape);
  const o = out.data;
  for (const p of parts) {
    const s = p.data;
    for (let i = 0; i < o.length; i++) o[i] += s[i];
  }
  return out;
});

/** Sums over `axes`, keeping them as length 1. */
export function sumKeep(b: Block, axes: readonly number[]): Block {
  const mask = maskOf(b.shape.length, axes);
  const out = emptyBlock(keepShape(b.shape, mask));
  const s = b.data;
  const o = out.data;
  reduceRuns(b.shape, mask, (a, d, len, inner) => {
    if (inner) {
      let acc = 0;
      for (let k = 0; k < len; k++) acc += s[a + k];
      o[d] += acc;
    } else {
      for (let k = 0; k < len; k++) o[d + k] += s[a + k];
    }
  });
  return out;
}

export const sumReduction: ArrayReduction = {
  chunk: kernel('array.sum.chunk', sumKeep),
  combine: addBlocks,
  aggregate: kernel('array.sum.aggregate', (parts: readonly Block[], shape: number[]): Block => {
    const b = parts.length === 1 ? parts[0] : addBlocks(parts);
    return { shape, data: b.data };
  }),
};
