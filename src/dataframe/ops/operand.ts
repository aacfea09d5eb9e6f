/**
 * Operands of element-wise kernels: a one-column frame (a Series partition) or a plain value
 * (a literal, or the computed value of a lazy Scalar). Helpers give kernels one fast numeric
 * view per side: a typed array or a constant.
 */
import { BOOL_NA, type Column, Frame } from '../frame.js';

export type Operand = Frame | number | string | boolean | Date | null;

export function isSeriesPart(x: unknown): x is Frame {
  return x instanceof Frame;
}

/** Numbers of a numeric/bool/datetime column; bools become 0/1 with NaN for missing. */
export function numbers(c: Column, what: string): Float64Array | Int32Array {
  if (c.dtype === 'string') throw new TypeError(`${what}: not supported on a string column`);
  if (c.dtype !== 'bool') return c.data as Float64Array | Int32Array;
  const b = c.data as Uint8Array;
  const out = new Float64Array(b.length);
  for (let i = 0; i < b.length; i++) out[i] = b[i] === BOOL_NA ? NaN : b[i];
  return out;
}

/** A literal operand as a number (Dates as epoch ms, booleans as 0/1, null as NaN). */
export function scalarNumber(v: Operand, what: string): number {
  if (v === null) return NaN;
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'string') {
    const t = Date.parse(v);
    if (!Number.isNaN(t)) return t;
  }
  throw new TypeError(`${what}: cannot use ${JSON.stringify(v)} as a number`);
}

export function sameLength(a: Frame, b: Frame, what: string): void {
  if (a.length !== b.length) {
    throw new RangeError(
      `${what}: partitions of '${a.names[0]}' (${a.length} rows) and '${b.names[0]}' (${b.length} rows) do not line up; ` +
        'element-wise operations need series derived from the same frame',
    );
  }
}
