/**
 * Recognizing danfo.js objects without loading danfo (about 1 s): by class name and danfo's
 * own `$data` field. Imports nothing, so the library's table of contents (src/library.ts) can
 * use it to tell serialization that a value belongs to the dataframe part before that part loads.
 */
import type { DataFrame as DanfoDataFrame, Series as DanfoSeries } from 'danfojs-node';

export function isDanfoFrame(x: unknown): x is DanfoDataFrame {
  return x !== null && typeof x === 'object' && x.constructor?.name === 'DataFrame' && 'columns' in x && '$data' in x;
}

export function isDanfoSeries(x: unknown): x is DanfoSeries {
  return x !== null && typeof x === 'object' && x.constructor?.name === 'Series' && '$data' in x;
}

/** The registered type name danfo objects travel under (see danfo-codec.ts). */
export const DANFO_TYPE = 'tsdask.danfo';

/** `DANFO_TYPE` for a danfo DataFrame or Series, else undefined. */
export function detectDanfo(x: object): string | undefined {
  return isDanfoFrame(x) || isDanfoSeries(x) ? DANFO_TYPE : undefined;
}
