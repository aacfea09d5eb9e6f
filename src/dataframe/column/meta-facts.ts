/**
 * What a collection's meta knows about the values behind a column, for dtypes that depend on
 * the values in pandas. int64 stores no missing value, so an op that makes one (dt fields and
 * str.len of a missing value, int % 0, unparsable text) has pandas' dtype float64 exactly when a
 * missing value appears. A lazy meta cannot see the data; it records what is known (a CSV
 * sample held missing values, or zeros; an op's input did):
 * - a column known to hold missing values (or zeros, for a divisor): the op declares float64
 *   and every partition computes float64, whatever it holds, so partitions never disagree;
 * - otherwise the op declares int64, as pandas keeps a column without missing values, and a
 *   partition that meets one anyway widens to float64; the result takes the common dtype of
 *   its partitions (concat), so it is float64 as soon as any partition was.
 * Facts live on meta columns only (the client's graph-building side); kernels get the decision
 * as an argument, never read these.
 */
import type { Column } from './storage.js';

const MISSING = new WeakSet<Column>();
const ZEROS = new WeakSet<Column>();

/** Record that the values behind meta column `c` hold missing values (returns `c`). */
export function markMissing(c: Column): Column {
  MISSING.add(c);
  return c;
}

/** Record that the values behind meta column `c` hold zeros (returns `c`). */
export function markZeros(c: Column): Column {
  ZEROS.add(c);
  return c;
}

/** Is meta column `c` known to hold missing values? (int columns never do: they have no missing value.) */
export function knownMissing(c: Column): boolean {
  return c.dtype !== 'int64' && c.dtype !== 'int32' && MISSING.has(c);
}

/** Is meta column `c` known to hold zeros? */
export function knownZeros(c: Column): boolean {
  return ZEROS.has(c);
}

/** The meta column of an op's result knows missing values when `cond` holds (returns `c`). */
export function missingIf(c: Column, cond: boolean): Column {
  return cond ? markMissing(c) : c;
}
