/** Exact quantiles / median / describe: moments, histogram plan, extraction (see ops/quantile-hist.ts). */
import { extractChunk, extractCombine, finishQuantiles, histChunk, histCombine, planQuantiles, type QuantileMode } from '../ops/quantile-hist.js';
import { mergeMoments, momentsChunk, momentsCombine } from '../ops/stats.js';
import { treeReduce } from './reduce.js';
import type { FrameSpec, ScalarSpec } from './spec.js';

/**
 * A lazy single value: for mode 'scalar' the quantile itself; for the others a one-partition
 * frame (see finishQuantiles). Rejects q outside [0, 1].
 */
export function quantiles(input: FrameSpec, names: readonly string[], qs: readonly number[], mode: QuantileMode): ScalarSpec {
  for (const q of qs) if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile: q must be between 0 and 1, got ${q}`);
  const dtypes = names.map((n) => input.meta.col(n).dtype);
  for (let j = 0; j < names.length; j++) {
    if (dtypes[j] === 'string') throw new TypeError(`quantile: column '${names[j]}' is a string column`);
  }
  const moments = treeReduce('quantile-moments', input, {
    chunk: momentsChunk,
    chunkArgs: [names, mode === 'describe'],
    combine: momentsCombine,
    aggregate: mergeMoments,
  });
  const plan = treeReduce('quantile-plan', input, {
    chunk: histChunk,
    chunkArgs: [names, moments],
    combine: histCombine,
    aggregate: planQuantiles,
    aggregateArgs: [moments, qs],
  });
  return treeReduce(
    'quantile',
    input,
    {
      chunk: extractChunk,
      chunkArgs: [names, moments, plan],
      combine: extractCombine,
      aggregate: finishQuantiles,
      aggregateArgs: [moments, plan, qs, mode, names, dtypes],
    },
    0,
  );
}
