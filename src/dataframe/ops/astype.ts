/** Change column dtypes: one dtype for a series, or `{ column: dtype }` for a frame. */
import { kernel } from '../../core/kernels.js';
import { castColumn, type DType, type Frame } from '../frame.js';

export const astype = kernel('dataframe.astype', (part: Frame, dtypes: Readonly<Record<string, DType>>, errors: 'raise' | 'coerce' = 'raise'): Frame => {
  const cols = part.columns.map((c, i) => {
    const to = dtypes[part.names[i]];
    if (to === undefined) return c;
    try {
      return castColumn(c, to, errors);
    } catch (e) {
      (e as Error).message = `astype column '${part.names[i]}' (${c.dtype} -> ${to}): ${(e as Error).message}`;
      throw e;
    }
  });
  return part.withColumns(part.names, cols);
});
