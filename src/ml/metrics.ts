/**
 * Classification and regression metrics, defined as scikit-learn defines them (zero division
 * gives 0, labels are the sorted union of true and predicted labels), so reports compare 1:1.
 */
import type { Scorer, Scoring, ScoringName } from './types.js';

function checkPair(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, where: string): void {
  if (yTrue.length !== yPred.length)
    throw new RangeError(`${where}: yTrue has ${yTrue.length} values but yPred has ${yPred.length}; they must be the same length`);
  if (yTrue.length === 0) throw new RangeError(`${where}: no samples (yTrue and yPred are empty)`);
}

/** The sorted union of the labels in both arrays. */
export function uniqueLabels(...ys: Array<ArrayLike<number>>): number[] {
  const s = new Set<number>();
  for (const y of ys) for (let i = 0; i < y.length; i++) s.add(y[i]);
  return [...s].sort((a, b) => a - b);
}

export interface ConfusionMatrix {
  /** Row i, column j: samples of true label labels[i] predicted as labels[j]. */
  readonly matrix: number[][];
  readonly labels: number[];
}

export function confusionMatrix(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, opts: { labels?: number[] } = {}): ConfusionMatrix {
  checkPair(yTrue, yPred, 'confusionMatrix');
  const labels = opts.labels ?? uniqueLabels(yTrue, yPred);
  const at = new Map(labels.map((l, i) => [l, i]));
  const matrix = labels.map(() => new Array<number>(labels.length).fill(0));
  for (let i = 0; i < yTrue.length; i++) {
    const r = at.get(yTrue[i]);
    const c = at.get(yPred[i]);
    if (r !== undefined && c !== undefined) matrix[r][c]++;
  }
  return { matrix, labels };
}

export function accuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkPair(yTrue, yPred, 'accuracy');
  let hit = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) hit++;
  return hit / yTrue.length;
}

export interface ClassScores {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly support: number;
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);

function perClass(cm: ConfusionMatrix): ClassScores[] {
  const { matrix } = cm;
  return matrix.map((row, i) => {
    const tp = row[i];
    const support = row.reduce((a, b) => a + b, 0);
    let predicted = 0;
    for (const r of matrix) predicted += r[i];
    const precision = ratio(tp, predicted);
    const recall = ratio(tp, support);
    // The harmonic mean of precision and recall, computed as scikit-learn computes it.
    return { precision, recall, f1: ratio(2 * precision * recall, precision + recall), support };
  });
}

export type Average = 'binary' | 'macro' | 'weighted' | 'micro';

export interface AverageOptions {
  /** 'binary' (default) scores the class `posLabel` (default 1) only. */
  average?: Average;
  posLabel?: number;
}

function averaged(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, opts: AverageOptions, key: keyof Omit<ClassScores, 'support'>, where: string): number {
  checkPair(yTrue, yPred, where);
  const average = opts.average ?? 'binary';
  const cm = confusionMatrix(yTrue, yPred);
  if (average === 'micro') return accuracy(yTrue, yPred);
  const scores = perClass(cm);
  if (average === 'binary') {
    const pos = opts.posLabel ?? 1;
    if (cm.labels.length > 2)
      throw new RangeError(`${where}: average 'binary' needs at most 2 labels, got ${cm.labels.join(', ')}; pass { average: 'macro' } or 'weighted'`);
    const i = cm.labels.indexOf(pos);
    return i < 0 ? 0 : scores[i][key];
  }
  if (average === 'macro') return scores.reduce((a, s) => a + s[key], 0) / scores.length;
  const total = scores.reduce((a, s) => a + s.support, 0);
  return ratio(
    scores.reduce((a, s) => a + s[key] * s.support, 0),
    total,
  );
}

export const precision = (yTrue: ArrayLike<number>, yPred: ArrayLike<number>, opts: AverageOptions = {}): number =>
  averaged(yTrue, yPred, opts, 'precision', 'precision');
export const recall = (yTrue: ArrayLike<number>, yPred: ArrayLike<number>, opts: AverageOptions = {}): number =>
  averaged(yTrue, yPred, opts, 'recall', 'recall');
export const f1 = (yTrue: ArrayLike<number>, yPred: ArrayLike<number>, opts: AverageOptions = {}): number => averaged(yTrue, yPred, opts, 'f1', 'f1');

export function meanSquaredError(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkPair(yTrue, yPred, 'meanSquaredError');
  let s = 0;
  for (let i = 0; i < yTrue.length; i++) s += (yTrue[i] - yPred[i]) ** 2;
  return s / yTrue.length;
}

export function r2(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkPair(yTrue, yPred, 'r2');
  let mean = 0;
  for (let i = 0; i < yTrue.length; i++) mean += yTrue[i];
  mean /= yTrue.length;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < yTrue.length; i++) {
    ssRes += (yTrue[i] - yPred[i]) ** 2;
    ssTot += (yTrue[i] - mean) ** 2;
  }
  return ssTot === 0 ? (ssRes === 0 ? 1 : 0) : 1 - ssRes / ssTot;
}

const SCORERS: Record<ScoringName, Scorer> = {
  accuracy,
  f1: (t, p) => f1(t, p),
  f1Macro: (t, p) => f1(t, p, { average: 'macro' }),
  precision: (t, p) => precision(t, p),
  recall: (t, p) => recall(t, p),
  r2,
  negMeanSquaredError: (t, p) => -meanSquaredError(t, p),
};

/** The scorer a name stands for (a function passes through). */
export function scorer(scoring: Scoring): Scorer {
  if (typeof scoring === 'function') return scoring;
  const s = Object.prototype.hasOwnProperty.call(SCORERS, scoring) ? SCORERS[scoring] : undefined;
  if (s === undefined)
    throw new TypeError(`unknown scoring ${JSON.stringify(scoring)}; use one of ${Object.keys(SCORERS).join(', ')} or a function (yTrue, yPred) => number`);
  return s;
}

export interface ClassificationReport {
  /** One row per label, in label order. */
  readonly classes: Array<ClassScores & { readonly label: string }>;
  readonly accuracy: number;
  readonly macroAvg: ClassScores;
  readonly weightedAvg: ClassScores;
  /** The same numbers keyed as scikit-learn's `classification_report(..., output_dict=True)`. */
  asDict(): Record<string, number | Record<string, number>>;
  /** The text table scikit-learn prints (`digits` decimals, default 2). */
  toString(): string;
}

/** Fixed-point text rounding a tie to even, as Python's format does (JS toFixed rounds ties up). */
function fixed(x: number, digits: number): string {
  const scale = 10 ** digits;
  const t = x * scale;
  const fl = Math.floor(t);
  if (t - fl === 0.5 && (fl + 0.5) / scale === x) return ((fl % 2 === 0 ? fl : fl + 1) / scale).toFixed(digits);
  return x.toFixed(digits);
}

export function classificationReport(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  opts: { labels?: number[]; targetNames?: string[]; digits?: number } = {},
): ClassificationReport {
  checkPair(yTrue, yPred, 'classificationReport');
  const cm = confusionMatrix(yTrue, yPred, opts.labels === undefined ? {} : { labels: opts.labels });
  const names = opts.targetNames ?? cm.labels.map(String);
  if (names.length !== cm.labels.length)
    throw new RangeError(`classificationReport: ${names.length} targetNames for ${cm.labels.length} labels (${cm.labels.join(', ')})`);
  const rows = perClass(cm);
  const total = rows.reduce((a, r) => a + r.support, 0);
  const mean = (k: keyof ClassScores, w: (r: ClassScores) => number, d: number) =>
    ratio(
      rows.reduce((a, r) => a + r[k] * w(r), 0),
      d,
    );
  const macroAvg: ClassScores = {
    precision: mean('precision', () => 1, rows.length),
    recall: mean('recall', () => 1, rows.length),
    f1: mean('f1', () => 1, rows.length),
    support: total,
  };
  const weightedAvg: ClassScores = {
    precision: mean('precision', (r) => r.support, total),
    recall: mean('recall', (r) => r.support, total),
    f1: mean('f1', (r) => r.support, total),
    support: total,
  };
  const acc = accuracy(yTrue, yPred);
  const classes = rows.map((r, i) => ({ label: names[i], ...r }));
  const digits = opts.digits ?? 2;
  const entry = (s: ClassScores) => ({ precision: s.precision, recall: s.recall, 'f1-score': s.f1, support: s.support });
  return {
    classes,
    accuracy: acc,
    macroAvg,
    weightedAvg,
    asDict() {
      const out: Record<string, number | Record<string, number>> = {};
      for (const c of classes) out[c.label] = entry(c);
      out.accuracy = acc;
      out['macro avg'] = entry(macroAvg);
      out['weighted avg'] = entry(weightedAvg);
      return out;
    },
    toString() {
      const width = Math.max(...names.map((n) => n.length), 'weighted avg'.length, digits);
      const cell = (s: string) => ' ' + s.padStart(9);
      const line = (name: string, s: ClassScores) =>
        name.padStart(width) + ' ' + [s.precision, s.recall, s.f1].map((v) => cell(fixed(v, digits))).join('') + cell(String(s.support)) + '\n';
      let text = ''.padStart(width) + ' ' + ['precision', 'recall', 'f1-score', 'support'].map(cell).join('') + '\n\n';
      for (const c of classes) text += line(c.label, c);
      text += '\n';
      text += 'accuracy'.padStart(width) + ' ' + cell('') + cell('') + cell(fixed(acc, digits)) + cell(String(total)) + '\n';
      text += line('macro avg', macroAvg);
      text += line('weighted avg', weightedAvg);
      return text;
    },
  };
}
