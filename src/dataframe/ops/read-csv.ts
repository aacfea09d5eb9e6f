/** The CSV block reader as a task (the reader itself is io/csv/block.ts). */
import { kernel } from '../../core/kernels.js';
import { readBlock } from '../io/csv/block.js';

export const readCsvBlock = kernel('dataframe.read-csv-block', readBlock);
