/**
 * A linear model trained by mini-batch stochastic gradient descent on ml-matrix: logistic loss
 * (a classifier) or squared loss (linear regression). Its state is plain data, so each
 * incremental step can run on any worker and hand the model on to the next.
 */
import { Matrix } from 'ml-matrix';
import type { Dataset } from './types.js';

export type SgdLoss = 'log' | 'squared';

export interface SgdOptions {
  /** Step size (default 0.05). */
  learningRate?: number;
  /** L2 penalty (default 1e-4). */
  alpha?: number;
  /** Rows per gradient step (default 256). */
  batchSize?: number;
}

export interface SgdModel {
  readonly kind: 'sgd';
  readonly loss: SgdLoss;
  readonly learningRate: number;
  readonly alpha: number;
  readonly batchSize: number;
  /** Per-feature centring and scaling applied before the weights (empty: none). */
  readonly mean: readonly number[];
  readonly scale: readonly number[];
  /** Empty until the first partialFit, which fixes the number of features. */
  readonly weights: readonly number[];
  readonly bias: number;
  /** Gradient steps taken and rows seen so far. */
  readonly steps: number;
  readonly rowsSeen: number;
}

function make(loss: SgdLoss, o: SgdOptions): SgdModel {
  const learningRate = o.learningRate ?? 0.05;
  const alpha = o.alpha ?? 1e-4;
  const batchSize = o.batchSize ?? 256;
  if (!(learningRate > 0)) throw new RangeError(`sgd: learningRate must be > 0, got ${learningRate}`);
  if (!(alpha >= 0)) throw new RangeError(`sgd: alpha must be >= 0, got ${alpha}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`sgd: batchSize must be a positive integer, got ${batchSize}`);
  return { kind: 'sgd', loss, learningRate, alpha, batchSize, mean: [], scale: [], weights: [], bias: 0, steps: 0, rowsSeen: 0 };
}

/** Logistic regression for labels 0/1. */
export const sgdClassifier = (opts: SgdOptions = {}): SgdModel => make('log', opts);
/** Least-squares linear regression. */
export const sgdRegressor = (opts: SgdOptions = {}): SgdModel => make('squared', opts);

export function isSgdModel(x: unknown): x is SgdModel {
  return typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind === 'sgd';
}

/** The rows as a standardized matrix. */
function design(model: SgdModel, data: Dataset, from: number, to: number): Matrix {
  const { nCols } = data;
  const m = new Matrix(to - from, nCols);
  const scaled = model.mean.length === nCols;
  for (let i = from; i < to; i++) {
    for (let j = 0; j < nCols; j++) {
      const x = data.X[i * nCols + j];
      m.set(i - from, j, scaled ? (x - model.mean[j]) / model.scale[j] : x);
    }
  }
  return m;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** One pass over `data` in row order, `batchSize` rows per gradient step. */
export function partialFit(model: SgdModel, data: Dataset): SgdModel {
  const { nCols, nRows } = data;
  if (model.weights.length !== 0 && model.weights.length !== nCols) {
    throw new RangeError(`sgd partialFit: the model has ${model.weights.length} features but this batch has ${nCols} columns`);
  }
  if (model.mean.length !== 0 && model.mean.length !== nCols)
    throw new RangeError(`sgd partialFit: the scaler has ${model.mean.length} features but this batch has ${nCols}`);
  let w = Matrix.columnVector(model.weights.length === 0 ? new Array<number>(nCols).fill(0) : model.weights);
  let bias = model.bias;
  let steps = model.steps;
  for (let from = 0; from < nRows; from += model.batchSize) {
    const to = Math.min(nRows, from + model.batchSize);
    const Xb = design(model, data, from, to);
    const z = Xb.mmul(w);
    const err = new Matrix(to - from, 1);
    let errSum = 0;
    for (let i = 0; i < to - from; i++) {
      const zi = z.get(i, 0) + bias;
      const e = (model.loss === 'log' ? sigmoid(zi) : zi) - data.y[from + i];
      err.set(i, 0, e);
      errSum += e;
    }
    const b = to - from;
    const grad = Xb.transposeMultiply(err).div(b).add(w.clone().mul(model.alpha));
    w = w.sub(grad.mul(model.learningRate));
    bias -= (model.learningRate * errSum) / b;
    steps++;
  }
  return { ...model, weights: w.getColumn(0), bias, steps, rowsSeen: model.rowsSeen + nRows };
}

/** Decision values: probability of class 1 (log loss) or the regression value. */
export function decisionFunction(model: SgdModel, data: Dataset): Float64Array {
  if (model.weights.length !== data.nCols)
    throw new RangeError(`sgd predict: the model has ${model.weights.length} features, the data ${data.nCols} columns (train it first)`);
  const z = design(model, data, 0, data.nRows).mmul(Matrix.columnVector(model.weights));
  const out = new Float64Array(data.nRows);
  for (let i = 0; i < data.nRows; i++) out[i] = model.loss === 'log' ? sigmoid(z.get(i, 0) + model.bias) : z.get(i, 0) + model.bias;
  return out;
}

/** Class labels 0/1 (log loss, threshold 0.5) or regression values. */
export function predict(model: SgdModel, data: Dataset): Float64Array {
  const d = decisionFunction(model, data);
  if (model.loss === 'log') for (let i = 0; i < d.length; i++) d[i] = d[i] >= 0.5 ? 1 : 0;
  return d;
}
