/** The shapes tsdask/ml's helpers share: models, estimator factories, parameter sets, data. */

/** A value a parameter may take (plain, so a parameter set travels to workers as JSON). */
export type ParamValue = number | string | boolean | null | readonly ParamValue[] | { readonly [key: string]: ParamValue };

/** One parameter set: the options an estimator factory builds a model from. */
export type Params = Readonly<Record<string, ParamValue | undefined>>;

/** What gridSearch trains and scores: mljs models have this shape. */
export interface Model {
  train(X: number[][], y: number[]): void;
  predict(X: number[][]): number[];
}

/**
 * Builds an untrained model from a parameter set. It runs on workers, so it must be shippable:
 * exported from a module (workers load it by path), or self-contained source text.
 */
export type Estimator<P extends Params = Params> = (params: P) => Model;

/**
 * A feature matrix: rows of `nCols` doubles, row-major in one buffer (one transfer, no per-row
 * arrays on the wire), and numeric labels.
 */
export interface Dataset {
  readonly X: Float64Array;
  readonly y: Float64Array;
  readonly nRows: number;
  readonly nCols: number;
}

/** Scores a prediction: higher is better. A function must be shippable like an Estimator. */
export type Scorer = (yTrue: ArrayLike<number>, yPred: ArrayLike<number>) => number;
export type ScoringName = 'accuracy' | 'f1' | 'f1Macro' | 'precision' | 'recall' | 'r2' | 'negMeanSquaredError';
export type Scoring = ScoringName | Scorer;
