/** Row counts: rows per partition, summed up a tree. */
import { kernel } from '../../core/kernels.js';
import type { Frame } from '../frame.js';

export const lenChunk = kernel('dataframe.len.chunk', (part: Frame) => part.length);

export const lenSum = kernel('dataframe.len.sum', (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0));
