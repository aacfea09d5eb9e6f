/** x.mean({ axis }): partials are { n, sum } (n values folded into each cell). */
import { kernel } from '../../core/kernels.js';
import { alloc, type Block, sizeOf } from '../block.js';
import { type ArrayReduction } from './reduce.js';
import { addBlocks, sumKeep } from './sum.js';

export interface MeanPartial {
  n: number;
  sum: Block;
}

const combine = kernel('array.mean.combine', (parts: readonly MeanPartial[]): MeanPartial => ({
  n: parts.reduce((a, p) => a + p.n, 0),
  sum: addBlocks(parts.map((p) => p.sum)),
}));

export const meanReduction: ArrayReduction = {
  chunk: kernel('array.mean.chunk', (b: Block, axes: number[]): MeanPartial => ({
    n: axes.reduce((a, d) => a * b.shape[d], 1),
    sum: sumKeep(b, axes),
  })),
  combine,
  aggregate: kernel('array.mean.aggregate', (parts: readonly MeanPartial[], shape: number[]): Block => {
    const p = parts.length === 1 ? parts[0] : combine(parts);
    const data = alloc(sizeOf(shape));
    const s = p.sum.data;
    for (let i = 0; i < data.length; i++) data[i] = s[i] / p.n;
    return { shape, data };
  }),
};
