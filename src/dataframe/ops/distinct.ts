/**
 * Drop duplicate rows (pandas' drop_duplicates): rows whose `subset` columns (all columns by
 * default) repeat an earlier row are dropped; `keep: 'last'` keeps the last occurrence instead.
 * Missing values compare equal to each other, as in pandas.
 */
import { kernel } from '../../core/kernels.js';
import type { Frame } from '../frame.js';
import { concatFrames } from './concat.js';
import { KeyIndex } from './key-index.js';
import { splitByKeys } from './shuffle.js';
import { takeRows } from './take.js';

export type Keep = 'first' | 'last';

export function distinctRows(part: Frame, subset: readonly string[] | null, keep: Keep = 'first'): Frame {
  if (part.length < 2) return part;
  const cols = (subset ?? part.names).map((n) => part.col(n));
  if (cols.length === 0) return part;
  const idx = new KeyIndex(cols, part.length, false);
  if (idx.count === part.length) return part;
  const pick = new Int32Array(idx.count).fill(-1);
  const ids = idx.ids;
  if (keep === 'first') {
    for (let i = 0; i < part.length; i++) if (pick[ids[i]] < 0) pick[ids[i]] = i;
  } else {
    for (let i = 0; i < part.length; i++) pick[ids[i]] = i;
  }
  // Keep surviving rows in their original order.
  const keepRow = new Uint8Array(part.length);
  for (let g = 0; g < pick.length; g++) keepRow[pick[g]] = 1;
  const rows = new Int32Array(idx.count);
  let k = 0;
  for (let i = 0; i < part.length; i++) if (keepRow[i] === 1) rows[k++] = i;
  return takeRows(part, rows);
}

export const dropDuplicatesChunk = kernel('dataframe.drop-duplicates.chunk', distinctRows);

export const dropDuplicatesCombine = kernel(
  'dataframe.drop-duplicates.combine',
  (parts: readonly Frame[], subset: readonly string[] | null, keep: Keep = 'first'): Frame => distinctRows(concatFrames(parts), subset, keep),
);

/** drop_duplicates into several partitions: each partition's distinct rows, split by the hash of the subset. */
export const distinctSplit = kernel(
  'dataframe.drop-duplicates.split',
  (part: Frame, subset: readonly string[] | null, keep: Keep, nparts: number, base: number = nparts, stage: number = 0): Frame[] =>
    splitByKeys(distinctRows(part, subset, keep), subset ?? part.names, nparts, base, stage),
);
