/** Rows [start, end) of a partition; negative positions count from the end (head/tail). */
import { kernel } from '../../core/kernels.js';
import { Frame, sliceColumn } from '../frame.js';
import { concatFrames } from './concat.js';

export function sliceRows(part: Frame, start: number, end?: number): Frame {
  const n = part.length;
  const s = Math.max(0, start < 0 ? n + start : Math.min(start, n));
  const e = end === undefined ? n : Math.max(s, end < 0 ? n + end : Math.min(end, n));
  if (s === 0 && e === n) return part;
  return new Frame(
    part.names,
    part.columns.map((c) => sliceColumn(c, s, e)),
    e - s,
    part.index && sliceColumn(part.index, s, e),
  );
}

export const slice = kernel('dataframe.slice', sliceRows);

/** head/tail: rows [start, end) of the first (or last) partitions taken together. */
export const concatSlice = kernel('dataframe.concat-slice', (parts: readonly Frame[], start: number, end: number | null) =>
  sliceRows(concatFrames(parts), start, end ?? undefined),
);
