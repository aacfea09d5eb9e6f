/**
 * Random row samples, reproducible per partition: the generator is seeded with
 * (randomState, partition number) so each partition draws independently and the same call
 * draws the same rows on any scheduler.
 */
import { kernel } from '../../core/kernels.js';
import { mulberry32 as rng } from '../../core/random.js';
import type { Frame } from '../frame.js';
import { takeRows } from './take.js';

/** round(frac * rows) rows of the partition, in random order, like pandas' sample(frac). */
export const sample = kernel('dataframe.sample', (part: Frame, frac: number, replace: boolean, seed: number, i: number): Frame => {
  const n = part.length;
  const k = Math.round(frac * n);
  const next = rng(Math.imul(seed, 0x9e3779b1) ^ (i * 0x85ebca6b));
  const idx = new Int32Array(k);
  if (replace) {
    for (let j = 0; j < k; j++) idx[j] = Math.floor(next() * n);
  } else {
    if (k > n) throw new RangeError(`sample: frac ${frac} > 1 needs { replace: true }`);
    // Partial Fisher-Yates over positions.
    const pos = new Int32Array(n);
    for (let j = 0; j < n; j++) pos[j] = j;
    for (let j = 0; j < k; j++) {
      const r = j + Math.floor(next() * (n - j));
      const t = pos[j];
      pos[j] = pos[r];
      pos[r] = t;
      idx[j] = pos[j];
    }
  }
  return takeRows(part, idx);
});
