/** Distinct values of a series, in order of first appearance (missing kept once, as pandas' unique does). */
import { kernel } from '../../core/kernels.js';
import { compactStrings, Frame, takeColumn } from '../frame.js';
import { concatFrames } from './concat.js';
import { KeyIndex } from './key-index.js';

export function uniqueValues(part: Frame): Frame {
  const idx = new KeyIndex([part.series], part.length, false);
  return new Frame(part.names, [compactStrings(takeColumn(part.series, idx.firstRows()))], idx.count);
}

export const uniqueChunk = kernel('dataframe.unique.chunk', uniqueValues);

export const uniqueCombine = kernel('dataframe.unique.combine', (parts: readonly Frame[]): Frame => uniqueValues(concatFrames(parts)));

/**
 * The index of an isin's distinct values, built once per values frame: every partition of the
 * tested series reads the same frame, so in one process they share one table.
 */
const indexOfValues = new WeakMap<Frame, KeyIndex>();
function valuesIndex(values: Frame): KeyIndex {
  let idx = indexOfValues.get(values);
  if (idx === undefined) {
    idx = new KeyIndex([values.series], values.length, false);
    indexOfValues.set(values, idx);
  }
  return idx;
}

/**
 * Membership of each value in the distinct values of another series (pandas' isin with a
 * series): a hash lookup on typed columns; missing matches missing, as in pandas; strings
 * never match numbers.
 */
export const isinValues = kernel('dataframe.isin-values', (part: Frame, values: Frame): Frame => {
  const c = part.series;
  const v = values.series;
  const out = new Uint8Array(part.length);
  if ((c.dtype === 'string') === (v.dtype === 'string') && values.length > 0) {
    const ids = valuesIndex(values).probe([c], part.length);
    for (let i = 0; i < ids.length; i++) out[i] = ids[i] >= 0 ? 1 : 0;
  }
  return new Frame(part.names, [{ dtype: 'bool', data: out }], part.length, part.index);
});
