/** x.T / x.transpose(axes): output axis d is input axis axes[d]; blocks transpose locally. */
import { KeyRef, Task } from '../../core/graph.js';
import { kernel } from '../../core/kernels.js';
import { tokenize } from '../../core/tokenize.js';
import { type Block, emptyBlock, stridesOf } from '../block.js';
import { type ArraySpec, arraySpec, blockKey } from '../layer.js';

export const transposeKernel = kernel('array.transpose', (b: Block, axes: number[]): Block => {
  const shape = axes.map((a) => b.shape[a]);
  const out = emptyBlock(shape);
  const s = b.data;
  const o = out.data;
  if (shape.length === 2 && axes[0] === 1) {
    // The common case, tiled so both sides stay in cache.
    const [rows, cols] = b.shape;
    const T = 32;
    for (let i0 = 0; i0 < rows; i0 += T) {
      for (let j0 = 0; j0 < cols; j0 += T) {
        const i1 = Math.min(rows, i0 + T);
        const j1 = Math.min(cols, j0 + T);
        for (let i = i0; i < i1; i++) for (let j = j0; j < j1; j++) o[j * rows + i] = s[i * cols + j];
      }
    }
    return out;
  }
  // General: walk the input in order; each input axis advances the output by its stride there.
  const os = stridesOf(shape);
  const inv = new Array<number>(axes.length);
  axes.forEach((a, d) => (inv[a] = d));
  const step = b.shape.map((_, a) => os[inv[a]]);
  const nd = b.shape.length;
  const idx = new Array<number>(nd).fill(0);
  let at = 0;
  for (let i = 0; i < s.length; i++) {
    o[at] = s[i];
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]++;
      at += step[d];
      if (idx[d] < b.shape[d]) break;
      at -= step[d] * b.shape[d];
      idx[d] = 0;
    }
  }
  return out;
});

export function normalizePermutation(axes: readonly number[] | undefined, ndim: number): number[] {
  if (axes === undefined) return Array.from({ length: ndim }, (_, d) => ndim - 1 - d);
  const norm = axes.map((a) => (a < 0 ? a + ndim : a));
  const ok = norm.length === ndim && [...norm].sort((a, b) => a - b).every((a, i) => a === i);
  if (!ok) throw new RangeError(`transpose: axes [${axes.join(', ')}] are not a permutation of the ${ndim} axes`);
  return norm;
}

export function transpose(x: ArraySpec, axes: number[]): ArraySpec {
  if (axes.every((a, d) => a === d)) return x;
  const prefix = `transpose-${tokenize(x.prefix, axes)}`;
  return arraySpec(
    prefix,
    axes.map((a) => x.shape[a]),
    axes.map((a) => [...x.chunks[a]]),
    (o) => {
      const idx = new Array<number>(axes.length);
      axes.forEach((a, d) => (idx[a] = o[d]));
      return new Task(transposeKernel, [new KeyRef(blockKey(x.prefix, idx)), axes]);
    },
    [x.layer],
  );
}
