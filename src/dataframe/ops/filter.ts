/** Rows where a boolean mask (a one-column frame of the same length) is true; missing counts as false. */
import { kernel } from '../../core/kernels.js';
import { filterColumn, Frame } from '../frame.js';

export function maskOf(mask: Frame, rows: number, what = 'filter'): Uint8Array {
  const c = mask.series;
  if (c.dtype !== 'bool') throw new TypeError(`${what}: the mask must be a bool series, got ${c.dtype} series '${mask.names[0]}'`);
  if (mask.length !== rows) {
    throw new RangeError(`${what}: mask has ${mask.length} rows but the partition has ${rows}; the mask must come from the same frame (same partitions)`);
  }
  return c.data as Uint8Array;
}

export const filter = kernel('dataframe.filter', (part: Frame, mask: Frame): Frame => {
  const m = maskOf(mask, part.length);
  let count = 0;
  for (let i = 0; i < m.length; i++) if (m[i] === 1) count++;
  if (count === part.length) return part;
  return new Frame(
    part.names,
    part.columns.map((c) => filterColumn(c, m, count)),
    count,
    part.index && filterColumn(part.index, m, count),
  );
});
