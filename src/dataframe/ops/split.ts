/** Piece j of k of a partition (equal row counts, for repartitioning to more partitions). */
import { kernel } from '../../core/kernels.js';
import type { Frame } from '../frame.js';
import { sliceRows } from './slice.js';

export const splitPart = kernel('dataframe.split', (part: Frame, j: number, k: number): Frame => {
  const start = Math.floor((j * part.length) / k);
  const end = Math.floor(((j + 1) * part.length) / k);
  return sliceRows(part, start, end);
});
