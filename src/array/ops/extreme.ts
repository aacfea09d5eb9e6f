/** x.max / x.min ({ axis }): partials are keepdims blocks; NaN wins, as in NumPy. */
import { kernel } from '../../core/kernels.js';
import { type Block, emptyBlock } from '../block.js';
import { type ArrayReduction, keepShape, maskOf, reduceRuns } from './reduce.js';

function reduction(verb: 'max' | 'min'): ArrayReduction {
  const sign = verb === 'max' ? 1 : -1;
  const start = -sign * Infinity;
  // x replaces m when it is further in the wanted direction, or NaN; a NaN m stays.
  const better = sign === 1 ? (x: number, m: number) => x > m || x !== x : (x: number, m: number) => x < m || x !== x;
  const keep = (m: number) => m !== m;
  const combine = kernel(`array.${verb}.combine`, (parts: readonly Block[]): Block => {
    const out = emptyBlock(parts[0].shape);
    const o = out.data.fill(start);
    for (const p of parts) {
      const s = p.data;
      for (let i = 0; i < o.length; i++) if (!keep(o[i]) && better(s[i], o[i])) o[i] = s[i];
    }
    return out;
  });
  return {
    chunk: kernel(`array.${verb}.chunk`, (b: Block, axes: number[]): Block => {
      const mask = maskOf(b.shape.length, axes);
      const out = emptyBlock(keepShape(b.shape, mask));
      const s = b.data;
      const o = out.data.fill(start);
      reduceRuns(b.shape, mask, (a, d, len, inner) => {
        if (inner) {
          let m = o[d];
          for (let k = 0; k < len; k++) if (!keep(m) && better(s[a + k], m)) m = s[a + k];
          o[d] = m;
        } else {
          for (let k = 0; k < len; k++) if (!keep(o[d + k]) && better(s[a + k], o[d + k])) o[d + k] = s[a + k];
        }
      });
      return out;
    }),
    combine,
    aggregate: kernel(`array.${verb}.aggregate`, (parts: readonly Block[], shape: number[]): Block => {
      const b = parts.length === 1 ? parts[0] : combine(parts);
      return { shape, data: b.data };
    }),
  };
}

export const maxReduction = reduction('max');
export const minReduction = reduction('min');
