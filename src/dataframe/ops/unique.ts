/** Distinct values of a series, in order of first appearance (missing kept once, as pandas' unique does). */
import { kernel } from '../../core/kernels.js';
import { Frame, takeColumn } from '../frame.js';
import { concatFrames } from './concat.js';
import { compactStrings, KeyIndex } from './hash.js';

export function uniqueValues(part: Frame): Frame {
  const idx = new KeyIndex([part.series], part.length, false);
  return new Frame(part.names, [compactStrings(takeColumn(part.series, idx.firstRows()))], idx.count);
}

export const uniqueChunk = kernel('dataframe.unique.chunk', uniqueValues);

export const uniqueCombine = kernel('dataframe.unique.combine', (parts: readonly Frame[]): Frame => uniqueValues(concatFrames(parts)));
