/** Boolean and / or / not on bool series; a missing bool counts as false (as in a pandas mask). */
import { kernel } from '../../core/kernels.js';
import { BOOL_NA, Frame } from '../frame.js';
import { isSeriesPart, type Operand, sameLength } from './operand.js';

function truth(part: Frame, what: string): Uint8Array {
  const c = part.series;
  if (c.dtype !== 'bool') throw new TypeError(`${what}: expects a bool series, got ${c.dtype} series '${part.names[0]}'`);
  return c.data as Uint8Array;
}

export const logical = kernel('dataframe.logical', (left: Frame, right: Operand, op: 'and' | 'or' | 'xor'): Frame => {
  const a = truth(left, op);
  const n = left.length;
  const out = new Uint8Array(n);
  if (isSeriesPart(right)) {
    sameLength(left, right, op);
    const b = truth(right, op);
    if (op === 'and') for (let i = 0; i < n; i++) out[i] = a[i] === 1 && b[i] === 1 ? 1 : 0;
    else if (op === 'or') for (let i = 0; i < n; i++) out[i] = a[i] === 1 || b[i] === 1 ? 1 : 0;
    else for (let i = 0; i < n; i++) out[i] = (a[i] === 1) !== (b[i] === 1) ? 1 : 0;
  } else {
    const y = right === true || right === 1;
    for (let i = 0; i < n; i++) {
      const x = a[i] === 1;
      out[i] = (op === 'and' ? x && y : op === 'or' ? x || y : x !== y) ? 1 : 0;
    }
  }
  return new Frame(left.names, [{ dtype: 'bool', data: out }], n, left.index);
});

export const not = kernel('dataframe.not', (part: Frame): Frame => {
  const a = truth(part, 'not');
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] === BOOL_NA ? BOOL_NA : 1 - a[i];
  return new Frame(part.names, [{ dtype: 'bool', data: out }], part.length, part.index);
});
