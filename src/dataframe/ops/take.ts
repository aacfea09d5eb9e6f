/** Rows by position (an Int32Array of row numbers; -1 gives a missing row). */
import { kernel } from '../../core/kernels.js';
import { Frame, takeColumn } from '../frame.js';

export function takeRows(part: Frame, idx: Int32Array | readonly number[]): Frame {
  return new Frame(
    part.names,
    part.columns.map((c) => takeColumn(c, idx)),
    idx.length,
    part.index && takeColumn(part.index, idx),
  );
}

export const take = kernel('dataframe.take', takeRows);
