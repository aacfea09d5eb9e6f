/**
 * incrementalFit: train a model that learns in batches partition by partition, as dask-ml's
 * Incremental does. Each step is its own small compute (one partition's read and one SGD pass,
 * on the current backend), handed the model of the step before, so no process ever holds more
 * than one partition: the whole data set never sits in memory.
 */
import { compute } from '../core/compute.js';
import { delayed } from '../core/delayed.js';
import type { DataFrame } from '../dataframe/collections/index.js';
import { type Backend, currentBackend } from './backend.js';
import { featureSpec, type FeatureOptions, type FeatureSpec } from './features.js';
import { fitPartition } from './incremental-task.js';
import { isSgdModel, type SgdModel } from './sgd.js';

export interface IncrementalOptions extends Omit<FeatureOptions, 'target'> {
  target: string;
  /** Passes over the data (default 1). */
  epochs?: number;
  /** Centre and scale numeric features by the frame's mean and std first (default true: SGD needs comparable scales). */
  standardize?: boolean;
  scheduler?: Backend;
  /** Called after every step (e.g. to log progress). */
  onStep?: (step: IncrementalStep) => void;
}

export interface IncrementalStep {
  readonly epoch: number;
  readonly partition: number;
  readonly rows: number;
}

export interface IncrementalResult {
  readonly model: SgdModel;
  readonly spec: FeatureSpec;
  readonly steps: IncrementalStep[];
}

async function scaler(ddf: DataFrame, spec: FeatureSpec, backend: Backend): Promise<{ mean: number[]; scale: number[] }> {
  const numeric = spec.columns.filter((c) => c.categories === undefined).map((c) => c.name);
  // Only these columns leave each partition's read: the statistics share one small frame per
  // partition instead of all holding the whole parsed partition until the last of them ran.
  const narrow = ddf.select(numeric);
  const [stats] = await compute(
    numeric.map((c) => [narrow.col(c).mean(), narrow.col(c).std()]),
    { scheduler: backend },
  );
  const mean: number[] = [];
  const scale: number[] = [];
  for (const c of spec.columns) {
    if (c.categories !== undefined) {
      const width = spec.encoding === 'onehot' ? c.categories.length : 1;
      for (let j = 0; j < width; j++) {
        mean.push(0);
        scale.push(1);
      }
      continue;
    }
    const [m, s] = stats[numeric.indexOf(c.name)];
    mean.push(Number.isFinite(m) ? m : 0);
    scale.push(Number.isFinite(s) && s > 0 ? s : 1);
  }
  return { mean, scale };
}

export async function incrementalFit(model: SgdModel, ddf: DataFrame, opts: IncrementalOptions): Promise<IncrementalResult> {
  if (!isSgdModel(model)) throw new TypeError('incrementalFit: model must be an SGD model from sgdClassifier() or sgdRegressor() (tsdask/ml)');
  const epochs = opts.epochs ?? 1;
  if (!Number.isInteger(epochs) || epochs < 1) throw new RangeError(`incrementalFit: epochs must be a positive integer, got ${epochs}`);
  const backend = currentBackend(opts.scheduler);
  const spec = await featureSpec(ddf, opts, { scheduler: backend });
  let current = opts.standardize === false ? model : { ...model, ...(await scaler(ddf, spec, backend)) };
  const cols = [...new Set([...opts.features, opts.target])];
  const parts = ddf.select(cols).toDelayed();
  const step = delayed(fitPartition, { name: 'incremental-fit' });
  const steps: IncrementalStep[] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let partition = 0; partition < parts.length; partition++) {
      const [r] = await compute(step(current, parts[partition], spec), { scheduler: backend });
      current = r.model;
      const s = { epoch, partition, rows: r.rows };
      steps.push(s);
      opts.onStep?.(s);
    }
  }
  return { model: current, spec, steps };
}
