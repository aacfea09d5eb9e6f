/** Column-level edits of a partition: assign, drop, rename. */
import { kernel } from '../../core/kernels.js';
import { type Cell, type Column, Frame, KeyError } from '../frame.js';
import { sameLength } from './operand.js';

/** A constant column of n rows. */
export function constantColumn(v: Cell, n: number): Column {
  if (typeof v === 'number') return { dtype: Number.isInteger(v) ? 'int64' : 'float64', data: new Float64Array(n).fill(v) };
  if (v instanceof Date) return { dtype: 'datetime', data: new Float64Array(n).fill(v.getTime()) };
  if (typeof v === 'boolean') return { dtype: 'bool', data: new Uint8Array(n).fill(v ? 1 : 0) };
  if (v === null) return { dtype: 'float64', data: new Float64Array(n).fill(NaN) };
  return { dtype: 'string', data: new Int32Array(n), dict: [String(v)] };
}

/** Add or replace columns; each value is a series partition (one-column frame) or a constant. */
export const assign = kernel('dataframe.assign', (part: Frame, names: readonly string[], values: ReadonlyArray<Frame | Cell>): Frame => {
  const outNames = [...part.names];
  const outCols = [...part.columns];
  names.forEach((name, i) => {
    const v = values[i];
    let col: Column;
    if (v instanceof Frame) {
      sameLength(part, v, `assign '${name}'`);
      col = v.series;
    } else col = constantColumn(v, part.length);
    const at = outNames.indexOf(name);
    if (at >= 0) outCols[at] = col;
    else {
      outNames.push(name);
      outCols.push(col);
    }
  });
  return new Frame(outNames, outCols, part.length, part.index);
});

export const drop = kernel('dataframe.drop', (part: Frame, names: readonly string[], errors: 'raise' | 'ignore' = 'raise'): Frame => {
  if (errors === 'raise') for (const n of names) if (!part.has(n)) throw new KeyError(n, part.names);
  const gone = new Set(names);
  const keep = part.names.map((n, i) => i).filter((i) => !gone.has(part.names[i]));
  return new Frame(
    keep.map((i) => part.names[i]),
    keep.map((i) => part.columns[i]),
    part.length,
    part.index,
  );
});

export const rename = kernel('dataframe.rename', (part: Frame, mapping: Readonly<Record<string, string>>): Frame => {
  return new Frame(
    part.names.map((n) => mapping[n] ?? n),
    part.columns,
    part.length,
    part.index,
  );
});
