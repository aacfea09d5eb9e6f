/**
 * Series.map: a user function per element. The function ships like any task function (by
 * module export or by source); missing values are passed as null.
 *
 * Without a user-given dtype, the one chosen when the graph was built came from stand-in
 * values (as Dask infers meta from a fake partition), so real values may not fit it: an int
 * column whose function returns fractions for negative inputs, say. Each partition then
 * widens to what its values need (int -> float64; another kind, or mixed kinds -> string) instead
 * of failing.
 */
import { kernel } from '../../core/kernels.js';
import { type Cell, columnFromValues, type DType, Frame, getCell, inferDType, isNumericDType } from '../frame.js';

/** The dtype that holds both what the graph expected and what the values need. */
export function widenDType(expected: DType, values: readonly unknown[]): DType {
  let present = false;
  for (const v of values) if (v !== null && v !== undefined && !(typeof v === 'number' && Number.isNaN(v))) present = true;
  // No values (or only missing ones): the expected dtype, with ints made nullable (float64).
  if (!present) return values.length > 0 && (expected === 'int64' || expected === 'int32') ? 'float64' : expected;
  const actual = inferDType(values);
  if (actual === expected) return expected;
  if (isNumericDType(expected) && isNumericDType(actual)) return expected === 'float64' || actual === 'float64' ? 'float64' : 'int64';
  // Another kind altogether: the values decide, as pandas infers map's dtype from its results
  // (partitions that disagree meet in concat's common dtype).
  return actual;
}

export const mapValues = kernel('dataframe.map', (part: Frame, fn: (v: Cell) => unknown, dtype: DType, given: boolean = true): Frame => {
  const c = part.series;
  const out = new Array<unknown>(part.length);
  for (let i = 0; i < part.length; i++) out[i] = fn(getCell(c, i));
  const name = part.names[0];
  if (!given) return new Frame(part.names, [columnFromValues(out, widenDType(dtype, out))], part.length, part.index);
  try {
    return new Frame(part.names, [columnFromValues(out, dtype)], part.length, part.index);
  } catch (e) {
    throw new TypeError(
      `map on '${name}': ${(e as Error).message}; the function's results do not fit meta '${dtype}': pass another meta, or none to infer it`,
      {
        cause: e,
      },
    );
  }
});
