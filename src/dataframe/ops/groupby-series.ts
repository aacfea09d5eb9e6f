/**
 * A one-key groupby result frame as a Series of one value column indexed by the key (several
 * keys stay a frame with the keys as columns: plan/groupby.ts aggColumnFrame).
 */
import { kernel } from '../../core/kernels.js';
import { Frame } from '../frame.js';

/** `value` (named `name`) indexed by the key. */
export const groupbyToSeries = kernel('dataframe.groupby.to-series', (f: Frame, by: readonly string[], value: string, name: string = value): Frame => {
  if (by.length !== 1) throw new RangeError(`groupby: a series result needs one key, got ${by.length} (${by.join(', ')}); several keys give a frame`);
  return new Frame([name], [f.col(value)], f.length, f.col(by[0]));
});
