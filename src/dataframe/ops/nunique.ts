/** Exact distinct counts: each chunk sends its distinct values per column; combine unions them. */
import { kernel } from '../../core/kernels.js';
import { BOOL_NA, type Cell, Frame } from '../frame.js';

/** Per column: distinct non-missing values (strings as string[], others as Float64Array). */
export type Distinct = Array<string[] | Float64Array>;

export const distinctChunk = kernel('dataframe.distinct.chunk', (part: Frame): Distinct => {
  return part.columns.map((c) => {
    const d = c.data;
    if (c.dtype === 'string') {
      const used = new Uint8Array(c.dict!.length);
      for (let i = 0; i < part.length; i++) if (d[i] >= 0) used[d[i]] = 1;
      return c.dict!.filter((_, k) => used[k] === 1);
    }
    const set = new Set<number>();
    for (let i = 0; i < part.length; i++) {
      const x = d[i];
      if (x !== x || (c.dtype === 'bool' && x === BOOL_NA)) continue;
      set.add(x);
    }
    return Float64Array.from(set);
  });
});

export const distinctCombine = kernel('dataframe.distinct.combine', (parts: readonly Distinct[]): Distinct => {
  return parts[0].map((first, j) => {
    if (Array.isArray(first)) {
      const set = new Set<string>();
      for (const p of parts) for (const s of p[j] as string[]) set.add(s);
      return [...set];
    }
    const set = new Set<number>();
    for (const p of parts) for (const x of p[j] as Float64Array) set.add(x);
    return Float64Array.from(set);
  });
});

export const nuniqueScalar = kernel('dataframe.nunique.scalar', (parts: readonly Distinct[]): number => distinctCombine(parts)[0].length);

export const nuniqueSeries = kernel('dataframe.nunique.series', (parts: readonly Distinct[], names: readonly string[]): Frame => {
  const all = distinctCombine(parts);
  return new Frame(['0'], [{ dtype: 'int64', data: Float64Array.from(all, (v) => v.length) }], names.length, {
    dtype: 'string',
    data: Int32Array.from(names.keys()),
    dict: [...names],
  });
});

/** The distinct non-missing values of a series as one list (what isin against a series reads). */
export const distinctValues = kernel('dataframe.distinct.values', (parts: readonly Distinct[]): Cell[] => {
  const [only] = distinctCombine(parts);
  return Array.isArray(only) ? only : Array.from(only);
});
