/** Columns by name, in the order asked (a repeated name is an error, as in pandas' reindex). */
import { kernel } from '../../core/kernels.js';
import { Frame } from '../frame.js';

export const select = kernel('dataframe.select', (part: Frame, names: readonly string[]): Frame => {
  return new Frame(
    names,
    names.map((n) => part.col(n)),
    part.length,
    part.index,
  );
});
