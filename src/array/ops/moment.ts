/**
 * x.var / x.std ({ axis, ddof }): partials are { n, mean, m2 } per output cell (m2: sum of
 * squared deviations), merged with Chan et al.'s pairwise update, which stays accurate where
 * the textbook sum-of-squares formula cancels catastrophically.
 */
import { kernel } from '../../core/kernels.js';
import { alloc, type Block, emptyBlock, sizeOf } from '../block.js';
import { type ArrayReduction, keepShape, maskOf, reduceRuns } from './reduce.js';
import { sumKeep } from './sum.js';

export interface MomentPartial {
  n: number;
  mean: Block;
  m2: Block;
}

const combine = kernel('array.var.combine', (parts: readonly MomentPartial[]): MomentPartial => {
  let n = parts[0].n;
  const mean = emptyBlock(parts[0].mean.shape);
  const m2 = emptyBlock(parts[0].m2.shape);
  mean.data.set(parts[0].mean.data);
  m2.data.set(parts[0].m2.data);
  const mu = mean.data;
  const q = m2.data;
  for (let p = 1; p < parts.length; p++) {
    const nb = parts[p].n;
    if (nb === 0) continue;
    const total = n + nb;
    const mb = parts[p].mean.data;
    const qb = parts[p].m2.data;
    for (let i = 0; i < mu.length; i++) {
      const delta = mb[i] - mu[i];
      mu[i] += (delta * nb) / total;
      q[i] += qb[i] + (delta * delta * n * nb) / total;
    }
    n = total;
  }
  return { n, mean, m2 };
});

export const varReduction: ArrayReduction = {
  chunk: kernel('array.var.chunk', (b: Block, axes: number[]): MomentPartial => {
    const n = axes.reduce((a, d) => a * b.shape[d], 1);
    const mean = sumKeep(b, axes);
    const mu = mean.data;
    if (n > 0) for (let i = 0; i < mu.length; i++) mu[i] /= n;
    const mask = maskOf(b.shape.length, axes);
    const m2 = emptyBlock(keepShape(b.shape, mask));
    const q = m2.data;
    const s = b.data;
    reduceRuns(b.shape, mask, (a, d, len, inner) => {
      if (inner) {
        const m = mu[d];
        let acc = 0;
        for (let k = 0; k < len; k++) acc += (s[a + k] - m) * (s[a + k] - m);
        q[d] += acc;
      } else {
        for (let k = 0; k < len; k++) q[d + k] += (s[a + k] - mu[d + k]) * (s[a + k] - mu[d + k]);
      }
    });
    return { n, mean, m2 };
  }),
  combine,
  aggregate: kernel('array.var.aggregate', (parts: readonly MomentPartial[], shape: number[], ddof: number, sqrt: boolean): Block => {
    const p = parts.length === 1 ? parts[0] : combine(parts);
    const data = alloc(sizeOf(shape));
    const q = p.m2.data;
    const denom = p.n - ddof;
    for (let i = 0; i < data.length; i++) {
      const v = denom > 0 ? q[i] / denom : NaN;
      data[i] = sqrt ? Math.sqrt(v) : v;
    }
    return { shape, data };
  }),
};
