/** Element-wise arithmetic between a series and a series or a value. */
import { kernel } from '../../core/kernels.js';
import { checkExactInts, columnFromValues, type Column, type DType, Frame, getCell } from '../frame.js';
import { isSeriesPart, numbers, type Operand, sameLength, scalarNumber } from './operand.js';

export type ArithOp = 'add' | 'sub' | 'mul' | 'div' | 'mod' | 'pow';

const FNS: Record<ArithOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  // Python's modulo: the sign follows the divisor.
  mod: (a, b) => {
    const r = a % b;
    return r !== 0 && r < 0 !== b < 0 ? r + b : r;
  },
  pow: (a, b) => a ** b,
};

const isIntLike = (t: DType | 'number'): boolean => t === 'int64' || t === 'int32' || t === 'bool' || t === 'number';

function resultType(op: ArithOp, a: DType, b: DType | 'number', out: Float64Array, wide: boolean): DType {
  if (a === 'datetime' || b === 'datetime') {
    if (op === 'sub' && a === 'datetime' && b === 'datetime') return 'float64';
    if (op === 'add' || op === 'sub') return 'datetime';
    throw new TypeError(`cannot ${op} datetime values`);
  }
  if (op !== 'div' && isIntLike(a) && isIntLike(b)) {
    return allIntegers(out) && !wide ? 'int64' : 'float64';
  }
  return 'float64';
}

function allIntegers(a: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isInteger(a[i])) return false;
  return true;
}

function stringAdd(left: Frame, right: Operand | Frame, swap: boolean): Frame {
  const a = left.series;
  const out = new Array<string | null>(left.length);
  for (let i = 0; i < left.length; i++) {
    const x = getCell(a, i);
    const y = isSeriesPart(right) ? getCell(right.series, i) : right;
    out[i] = x === null || y === null ? null : swap ? `${String(y)}${String(x)}` : `${String(x)}${String(y)}`;
  }
  return new Frame(left.names, [columnFromValues(out, 'string')], left.length, left.index);
}

/**
 * `wide`: the meta knows a side holds missing values, or the divisor of % zeros, so an int
 * result is float64 in every partition (column/meta-facts.ts), not only where NaN appears.
 */
export function arithmetic(left: Frame, right: Operand, op: ArithOp, swap = false, wide = false): Frame {
  const a = left.series;
  const what = `${op} on '${left.names[0]}'`;
  if (a.dtype === 'string' || (isSeriesPart(right) && right.series.dtype === 'string') || typeof right === 'string') {
    const otherText = isSeriesPart(right)
      ? `${right.series.dtype} column '${right.names[0]}'`
      : typeof right === 'string'
        ? 'a string'
        : `${typeof right} ${String(right)}`;
    const bothText = right === null || typeof right === 'string' || (isSeriesPart(right) && right.series.dtype === 'string');
    if (op === 'add' && a.dtype === 'string' && bothText) return stringAdd(left, right, swap);
    throw new TypeError(`${what}: cannot ${op} ${a.dtype} column '${left.names[0]}' and ${otherText} (only 'add' of two string sides joins text)`);
  }
  const x = numbers(a, what);
  const n = left.length;
  const out = new Float64Array(n);
  const f = FNS[op];
  let bType: DType | 'number';
  if (isSeriesPart(right)) {
    sameLength(left, right, what);
    const y = numbers(right.series, what);
    bType = right.series.dtype;
    if (swap) for (let i = 0; i < n; i++) out[i] = f(y[i], x[i]);
    else if (op === 'add') for (let i = 0; i < n; i++) out[i] = x[i] + y[i];
    else if (op === 'sub') for (let i = 0; i < n; i++) out[i] = x[i] - y[i];
    else if (op === 'mul') for (let i = 0; i < n; i++) out[i] = x[i] * y[i];
    else if (op === 'div') for (let i = 0; i < n; i++) out[i] = x[i] / y[i];
    else for (let i = 0; i < n; i++) out[i] = f(x[i], y[i]);
  } else {
    const y = scalarNumber(right, what);
    bType = right instanceof Date ? 'datetime' : Number.isInteger(y) ? 'number' : 'float64';
    // % 0 is NaN for every row: float64 also for an empty partition (and the meta), as pandas.
    if (op === 'mod' && y === 0 && !swap) wide = true;
    if (swap) for (let i = 0; i < n; i++) out[i] = f(y, x[i]);
    else if (op === 'add') for (let i = 0; i < n; i++) out[i] = x[i] + y;
    else if (op === 'sub') for (let i = 0; i < n; i++) out[i] = x[i] - y;
    else if (op === 'mul') for (let i = 0; i < n; i++) out[i] = x[i] * y;
    else if (op === 'div') for (let i = 0; i < n; i++) out[i] = x[i] / y;
    else for (let i = 0; i < n; i++) out[i] = f(x[i], y);
  }
  const dtype = resultType(op, a.dtype, bType, out, wide);
  // Integer results past 2^53 were rounded by the double arithmetic (an int power may even
  // overflow to Infinity): an error, never a wrong int.
  if (dtype === 'int64' || (op === 'pow' && isIntLike(a.dtype) && isIntLike(bType)))
    checkExactInts(out, `${what}${isSeriesPart(right) ? ` and '${right.names[0]}'` : ''}`);
  const col: Column = { dtype, data: out };
  return new Frame(left.names, [col], n, left.index);
}

export const arith = kernel('dataframe.arith', arithmetic);

/** Unary minus. */
export const neg = kernel('dataframe.neg', (part: Frame): Frame => {
  const c = part.series;
  const x = numbers(c, `neg on '${part.names[0]}'`);
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = -x[i];
  const dtype: DType = c.dtype === 'bool' || c.dtype === 'datetime' ? 'float64' : c.dtype === 'int32' ? 'int64' : c.dtype;
  return new Frame(part.names, [{ dtype, data: out }], part.length, part.index);
});
