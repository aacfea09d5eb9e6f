/**
 * Value counts of a series: per partition one row per distinct value (the value in the index,
 * its count in the column), merged by value, then sorted by count, largest first; equal
 * counts keep the order in which values first appeared. The series keeps the source's name
 * (as pandas 1.x and Dask name it); `normalize` turns counts into fractions of the total.
 */
import { kernel } from '../../core/kernels.js';
import { type Column, compactStrings, Frame, takeColumn } from '../frame.js';
import { concatFrames } from './concat.js';
import { KeyIndex } from './key-index.js';
import { takeRows } from './take.js';

function countBy(values: Column, weights: ArrayLike<number> | null, n: number, dropna: boolean, name: string): Frame {
  const idx = new KeyIndex([values], n, dropna);
  const counts = new Float64Array(idx.count);
  const ids = idx.ids;
  if (weights === null) {
    for (let i = 0; i < n; i++) if (ids[i] >= 0) counts[ids[i]]++;
  } else for (let i = 0; i < n; i++) if (ids[i] >= 0) counts[ids[i]] += weights[i];
  return new Frame([name], [{ dtype: 'int64', data: counts }], idx.count, compactStrings(takeColumn(values, idx.firstRows())));
}

export const valueCountsChunk = kernel('dataframe.value-counts.chunk', (part: Frame, dropna = true): Frame => {
  return countBy(part.series, null, part.length, dropna, part.names[0]);
});

function merged(parts: readonly Frame[]): Frame {
  const all = concatFrames(parts);
  if (parts.length === 1) return all;
  return countBy(all.index!, all.series.data, all.length, false, all.names[0]);
}

export const valueCountsCombine = kernel('dataframe.value-counts.combine', (parts: readonly Frame[]): Frame => merged(parts));

export const valueCountsFinalize = kernel(
  'dataframe.value-counts.finalize',
  (parts: readonly Frame[], normalize = false, sort = true, ascending = false): Frame => {
    let out = merged(parts);
    if (sort && out.length > 1) {
      const c = out.series.data;
      const order = Int32Array.from(c.keys()).sort((a, b) => (c[a] === c[b] ? a - b : ascending ? c[a] - c[b] : c[b] - c[a]));
      out = takeRows(out, order);
    }
    if (normalize) {
      const c = out.series.data;
      let total = 0;
      for (let i = 0; i < c.length; i++) total += c[i];
      out = new Frame(out.names, [{ dtype: 'float64', data: Float64Array.from(c, (x) => x / total) }], out.length, out.index);
    }
    return out;
  },
);
