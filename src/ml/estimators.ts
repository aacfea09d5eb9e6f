/**
 * Estimator factories over the mljs models. They are exports of this module, so a worker
 * loads them by path (core/fnspec.ts) instead of rebuilding closures over the mljs imports.
 */
import { DecisionTreeClassifier } from 'ml-cart';
import KNN from 'ml-knn';
import LogisticRegression from 'ml-logistic-regression';
import { Matrix } from 'ml-matrix';
import { RandomForestClassifier } from 'ml-random-forest';
import type { Model, Params } from './types.js';

export interface RandomForestParams extends Params {
  nEstimators?: number;
  /** A fraction in (0, 1) of the features, or a count. ml-random-forest reads 1 (and so 1.0, the same number in JS) as one feature. */
  maxFeatures?: number;
  maxDepth?: number;
  minNumSamples?: number;
  replacement?: boolean;
  useSampleBagging?: boolean;
  seed?: number;
}

function num(params: Params, name: string, where: string): number | undefined {
  const v = params[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`${where}: parameter '${name}' must be a finite number, got ${JSON.stringify(v)}`);
  return v;
}

function bool(params: Params, name: string, where: string): boolean | undefined {
  const v = params[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw new TypeError(`${where}: parameter '${name}' must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

/** Only the options given: mljs fills the rest from its defaults. */
function defined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const k of Object.keys(o) as Array<keyof T>) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

/** ml-random-forest's classifier; out-of-bag predictions off (they only cost time here). */
export function randomForestClassifier(params: RandomForestParams = {}): Model {
  const w = 'randomForestClassifier';
  const treeOptions = defined({ maxDepth: num(params, 'maxDepth', w), minNumSamples: num(params, 'minNumSamples', w) });
  const options = defined({
    nEstimators: num(params, 'nEstimators', w),
    maxFeatures: num(params, 'maxFeatures', w),
    replacement: bool(params, 'replacement', w),
    useSampleBagging: bool(params, 'useSampleBagging', w),
    seed: num(params, 'seed', w),
  });
  return new RandomForestClassifier({ ...options, noOOB: true, treeOptions });
}

export interface DecisionTreeParams extends Params {
  maxDepth?: number;
  minNumSamples?: number;
}

/** ml-cart's CART classifier (gini). */
export function decisionTreeClassifier(params: DecisionTreeParams = {}): Model {
  const w = 'decisionTreeClassifier';
  return new DecisionTreeClassifier(defined({ maxDepth: num(params, 'maxDepth', w), minNumSamples: num(params, 'minNumSamples', w) }));
}

export interface KnnParams extends Params {
  k?: number;
}

/** ml-knn: the training set is the model, so train() only keeps it. */
export function knnClassifier(params: KnnParams = {}): Model {
  const k = num(params, 'k', 'knnClassifier');
  let knn: KNN | undefined;
  return {
    train(X, y) {
      knn = new KNN(X, y, defined({ k }));
    },
    predict(X) {
      if (knn === undefined) throw new Error('knnClassifier: predict() before train()');
      return knn.predict(X);
    },
  };
}

export interface LogisticRegressionParams extends Params {
  numSteps?: number;
  learningRate?: number;
}

/** ml-logistic-regression (batch gradient descent, one-vs-rest), adapted to plain rows. */
export function logisticRegression(params: LogisticRegressionParams = {}): Model {
  const w = 'logisticRegression';
  const lr = new LogisticRegression(defined({ numSteps: num(params, 'numSteps', w), learningRate: num(params, 'learningRate', w) }));
  return {
    train(X, y) {
      lr.train(new Matrix(X), Matrix.columnVector(y));
    },
    predict(X) {
      return lr.predict(new Matrix(X));
    },
  };
}
