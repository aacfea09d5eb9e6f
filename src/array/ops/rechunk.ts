/**
 * x.rechunk(chunks): each output block is assembled from the pieces of the input blocks it
 * overlaps (one task per output block). Blocks that line up exactly pass through unchanged.
 */
import { KeyRef, Task } from '../../core/graph.js';
import { kernel } from '../../core/kernels.js';
import { tokenize } from '../../core/tokenize.js';
import { type Block, copyBox, emptyBlock } from '../block.js';
import { blockShape, type Chunks, offsets, sameChunks } from '../chunks.js';
import { type ArraySpec, arraySpec, blockKey } from '../layer.js';

type Piece = [block: Block, srcStart: number[], dstStart: number[], size: number[]];

export const rechunkKernel = kernel('array.rechunk', (shape: number[], pieces: readonly Piece[]): Block => {
  const out = emptyBlock(shape);
  for (const [b, src, dst, size] of pieces) copyBox(b, src, out, dst, size);
  return out;
});

export const passBlock = kernel('array.identity', (b: Block): Block => b);

/** Along one axis: for an output range, the [inputBlock, srcStart, dstStart, len] pieces. */
function overlaps(inSizes: readonly number[], start: number, end: number): Array<[number, number, number, number]> {
  const off = offsets(inSizes);
  const out: Array<[number, number, number, number]> = [];
  for (let i = 0; i < inSizes.length; i++) {
    const lo = Math.max(start, off[i]);
    const hi = Math.min(end, off[i + 1]);
    if (hi > lo || (inSizes[i] === 0 && start === end && off[i] === start)) out.push([i, lo - off[i], lo - start, hi - lo]);
  }
  return out;
}

export function rechunk(x: ArraySpec, chunks: Chunks): ArraySpec {
  if (sameChunks(x.chunks, chunks)) return x;
  const prefix = `rechunk-${tokenize(x.prefix, chunks)}`;
  const outOff = chunks.map(offsets);
  return arraySpec(
    prefix,
    x.shape,
    chunks,
    (idx) => {
      const perAxis = idx.map((i, d) => overlaps(x.chunks[d], outOff[d][i], outOff[d][i + 1]));
      const shape = blockShape(chunks, idx);
      // Cartesian product of the per-axis pieces.
      let combos: Array<Array<[number, number, number, number]>> = [[]];
      for (const list of perAxis) combos = combos.flatMap((c) => list.map((p) => [...c, p]));
      if (combos.length === 1) {
        const c = combos[0];
        const whole = c.every(([i, s, , len], d) => s === 0 && len === x.chunks[d][i] && len === shape[d]);
        if (whole)
          return new Task(passBlock, [
            new KeyRef(
              blockKey(
                x.prefix,
                c.map((p) => p[0]),
              ),
            ),
          ]);
      }
      const pieces = combos.map((c) => [
        new KeyRef(
          blockKey(
            x.prefix,
            c.map((p) => p[0]),
          ),
        ),
        c.map((p) => p[1]),
        c.map((p) => p[2]),
        c.map((p) => p[3]),
      ]);
      return new Task(rechunkKernel, [shape, pieces]);
    },
    [x.layer],
  );
}
