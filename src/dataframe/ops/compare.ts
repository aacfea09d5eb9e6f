/** Element-wise comparisons; results are bool series with no missing values (NaN compares false, ne true). */
import { kernel } from '../../core/kernels.js';
import { type Column, Frame, getCell } from '../frame.js';
import { isSeriesPart, numbers, type Operand, sameLength, scalarNumber } from './operand.js';
import { stringComparator } from './string-order.js';

export type CompareOp = 'gt' | 'ge' | 'lt' | 'le' | 'eq' | 'ne';

/** An operator as a test of a three-way comparison result (-1, 0, 1). */
const OUTCOME: Record<CompareOp, (c: number) => boolean> = {
  gt: (c) => c > 0,
  ge: (c) => c >= 0,
  lt: (c) => c < 0,
  le: (c) => c <= 0,
  eq: (c) => c === 0,
  ne: (c) => c !== 0,
};

function boolFrame(like: Frame, out: Uint8Array): Frame {
  return new Frame(like.names, [{ dtype: 'bool', data: out }], like.length, like.index);
}

function compareStringColumn(left: Frame, a: Column, right: Operand, op: CompareOp): Frame {
  const n = left.length;
  const out = new Uint8Array(n);
  const test = OUTCOME[op];
  const codes = a.data as Int32Array;
  const missing = op === 'ne' ? 1 : 0;
  if (isSeriesPart(right)) {
    sameLength(left, right, `${op} on '${left.names[0]}'`);
    const b = right.series;
    if (b.dtype !== 'string') {
      if (op !== 'eq' && op !== 'ne') throw new TypeError(`${op}: cannot order strings of '${left.names[0]}' against ${b.dtype} values of '${right.names[0]}'`);
      out.fill(op === 'ne' ? 1 : 0);
      return boolFrame(left, out);
    }
    const cmp = stringComparator(a.dict!, b.dict!);
    for (let i = 0; i < n; i++) {
      const x = codes[i] < 0 ? null : a.dict![codes[i]];
      const y = getCell(b, i);
      out[i] = x === null || y === null ? missing : test(cmp(x, String(y))) ? 1 : 0;
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
  // Code-point fix-ups are needed only if the literal itself holds a high unit.
  const cmp = stringComparator([lit]);
  for (let k = 0; k < table.length; k++) table[k] = test(cmp(a.dict![k], lit)) ? 1 : 0;
  for (let i = 0; i < n; i++) out[i] = codes[i] < 0 ? missing : table[codes[i]];
  return boolFrame(left, out);
}

export function compareKernel(left: Frame, right: Operand, op: CompareOp): Frame {
  const a = left.series;
  const what = `${op} on '${left.names[0]}'`;
  if (a.dtype === 'string') return compareStringColumn(left, a, right, op);
  const x = numbers(a, what);
  const n = left.length;
  const out = new Uint8Array(n);
  if (isSeriesPart(right)) {
    sameLength(left, right, what);
    if (right.series.dtype === 'string') return compareStringColumn(right, right.series, left, flip(op));
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
