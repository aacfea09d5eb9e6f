/**
 * da.random.normal / da.random.random (uniform): one seeded stream per block, chosen when the
 * graph is built; the same array computes to the same values on every scheduler.
 */
import { Task } from '../../core/graph.js';
import { kernel } from '../../core/kernels.js';
import { tokenize } from '../../core/tokenize.js';
import { alloc, type Block, sizeOf } from '../block.js';
import { blockShape, type Chunks, numblocks } from '../chunks.js';
import { type ArraySpec, arraySpec } from '../layer.js';
import { Xoshiro128 } from '../rng.js';

export type Distribution = ['normal', number, number] | ['uniform', number, number];

export const randomKernel = kernel('array.random', (shape: number[], seed: number, stream: number, dist: Distribution): Block => {
  const data = alloc(sizeOf(shape));
  const rng = new Xoshiro128(seed, stream);
  if (dist[0] === 'normal') rng.fillNormal(data, dist[1], dist[2]);
  else rng.fillUniform(data, dist[1], dist[2]);
  return { shape, data };
});

export function random(shape: readonly number[], chunks: Chunks, seed: number, dist: Distribution): ArraySpec {
  const grid = numblocks(chunks);
  const prefix = `${dist[0]}-${tokenize(shape, chunks, seed, dist)}`;
  return arraySpec(
    prefix,
    shape,
    chunks,
    (idx) => {
      let stream = 0;
      for (let d = 0; d < idx.length; d++) stream = stream * grid[d] + idx[d];
      return new Task(randomKernel, [blockShape(chunks, idx), seed, stream, dist]);
    },
    [],
  );
}
