/**
 * danfo.js conversions as tasks: computed partitions to the user's danfo object (so toDelayed
 * tasks ship by name), and the two ends of mapPartitions.
 */
import { kernel } from '../../core/kernels.js';
import { type DanfoDataFrame, type DanfoSeries, fromDanfo, isDanfoFrame, isDanfoSeries, partsToDanfo, toDanfo, toDanfoSeries } from '../danfo.js';
import { allocColumn, type Column, Frame, isMissing, missingFill } from '../frame.js';
import { concatFrames } from './concat.js';

/** Computed partitions -> one danfo.DataFrame. */
export const framesToDanfo = kernel('dataframe.to-danfo', (parts: readonly Frame[]): DanfoDataFrame => partsToDanfo(parts));

export const framesToDanfoSeries = kernel('dataframe.to-danfo-series', (parts: readonly Frame[]): DanfoSeries => toDanfoSeries(concatFrames(parts)));

/** mapPartitions plumbing: partition -> danfo before the user's function, danfo -> partition after. */
export const partToDanfo = kernel('dataframe.part-to-danfo', (f: Frame): DanfoDataFrame => toDanfo(f));
export const danfoToPart = kernel('dataframe.danfo-to-part', (d: unknown, where: string, meta?: Frame): Frame => {
  let part: Frame;
  if (d instanceof Frame) part = d;
  else if (isDanfoFrame(d) || isDanfoSeries(d)) part = fromDanfo(d);
  else {
    throw new TypeError(
      `${where}: the function must return a danfo.DataFrame or danfo.Series, got ${d === null ? 'null' : typeof d === 'object' ? d.constructor?.name : typeof d}`,
    );
  }
  return meta === undefined ? part : keepMetaTypes(part, meta);
});

/**
 * Columns with no value to read a dtype from (an empty partition, or only missing values) take
 * the meta's: danfo has no dtype for them, and float64 there would turn bools into 1/0 and
 * dates into text once concatenated with the other partitions.
 */
function keepMetaTypes(part: Frame, meta: Frame): Frame {
  let columns: Column[] | undefined;
  part.columns.forEach((c, j) => {
    const name = part.names[j];
    if (!meta.has(name)) return;
    const want = meta.col(name).dtype;
    if (c.dtype === want || !allMissing(c, part.length)) return;
    // Ints have no missing value: rows of missing ints stay float64, as in pandas.
    if (part.length > 0 && (want === 'int64' || want === 'int32')) return;
    columns ??= [...part.columns];
    const filled = allocColumn(want, part.length);
    filled.data.fill(missingFill(want));
    columns[j] = filled;
  });
  return columns === undefined ? part : new Frame(part.names, columns, part.length, part.index);
}

function allMissing(c: Column, n: number): boolean {
  for (let i = 0; i < n; i++) if (!isMissing(c, i)) return false;
  return true;
}
