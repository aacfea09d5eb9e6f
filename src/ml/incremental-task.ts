/** The step of incremental training: one partition, encoded on the worker, one SGD pass. Loaded by path on workers. */
import type { DanfoDataFrame } from '../dataframe/danfo.js';
import { encodeFrame, type FeatureSpec } from './features.js';
import { partialFit, type SgdModel } from './sgd.js';

export interface StepResult {
  readonly model: SgdModel;
  /** Rows this step trained on (after rows with missing values were left out). */
  readonly rows: number;
}

export function fitPartition(model: SgdModel, part: DanfoDataFrame, spec: FeatureSpec): StepResult {
  const data = encodeFrame(part, spec);
  return { model: partialFit(model, data), rows: data.nRows };
}
