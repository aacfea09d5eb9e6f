/** Cross-validation splits (plain and stratified k-fold) and train/test splitting, seeded. */
import { mulberry32 } from '../core/random.js';
import type { Dataset } from './types.js';

export interface Fold {
  readonly train: Int32Array;
  readonly test: Int32Array;
}

export interface KFoldOptions {
  nSplits?: number;
  /** Shuffle rows before splitting (stratifiedKFold always deals each class's rows out in a seeded order). */
  shuffle?: boolean;
  seed?: number;
}

function checkSplits(n: number, k: number, where: string): void {
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`${where}: nSplits must be an integer >= 2, got ${k}`);
  if (k > n) throw new RangeError(`${where}: nSplits=${k} is more than the ${n} samples`);
}

/** Fisher-Yates with the project's seeded generator. */
function shuffled(idx: Int32Array, seed: number): Int32Array {
  const r = mulberry32(seed);
  for (let i = idx.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  }
  return idx;
}

const range = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

/** Rows of fold `f` (test) and of every other fold (train), both ascending. */
export function foldSplit(foldOf: Int32Array, f: number): Fold {
  let nTest = 0;
  for (let i = 0; i < foldOf.length; i++) if (foldOf[i] === f) nTest++;
  const test = new Int32Array(nTest);
  const train = new Int32Array(foldOf.length - nTest);
  let a = 0;
  let b = 0;
  for (let i = 0; i < foldOf.length; i++) {
    if (foldOf[i] === f) test[a++] = i;
    else train[b++] = i;
  }
  return { train, test };
}

/** Fold number of every row -> the k train/test splits. */
export function foldsFromAssignment(foldOf: Int32Array, k: number): Fold[] {
  return Array.from({ length: k }, (_, f) => foldSplit(foldOf, f));
}

/** Fold number per row: contiguous blocks (of the shuffled order), the first n % k one row larger. */
export function kFoldAssignment(nSamples: number, opts: KFoldOptions = {}): Int32Array {
  const k = opts.nSplits ?? 5;
  checkSplits(nSamples, k, 'kFold');
  const order = opts.shuffle ? shuffled(range(nSamples), opts.seed ?? 0) : range(nSamples);
  const foldOf = new Int32Array(nSamples);
  let at = 0;
  for (let f = 0; f < k; f++) {
    const size = Math.floor(nSamples / k) + (f < nSamples % k ? 1 : 0);
    for (let i = 0; i < size; i++) foldOf[order[at++]] = f;
  }
  return foldOf;
}

/**
 * Fold number per row, each class spread evenly: a class's rows, in a seeded shuffled order,
 * are dealt to the folds in turn (the dealing starts where the previous class stopped, so fold
 * sizes differ by at most one).
 */
export function stratifiedAssignment(y: ArrayLike<number>, opts: KFoldOptions = {}): Int32Array {
  const k = opts.nSplits ?? 5;
  checkSplits(y.length, k, 'stratifiedKFold');
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < y.length; i++) {
    const rows = byClass.get(y[i]);
    if (rows === undefined) byClass.set(y[i], [i]);
    else rows.push(i);
  }
  const foldOf = new Int32Array(y.length);
  let next = 0;
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  classes.forEach((c, ci) => {
    const rows = shuffled(Int32Array.from(byClass.get(c) ?? []), (opts.seed ?? 0) * 7919 + ci);
    for (const row of rows) {
      foldOf[row] = next;
      next = (next + 1) % k;
    }
  });
  return foldOf;
}

export function kFold(nSamples: number, opts: KFoldOptions = {}): Fold[] {
  return foldsFromAssignment(kFoldAssignment(nSamples, opts), opts.nSplits ?? 5);
}

export function stratifiedKFold(y: ArrayLike<number>, opts: KFoldOptions = {}): Fold[] {
  return foldsFromAssignment(stratifiedAssignment(y, opts), opts.nSplits ?? 5);
}

/** The rows `idx` of a data set, as a new data set. */
export function takeRows(data: Dataset, idx: ArrayLike<number>): Dataset {
  const { nCols } = data;
  const X = new Float64Array(idx.length * nCols);
  const y = new Float64Array(idx.length);
  for (let i = 0; i < idx.length; i++) {
    const r = idx[i];
    X.set(data.X.subarray(r * nCols, (r + 1) * nCols), i * nCols);
    y[i] = data.y[r];
  }
  return { X, y, nRows: idx.length, nCols };
}

/** Rows as the arrays mljs models take. */
export function toRows(data: Dataset): number[][] {
  const out: number[][] = new Array<number[]>(data.nRows);
  for (let i = 0; i < data.nRows; i++) out[i] = Array.from(data.X.subarray(i * data.nCols, (i + 1) * data.nCols));
  return out;
}

export interface TrainTestSplitOptions {
  /** Fraction of rows in the test set (default 0.25). */
  testSize?: number;
  seed?: number;
  /** Keep each class's share in both parts. */
  stratify?: boolean;
}

/** A seeded split of a data set: `ceil(testSize * n)` rows go to test. */
export function trainTestSplit(data: Dataset, opts: TrainTestSplitOptions = {}): { train: Dataset; test: Dataset } {
  const testSize = opts.testSize ?? 0.25;
  if (!(testSize > 0 && testSize < 1)) throw new RangeError(`trainTestSplit: testSize must be between 0 and 1 (exclusive), got ${testSize}`);
  const n = data.nRows;
  const nTest = Math.ceil(testSize * n);
  if (nTest >= n) throw new RangeError(`trainTestSplit: testSize=${testSize} leaves no training rows out of ${n}`);
  const isTest = new Uint8Array(n);
  if (opts.stratify) {
    // Each class contributes its share, rounded, from a seeded order.
    const byClass = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      const rows = byClass.get(data.y[i]);
      if (rows === undefined) byClass.set(data.y[i], [i]);
      else rows.push(i);
    }
    [...byClass.keys()]
      .sort((a, b) => a - b)
      .forEach((c, ci) => {
        const rows = shuffled(Int32Array.from(byClass.get(c) ?? []), (opts.seed ?? 0) * 7919 + ci);
        const take = Math.round(rows.length * testSize);
        for (let i = 0; i < take; i++) isTest[rows[i]] = 1;
      });
  } else {
    const order = shuffled(range(n), opts.seed ?? 0);
    for (let i = 0; i < nTest; i++) isTest[order[i]] = 1;
  }
  const test: number[] = [];
  const train: number[] = [];
  for (let i = 0; i < n; i++) (isTest[i] ? test : train).push(i);
  return { train: takeRows(data, train), test: takeRows(data, test) };
}
