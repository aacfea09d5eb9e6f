/**
 * The n largest (or smallest) rows by one or more columns, pandas' nlargest/nsmallest with
 * keep='first': rows missing the first key are skipped, ties go to the earlier row, and the
 * result is ordered from the most extreme down. Per partition a bounded insertion buffer
 * (n is usually small) instead of a full sort; partitions' winners are then reduced the same way.
 */
import { kernel } from '../../core/kernels.js';
import type { Frame } from '../frame.js';
import { concatFrames } from './concat.js';
import { comparable, rowComparator } from './sort.js';
import { takeRows } from './take.js';

export function topRows(part: Frame, n: number, by: readonly string[], largest: boolean): Frame {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${largest ? 'nlargest' : 'nsmallest'}: n must be a non-negative integer, got ${n}`);
  const cols = by.map((b) => part.col(b));
  for (const [j, c] of cols.entries()) {
    if (c.dtype === 'string') throw new TypeError(`${largest ? 'nlargest' : 'nsmallest'}: column '${by[j]}' is a string column; use sortValues for strings`);
  }
  const cmp = rowComparator(
    cols,
    by.map(() => !largest),
  );
  const first = comparable(cols[0]);
  if (n > 256) {
    // Large n: a full stable sort beats repeated insertion.
    const rows: number[] = [];
    for (let i = 0; i < part.length; i++) if (first[i] === first[i]) rows.push(i);
    rows.sort(cmp);
    return takeRows(part, Int32Array.from(rows.slice(0, n)));
  }
  const buf: number[] = [];
  for (let i = 0; i < part.length; i++) {
    if (first[i] !== first[i]) continue;
    if (buf.length === n) {
      if (n === 0 || cmp(i, buf[n - 1]) >= 0) continue;
      buf.pop();
    }
    // Insert keeping buf ordered (binary search; n is small, so the splice is cheap).
    let lo = 0;
    let hi = buf.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cmp(buf[mid], i) <= 0) lo = mid + 1;
      else hi = mid;
    }
    buf.splice(lo, 0, i);
  }
  return takeRows(part, Int32Array.from(buf));
}

export const topChunk = kernel('dataframe.nlargest.chunk', topRows);

export const topCombine = kernel('dataframe.nlargest.combine', (parts: readonly Frame[], n: number, by: readonly string[], largest: boolean): Frame =>
  topRows(concatFrames(parts), n, by, largest),
);
