/** Arithmetic and comparison of two lazy single values (or one and a constant). */
import { kernel } from '../../core/kernels.js';

export type ScalarOp = 'add' | 'sub' | 'mul' | 'div' | 'mod' | 'pow' | 'gt' | 'ge' | 'lt' | 'le' | 'eq' | 'ne';

const num = (x: unknown): number => (x instanceof Date ? x.getTime() : x === null ? NaN : Number(x));

export const scalarOp = kernel('dataframe.scalar.op', (a: unknown, b: unknown, op: ScalarOp): number | boolean => {
  const x = num(a);
  const y = num(b);
  switch (op) {
    case 'add':
      return x + y;
    case 'sub':
      return x - y;
    case 'mul':
      return x * y;
    case 'div':
      return x / y;
    case 'mod':
      return x % y;
    case 'pow':
      return x ** y;
    case 'gt':
      return x > y;
    case 'ge':
      return x >= y;
    case 'lt':
      return x < y;
    case 'le':
      return x <= y;
    case 'eq':
      return x === y;
    case 'ne':
      return x !== y;
  }
});
