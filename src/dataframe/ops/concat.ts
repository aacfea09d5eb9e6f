/**
 * Stack partitions vertically. Columns are matched by name; a column missing from some parts
 * is filled with missing values there (ints widen to float64), like pandas.concat.
 */
import { kernel } from '../../core/kernels.js';
import { allocColumn, type Column, commonDType, concatColumns, type DType, Frame, missingFill } from '../frame.js';

export function concatFrames(parts: readonly Frame[]): Frame {
  if (parts.length === 0) throw new RangeError('concat: no frames to concatenate');
  if (parts.length === 1) return parts[0];
  const names: string[] = [];
  const seen = new Set<string>();
  for (const p of parts)
    for (const n of p.names)
      if (!seen.has(n)) {
        seen.add(n);
        names.push(n);
      }
  const total = parts.reduce((s, p) => s + p.length, 0);
  const columns = names.map((name) => {
    const present = parts.filter((p) => p.has(name)).map((p) => p.col(name).dtype);
    const anyAbsent = present.length < parts.length;
    let dtype: DType = commonDType(present);
    if (anyAbsent && (dtype === 'int64' || dtype === 'int32')) dtype = 'float64';
    const cols: Column[] = parts.map((p) => (p.has(name) ? p.col(name) : missingColumn(dtype, p.length)));
    return concatColumns(cols);
  });
  const withIndex = parts.every((p) => p.index !== undefined);
  const index = withIndex ? concatColumns(parts.map((p) => p.index!)) : undefined;
  return new Frame(names, columns, total, index);
}

function missingColumn(dtype: DType, n: number): Column {
  const c = allocColumn(dtype, n);
  c.data.fill(missingFill(dtype));
  return c;
}

/** Task form: the parts arrive as one array argument. */
export const concat = kernel('dataframe.concat', (parts: readonly Frame[]): Frame => concatFrames(parts));

/** A part of dd.concat with a different schema, aligned to the union (missing columns filled, dtypes widened); null: already aligned. */
export const alignTo = kernel('dataframe.align-to', (part: Frame, meta: Frame | null): Frame => {
  if (meta === null) return part;
  const both = concatFrames([meta, part]);
  return new Frame(
    meta.names,
    meta.names.map((n) => both.col(n)),
    both.length,
  );
});
