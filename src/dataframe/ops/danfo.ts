/**
 * danfo.js conversions as tasks: computed partitions to the user's danfo object (so toDelayed
 * tasks ship by name), and the two ends of mapPartitions.
 */
import { kernel } from '../../core/kernels.js';
import { type DanfoDataFrame, type DanfoSeries, fromDanfo, isDanfoFrame, isDanfoSeries, partsToDanfo, toDanfo, toDanfoSeries } from '../danfo.js';
import { Frame } from '../frame.js';
import { concatFrames } from './concat.js';

/** Computed partitions -> one danfo.DataFrame. */
export const framesToDanfo = kernel('dataframe.to-danfo', (parts: readonly Frame[]): DanfoDataFrame => partsToDanfo(parts));

export const framesToDanfoSeries = kernel('dataframe.to-danfo-series', (parts: readonly Frame[]): DanfoSeries => toDanfoSeries(concatFrames(parts)));

/** mapPartitions plumbing: partition -> danfo before the user's function, danfo -> partition after. */
export const partToDanfo = kernel('dataframe.part-to-danfo', (f: Frame): DanfoDataFrame => toDanfo(f));
export const danfoToPart = kernel('dataframe.danfo-to-part', (d: unknown, where: string): Frame => {
  if (d instanceof Frame) return d;
  if (isDanfoFrame(d) || isDanfoSeries(d)) return fromDanfo(d);
  throw new TypeError(
    `${where}: the function must return a danfo.DataFrame or danfo.Series, got ${d === null ? 'null' : typeof d === 'object' ? d.constructor?.name : typeof d}`,
  );
});
