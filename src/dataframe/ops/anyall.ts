/** any / all: truthiness of non-missing values (0, false and '' are falsy). */
import { kernel } from '../../core/kernels.js';
import { BOOL_NA, Frame } from '../frame.js';

/** Per column: 1 if any (op 'any') / all (op 'all') non-missing values are truthy. */
export const anyAllChunk = kernel('dataframe.anyall.chunk', (part: Frame, op: 'any' | 'all'): Uint8Array => {
  const out = new Uint8Array(part.columns.length);
  part.columns.forEach((c, j) => {
    const d = c.data;
    let res = op === 'all';
    for (let i = 0; i < part.length; i++) {
      const x = d[i];
      let truthy: boolean;
      if (c.dtype === 'string') {
        if (x < 0) continue;
        truthy = c.dict![x] !== '';
      } else if (c.dtype === 'bool') {
        if (x === BOOL_NA) continue;
        truthy = x === 1;
      } else {
        if (x !== x) continue;
        truthy = x !== 0;
      }
      if (op === 'any' && truthy) {
        res = true;
        break;
      }
      if (op === 'all' && !truthy) {
        res = false;
        break;
      }
    }
    out[j] = res ? 1 : 0;
  });
  return out;
});

export const anyAllCombine = kernel('dataframe.anyall.combine', (parts: readonly Uint8Array[], op: 'any' | 'all'): Uint8Array => {
  const out = Uint8Array.from(parts[0]);
  for (const p of parts.slice(1)) for (let j = 0; j < out.length; j++) out[j] = op === 'any' ? out[j] | p[j] : out[j] & p[j];
  return out;
});

export const anyAllScalar = kernel('dataframe.anyall.scalar', (parts: readonly Uint8Array[], op: 'any' | 'all'): boolean => {
  return anyAllCombine(parts, op)[0] === 1;
});

export const anyAllSeries = kernel('dataframe.anyall.series', (parts: readonly Uint8Array[], op: 'any' | 'all', names: readonly string[]): Frame => {
  const r = anyAllCombine(parts, op);
  return new Frame(['0'], [{ dtype: 'bool', data: r }], names.length, { dtype: 'string', data: Int32Array.from(names.keys()), dict: [...names] });
});
