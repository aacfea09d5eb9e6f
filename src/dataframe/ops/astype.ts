/** Change column dtypes: one dtype for a series, or `{ column: dtype }` for a frame ('object': text reported as pandas names it). */
import { kernel } from '../../core/kernels.js';
import { asObjectColumn, castColumn, type DTypeLabel, type Frame, withoutAlias } from '../frame.js';

export const astype = kernel('dataframe.astype', (part: Frame, dtypes: Readonly<Record<string, DTypeLabel>>, errors: 'raise' | 'coerce' = 'raise'): Frame => {
  const cols = part.columns.map((c, i) => {
    const to = dtypes[part.names[i]];
    if (to === undefined) return c;
    try {
      if (to === 'object') return asObjectColumn(castColumn(c, 'string', errors));
      const out = castColumn(c, to, errors);
      // astype('string') of an 'object' column reports 'string', as pandas does.
      return out === c ? withoutAlias(c) : out;
    } catch (e) {
      (e as Error).message = `astype column '${part.names[i]}' (${c.dtype} -> ${to}): ${(e as Error).message}`;
      throw e;
    }
  });
  return part.withColumns(part.names, cols);
});
