/** A groupby result frame as a Series of one value column indexed by the group key(s). */
import { kernel } from '../../core/kernels.js';
import { type Column, Frame, getCell } from '../frame.js';

/** Several keys as one label per group, "(k1, k2)" like a printed pandas tuple. */
function tupleLabels(cols: readonly Column[], n: number): Column {
  const dict: string[] = [];
  const codes = new Int32Array(n);
  const text = (c: Column, i: number) => {
    const v = getCell(c, i);
    return v instanceof Date ? v.toISOString() : String(v);
  };
  for (let i = 0; i < n; i++) {
    codes[i] = dict.length;
    dict.push(`(${cols.map((c) => text(c, i)).join(', ')})`);
  }
  return { dtype: 'string', data: codes, dict };
}

/** `value` (named `name`) indexed by the key. */
export const groupbyToSeries = kernel('dataframe.groupby.to-series', (f: Frame, by: readonly string[], value: string, name: string = value): Frame => {
  const index =
    by.length === 1
      ? f.col(by[0])
      : tupleLabels(
          by.map((b) => f.col(b)),
          f.length,
        );
  return new Frame([name], [f.col(value)], f.length, index);
});
