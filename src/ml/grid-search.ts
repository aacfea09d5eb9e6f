/**
 * Exhaustive search over parameter sets with cross-validation. Every (parameter set x fold) fit
 * is one task on the current backend (backend.ts); the data and the fold assignment are shared
 * by every task (scattered once to every worker of a Client, else graph inputs), never sent
 * with a task.
 */
import { compute } from '../core/compute.js';
import { delayed } from '../core/delayed.js';
import { type Backend, canScatter, currentBackend, type Scatterer } from './backend.js';
import { kFoldAssignment, stratifiedAssignment, toRows } from './folds.js';
import { fitAndScore, type FitScore } from './fit-task.js';
import { expandGrid, type ParamGrid } from './param-grid.js';
import type { Dataset, Estimator, Model, Params, Scoring } from './types.js';

/** k (stratified k-fold, as scikit-learn's default for classifiers), fold options, or a fold number per row. */
export type CvSpec = number | { nSplits?: number; stratified?: boolean; shuffle?: boolean; seed?: number } | { foldOf: Int32Array };

export interface GridSearchOptions<P extends Params> {
  estimator: Estimator<P>;
  paramGrid: ParamGrid | readonly ParamGrid[];
  data: Dataset;
  cv?: CvSpec;
  scoring?: Scoring;
  /** Train the best parameter set on all the data, in this process (default true). */
  refit?: boolean;
  /** Overrides parallelBackend / config for this search. */
  scheduler?: Backend;
}

export interface CvResult {
  readonly params: Params;
  readonly splitTestScores: number[];
  readonly meanTestScore: number;
  /** Population standard deviation over folds (numpy's default, as scikit-learn reports). */
  readonly stdTestScore: number;
  /** 1 for the best mean score; ties share the lowest rank. */
  readonly rankTestScore: number;
  readonly meanFitTime: number;
}

export interface GridSearchResult {
  readonly cvResults: CvResult[];
  readonly bestIndex: number;
  readonly bestParams: Params;
  readonly bestScore: number;
  /** The best parameter set trained on all the data (absent with refit: false). */
  readonly bestEstimator?: Model;
  readonly nSplits: number;
}

export function foldAssignment(cv: CvSpec | undefined, data: Dataset): { foldOf: Int32Array; nSplits: number } {
  if (cv !== undefined && typeof cv === 'object' && 'foldOf' in cv) {
    if (cv.foldOf.length !== data.nRows) throw new RangeError(`gridSearch: cv.foldOf has ${cv.foldOf.length} entries for ${data.nRows} rows`);
    return { foldOf: cv.foldOf, nSplits: Math.max(...cv.foldOf) + 1 };
  }
  const o = typeof cv === 'number' ? { nSplits: cv } : (cv ?? {});
  const nSplits = o.nSplits ?? 5;
  const foldOf =
    o.stratified === false
      ? kFoldAssignment(data.nRows, { nSplits, shuffle: o.shuffle, seed: o.seed })
      : stratifiedAssignment(data.y, { nSplits, seed: o.seed });
  return { foldOf, nSplits };
}

function summarize(params: Params[], scores: FitScore[], nSplits: number): CvResult[] {
  const rows = params.map((p, i) => {
    const split = scores.slice(i * nSplits, (i + 1) * nSplits);
    const s = split.map((r) => r.testScore);
    const mean = s.reduce((a, b) => a + b, 0) / s.length;
    const std = Math.sqrt(s.reduce((a, b) => a + (b - mean) ** 2, 0) / s.length);
    return { params: p, splitTestScores: s, meanTestScore: mean, stdTestScore: std, meanFitTime: split.reduce((a, r) => a + r.fitTime, 0) / split.length };
  });
  return rows.map((r) => ({ ...r, rankTestScore: 1 + rows.filter((o) => o.meanTestScore > r.meanTestScore).length }));
}

/** Every fit of one search: a parameter set and the fold it is scored on, in cvResults order. */
interface FitPlan {
  readonly estimator: Estimator;
  readonly fits: ReadonlyArray<{ readonly params: Params; readonly fold: number }>;
  readonly data: Dataset;
  readonly foldOf: Int32Array;
  readonly scoring: Scoring;
}

/**
 * On a Client: the data and folds are scattered to every worker once, and each fit is
 * submitted with their Futures as direct inputs, so every worker reads its own copy and no
 * data moves between workers during the search.
 */
async function fitOnClient(client: Scatterer, plan: FitPlan): Promise<FitScore[]> {
  // One scatter for both: one round trip before the first fit can start.
  const [dataRef, foldRef] = await client.scatter<unknown>([plan.data, plan.foldOf], { broadcast: true });
  const fits = plan.fits.map(({ params, fold }) => client.submit(fitAndScore, plan.estimator, params, dataRef, foldRef, fold, plan.scoring));
  try {
    return await Promise.all(fits);
  } finally {
    for (const f of [...fits, dataRef, foldRef]) if (isReleasable(f)) f.release();
  }
}

function isReleasable(x: unknown): x is { release(): void } {
  return typeof x === 'object' && x !== null && typeof (x as { release?: unknown }).release === 'function';
}

/** On sync, threads or processes: the data and folds are graph inputs every fit task reads by key. */
async function fitLocally(backend: Backend, plan: FitPlan): Promise<FitScore[]> {
  const dataRef = delayed(plan.data);
  const foldRef = delayed(plan.foldOf);
  const fit = delayed(fitAndScore, { name: 'fit-and-score' });
  const tasks = plan.fits.map(({ params, fold }) => fit(plan.estimator, params, dataRef, foldRef, fold, plan.scoring));
  const [scores] = await compute(tasks, { scheduler: backend });
  return scores;
}

export async function gridSearch<P extends Params>(opts: GridSearchOptions<P>): Promise<GridSearchResult> {
  const { estimator, data } = opts;
  if (typeof estimator !== 'function')
    throw new TypeError('gridSearch: estimator must be a function (params) => model, e.g. randomForestClassifier from tsdask/ml');
  const params = expandGrid(opts.paramGrid);
  const scoring = opts.scoring ?? 'accuracy';
  const { foldOf, nSplits } = foldAssignment(opts.cv, data);
  const backend = currentBackend(opts.scheduler);
  const fits = params.flatMap((p) => Array.from({ length: nSplits }, (_, fold) => ({ params: p, fold })));
  const plan: FitPlan = { estimator: estimator as Estimator, fits, data, foldOf, scoring };
  const scores = canScatter(backend) ? await fitOnClient(backend, plan) : await fitLocally(backend, plan);
  const cvResults = summarize(params, scores, nSplits);
  let bestIndex = 0;
  for (let i = 1; i < cvResults.length; i++) if (cvResults[i].meanTestScore > cvResults[bestIndex].meanTestScore) bestIndex = i;
  const bestParams = cvResults[bestIndex].params;
  let bestEstimator: Model | undefined;
  if (opts.refit !== false) {
    bestEstimator = estimator(bestParams as P);
    bestEstimator.train(toRows(data), Array.from(data.y));
  }
  return { cvResults, bestIndex, bestParams, bestScore: cvResults[bestIndex].meanTestScore, ...(bestEstimator ? { bestEstimator } : {}), nSplits };
}
