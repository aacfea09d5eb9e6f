/** Graph for exact quantiles / median / describe: moments, histogram plan, extraction (see ops/quantile.ts). */
import type { Frame } from './frame.js';
import { type Partitioned, treeReduce } from './graph.js';
import { extractChunk, extractCombine, finishQuantiles, histChunk, histCombine, planQuantiles, type QuantileMode } from './ops/quantile-hist.js';
import { momentsChunk, momentsCombine } from './ops/stats.js';
import { Scalar } from './scalar.js';
import { kernel } from '../core/kernels.js';
import type { Moments } from './ops/stats.js';

const mergeMoments = kernel('dataframe.moments.merge', (parts: readonly Moments[]): Moments => momentsCombine(parts));

/**
 * A lazy single value: for mode 'scalar' the quantile itself; for the others a one-partition
 * frame (see finishQuantiles). Rejects q outside [0, 1].
 */
export function quantileLazy(input: Partitioned, names: readonly string[], qs: readonly number[], mode: QuantileMode): Scalar<unknown> {
  for (const q of qs) if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile: q must be between 0 and 1, got ${q}`);
  const dtypes = names.map((n) => input.meta.col(n).dtype);
  for (let j = 0; j < names.length; j++) {
    if (dtypes[j] === 'string') throw new TypeError(`quantile: column '${names[j]}' is a string column`);
  }
  const m = treeReduce('quantile-moments', input, { chunk: momentsChunk, chunkArgs: [names, mode === 'describe'], combine: momentsCombine, aggregate: mergeMoments });
  const moments = new Scalar<Moments>(m.key, m.layer, null);
  const p = treeReduce('quantile-plan', input, {
    chunk: histChunk,
    chunkArgs: [names, moments],
    combine: histCombine,
    aggregate: planQuantiles,
    aggregateArgs: [moments, qs],
  });
  const plan = new Scalar<unknown>(p.key, p.layer, null);
  const f = treeReduce(`quantile`, input, {
    chunk: extractChunk,
    chunkArgs: [names, moments, plan],
    combine: extractCombine,
    aggregate: finishQuantiles,
    aggregateArgs: [moments, plan, qs, mode, names, dtypes],
  });
  return new Scalar<unknown>(f.key, f.layer, 0);
}

export type { Frame };
