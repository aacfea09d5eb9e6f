/**
 * The one task of a grid search: fit a fresh model on every fold but one, score it on that
 * fold. It is an export of this module, so workers load it by path.
 */
import { foldSplit, takeRows, toRows } from './folds.js';
import { scorer } from './metrics.js';
import type { Dataset, Estimator, Params, Scoring } from './types.js';

export interface FitScore {
  readonly testScore: number;
  /** Wall time of train() in ms (not part of any comparison: it depends on the machine). */
  readonly fitTime: number;
}

export function fitAndScore(estimator: Estimator, params: Params, data: Dataset, foldOf: Int32Array, fold: number, scoring: Scoring): FitScore {
  const { train, test } = foldSplit(foldOf, fold);
  const tr = takeRows(data, train);
  const te = takeRows(data, test);
  const model = estimator(params);
  const t0 = performance.now();
  model.train(toRows(tr), Array.from(tr.y));
  const fitTime = performance.now() - t0;
  const pred = model.predict(toRows(te));
  return { testScore: scorer(scoring)(te.y, pred), fitTime };
}
