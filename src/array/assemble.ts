/** Computed blocks back into one row-major array, or a number for an array without axes (what `compute()` returns). */
import { copyBox, sizeOf } from './block.js';
import type { Block } from './block.js';
import { blockIndices, type Chunks, numblocks, offsets } from './chunks.js';

/** What an array computes to: row-major float64 values and the shape. */
export interface NDArray {
  data: Float64Array;
  shape: number[];
}

/** What an array computes to: a number when it has no axes (as NumPy and Dask give a scalar), else values and shape. */
export type ArrayValue = NDArray | number;

export function assemble(blocks: readonly Block[], shape: readonly number[], chunks: Chunks): ArrayValue {
  if (shape.length === 0) return blocks[0].data[0];
  if (blocks.length === 1) return { data: blocks[0].data, shape: [...shape] };
  const out: Block = { shape: [...shape], data: new Float64Array(sizeOf(shape)) };
  const starts = chunks.map(offsets);
  blockIndices(numblocks(chunks)).forEach((idx, n) => {
    const b = blocks[n];
    copyBox(
      b,
      b.shape.map(() => 0),
      out,
      idx.map((i, d) => starts[d][i]),
      b.shape,
    );
  });
  return { data: out.data, shape: out.shape };
}
