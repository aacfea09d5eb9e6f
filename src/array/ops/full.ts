/** da.ones / da.zeros / da.full: blocks filled with one value. */
import { Task } from '../../core/graph.js';
import { kernel } from '../../core/kernels.js';
import { tokenize } from '../../core/tokenize.js';
import { alloc, type Block, sizeOf } from '../block.js';
import { blockShape, type Chunks } from '../chunks.js';
import { type ArraySpec, arraySpec } from '../layer.js';

export const fullKernel = kernel('array.full', (shape: number[], value: number): Block => {
  const data = alloc(sizeOf(shape));
  if (value !== 0) data.fill(value);
  return { shape, data };
});

export function full(name: string, shape: readonly number[], chunks: Chunks, value: number): ArraySpec {
  if (typeof value !== 'number') throw new TypeError(`${name}: fill value must be a number, got ${typeof value}`);
  const prefix = `${name}-${tokenize(shape, chunks, value)}`;
  return arraySpec(prefix, shape, chunks, (idx) => new Task(fullKernel, [blockShape(chunks, idx), value]), []);
}
