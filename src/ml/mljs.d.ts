// The parts of the untyped mljs packages tsdask/ml calls (ml-random-forest and ml-matrix ship their own types).
declare module 'ml-cart' {
  export class DecisionTreeClassifier {
    constructor(options?: { gainFunction?: string; splitFunction?: string; minNumSamples?: number; maxDepth?: number });
    train(X: number[][], y: number[]): void;
    predict(X: number[][]): number[];
  }
}
declare module 'ml-knn' {
  class KNN {
    constructor(dataset: number[][], labels: number[], options?: { k?: number });
    predict(X: number[][]): number[];
  }
  export = KNN;
}
declare module 'ml-logistic-regression' {
  import type { Matrix } from 'ml-matrix';
  class LogisticRegression {
    constructor(options?: { numSteps?: number; learningRate?: number });
    train(X: Matrix, y: Matrix): void;
    predict(X: Matrix): number[];
  }
  export = LogisticRegression;
}
