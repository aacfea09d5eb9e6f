/** Writing one partition as a CSV file (the formatting is io/to-csv.ts). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { kernel } from '../../core/kernels.js';
import type { Frame } from '../frame.js';
import { frameToCsv, type ToCsvOptions } from '../io/to-csv.js';

export const writeCsv = kernel('dataframe.write-csv', (part: Frame, path: string, opts: ToCsvOptions): string => {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, frameToCsv(part, opts));
  return path;
});
