/** Tasks that pass a value on unchanged: picking partitions, and a one-partition frame over a reduction's key. */
import { kernel } from '../../core/kernels.js';

export const identity = kernel('dataframe.identity', (x: unknown) => x);

export const alias = kernel('dataframe.alias', (x: unknown) => x);
