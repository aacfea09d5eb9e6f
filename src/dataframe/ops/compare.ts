/** Element-wise comparisons; results are bool series with no missing values (NaN compares false, ne true). */
import { kernel } from '../../core/kernels.js';
import { type Column, Frame, getCell } from '../frame.js';
import { isSeriesPart, numbers, type Operand, sameLength, scalarNumber } from './operand.js';

export type CompareOp = 'gt' | 'ge' | 'lt' | 'le' | 'eq' | 'ne';

const FNS: Record<CompareOp, (a: number | string, b: number | string) => boolean> = {
  gt: (a, b) => a > b,
  ge: (a, b) => a >= b,
  lt: (a, b) => a < b,
  le: (a, b) => a <= b,
  eq: (a, b) => a === b,
  ne: (a, b) => a !== b,
};

function boolFrame(like: Frame, out: Uint8Array): Frame {
  return new Frame(like.names, [{ dtype: 'bool', data: out }], like.length, like.index);
}

function compareStrings(left: Frame, a: Column, right: Operand, op: CompareOp): Frame {
  const n = left.length;
  const out = new Uint8Array(n);
  const f = FNS[op];
  const codes = a.data as Int32Array;
  const missing = op === 'ne' ? 1 : 0;
  if (isSeriesPart(right)) {
    sameLength(left, right, `${op} on '${left.names[0]}'`);
    const b = right.series;
    for (let i = 0; i < n; i++) {
      const x = codes[i] < 0 ? null : a.dict![codes[i]];
      const y = getCell(b, i);
      out[i] = x === null || y === null ? missing : f(x, y instanceof Date ? y.toISOString() : (y as string | number)) ? 1 : 0;
    }
    return boolFrame(left, out);
  }
  if (right === null || typeof right === 'number' || typeof right === 'boolean') {
    if (op !== 'eq' && op !== 'ne' && right !== null) {
      throw new TypeError(`${op}: cannot order strings of '${left.names[0]}' against ${typeof right} ${String(right)}`);
    }
    out.fill(op === 'ne' ? 1 : 0);
    return boolFrame(left, out);
  }
  const lit = right instanceof Date ? right.toISOString() : right;
  // Decide once per dictionary entry, then map codes.
  const table = new Uint8Array(a.dict!.length);
  for (let k = 0; k < table.length; k++) table[k] = f(a.dict![k], lit) ? 1 : 0;
  for (let i = 0; i < n; i++) out[i] = codes[i] < 0 ? missing : table[codes[i]];
  return boolFrame(left, out);
}

export function compareKernel(left: Frame, right: Operand, op: CompareOp): Frame {
  const a = left.series;
  const what = `${op} on '${left.names[0]}'`;
  if (a.dtype === 'string') return compareStrings(left, a, right, op);
  const x = numbers(a, what);
  const n = left.length;
  const out = new Uint8Array(n);
  if (isSeriesPart(right)) {
    sameLength(left, right, what);
    if (right.series.dtype === 'string') return compareStrings(right, right.series, left, flip(op));
    const y = numbers(right.series, what);
    switch (op) {
      case 'gt':
        for (let i = 0; i < n; i++) out[i] = x[i] > y[i] ? 1 : 0;
        break;
      case 'ge':
        for (let i = 0; i < n; i++) out[i] = x[i] >= y[i] ? 1 : 0;
        break;
      case 'lt':
        for (let i = 0; i < n; i++) out[i] = x[i] < y[i] ? 1 : 0;
        break;
      case 'le':
        for (let i = 0; i < n; i++) out[i] = x[i] <= y[i] ? 1 : 0;
        break;
      case 'eq':
        for (let i = 0; i < n; i++) out[i] = x[i] === y[i] ? 1 : 0;
        break;
      case 'ne':
        for (let i = 0; i < n; i++) out[i] = x[i] !== y[i] ? 1 : 0;
        break;
    }
    return boolFrame(left, out);
  }
  if (typeof right === 'string' && a.dtype !== 'datetime') {
    if (op !== 'eq' && op !== 'ne') throw new TypeError(`${what}: cannot order numbers against the string '${right}'`);
    out.fill(op === 'ne' ? 1 : 0);
    return boolFrame(left, out);
  }
  const y = scalarNumber(right, what);
  switch (op) {
    case 'gt':
      for (let i = 0; i < n; i++) out[i] = x[i] > y ? 1 : 0;
      break;
    case 'ge':
      for (let i = 0; i < n; i++) out[i] = x[i] >= y ? 1 : 0;
      break;
    case 'lt':
      for (let i = 0; i < n; i++) out[i] = x[i] < y ? 1 : 0;
      break;
    case 'le':
      for (let i = 0; i < n; i++) out[i] = x[i] <= y ? 1 : 0;
      break;
    case 'eq':
      for (let i = 0; i < n; i++) out[i] = x[i] === y ? 1 : 0;
      break;
    case 'ne':
      for (let i = 0; i < n; i++) out[i] = x[i] !== y ? 1 : 0;
      break;
  }
  return boolFrame(left, out);
}

function flip(op: CompareOp): CompareOp {
  return ({ gt: 'lt', ge: 'le', lt: 'gt', le: 'ge', eq: 'eq', ne: 'ne' } as const)[op];
}

export const compare = kernel('dataframe.compare', compareKernel);
