/**
 * Series.map: a user function per element. The function ships like any task function (by
 * module export or by source); missing values are passed as null and results are stored in
 * the dtype chosen when the graph was built.
 */
import { kernel } from '../../core/kernels.js';
import { type Cell, columnFromValues, type DType, Frame, getCell } from '../frame.js';

export const mapValues = kernel('dataframe.map', (part: Frame, fn: (v: Cell) => unknown, dtype: DType): Frame => {
  const c = part.series;
  const out = new Array<unknown>(part.length);
  for (let i = 0; i < part.length; i++) out[i] = fn(getCell(c, i));
  return new Frame(part.names, [columnFromValues(out, dtype)], part.length, part.index);
});
