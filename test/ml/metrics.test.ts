/**
 * classificationReport, confusionMatrix and the scorers against scikit-learn (Debian
 * python3-sklearn under /usr/bin/python3) on the same labels and predictions.
 */
import t, { type Test } from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import {
  accuracy,
  classificationReport,
  confusionMatrix,
  f1,
  gridSearch,
  precision,
  randomForestClassifier,
  recall,
  takeRows,
  trainTestSplit,
} from '../../src/ml/index.js';
import { flightsDataset, flightsDir } from './flights-data.js';

const PYTHON = '/usr/bin/python3';
const hasSklearn = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import sklearn'], { stdio: 'ignore' }).status === 0;

interface SkAnswer {
  dict: Record<string, number | Record<string, number>>;
  text2: string;
  text4: string;
  cm: number[][];
  accuracy: number;
  f1: number;
  precision: number;
  recall: number;
  f1Macro: number;
}

function sklearn(yTrue: number[], yPred: number[]): SkAnswer {
  const script = `
import json, sys, warnings
warnings.simplefilter('ignore')
from sklearn.metrics import classification_report, confusion_matrix, accuracy_score, f1_score, precision_score, recall_score
d = json.load(sys.stdin)
t, p = d['t'], d['p']
binary = len(set(t) | set(p)) <= 2
out = {
  'dict': classification_report(t, p, output_dict=True, zero_division=0),
  'text2': classification_report(t, p, zero_division=0),
  'text4': classification_report(t, p, digits=4, zero_division=0),
  'cm': confusion_matrix(t, p).tolist(),
  'accuracy': accuracy_score(t, p),
  'f1': f1_score(t, p, zero_division=0) if binary else None,
  'precision': precision_score(t, p, zero_division=0) if binary else None,
  'recall': recall_score(t, p, zero_division=0) if binary else None,
  'f1Macro': f1_score(t, p, average='macro', zero_division=0),
}
print(json.dumps(out))`;
  const r = spawnSync(PYTHON, ['-c', script], { input: JSON.stringify({ t: yTrue, p: yPred }), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`scikit-learn failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as SkAnswer;
}

function compare(t: Test, yTrue: number[], yPred: number[]): void {
  const sk = sklearn(yTrue, yPred);
  const report = classificationReport(yTrue, yPred);
  const mine = report.asDict();
  t.same(Object.keys(mine), Object.keys(sk.dict), 'same rows');
  for (const [k, v] of Object.entries(sk.dict)) {
    const got = mine[k];
    if (typeof v === 'number') t.ok(typeof got === 'number' && Math.abs(v - got) < 1e-12, `${k}: ${JSON.stringify(got)} vs ${v}`);
    else for (const [m, x] of Object.entries(v)) t.ok(typeof got === 'object' && Math.abs(x - got[m]) < 1e-12, `${k} ${m}: ${JSON.stringify(got)} vs ${x}`);
  }
  t.equal(String(report), sk.text2, 'the printed report');
  t.equal(classificationReport(yTrue, yPred, { digits: 4 }).toString(), sk.text4, 'the printed report, 4 digits');
  t.same(confusionMatrix(yTrue, yPred).matrix, sk.cm);
  t.equal(accuracy(yTrue, yPred), sk.accuracy);
  t.ok(Math.abs(f1(yTrue, yPred, { average: 'macro' }) - sk.f1Macro) < 1e-12, 'macro f1');
  if (sk.f1 !== null) {
    t.ok(Math.abs(f1(yTrue, yPred) - sk.f1) < 1e-12, 'binary f1');
    t.ok(Math.abs(precision(yTrue, yPred) - sk.precision) < 1e-12, 'binary precision');
    t.ok(Math.abs(recall(yTrue, yPred) - sk.recall) < 1e-12, 'binary recall');
  }
}

if (!hasSklearn && process.env.CI !== 'true') {
  t.test(
    'metrics against scikit-learn',
    { skip: 'scikit-learn is not installed: apt-get install -y python3-sklearn (with CI=true this fails instead)' },
    async () => {},
  );
} else {
  t.test('classificationReport equals scikit-learn on a grid search best model predicting late flights', async (t) => {
    const { dir, cleanup } = flightsDir(200, [1990, 1991]);
    t.teardown(cleanup);
    const data = await flightsDataset(dir);
    const { train, test } = trainTestSplit(data, { testSize: 0.3, seed: 5, stratify: true });
    const res = await gridSearch({
      estimator: randomForestClassifier,
      paramGrid: { maxDepth: [2, 4], nEstimators: [2], seed: [1] },
      data: train,
      cv: 2,
      scheduler: 'sync',
    });
    const rows = Array.from({ length: test.nRows }, (_, r) => Array.from(test.X.subarray(r * test.nCols, (r + 1) * test.nCols)));
    const pred = res.bestEstimator?.predict(rows) ?? [];
    t.equal(pred.length, test.nRows);
    compare(t, Array.from(test.y), pred);
    t.ok(takeRows(test, [0]).nRows === 1);
  });

  t.test('classificationReport equals scikit-learn: three classes, a never-predicted class, ties at 1/8', async (t) => {
    // Class 2 is never predicted (precision 0 by zero division); recalls of 1/8, 3/8 test rounding of ties.
    const yTrue = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2];
    const yPred = [0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 0];
    compare(t, yTrue, yPred);
    compare(t, [1, 0, 1, 1, 0, 1, 0, 1], [1, 1, 1, 0, 0, 1, 0, 1]);
  });
}

t.test('metric input errors', async (t) => {
  t.throws(() => accuracy([1, 0], [1]), /yTrue has 2 values but yPred has 1/);
  t.throws(() => f1([0, 1, 2], [0, 1, 2]), /average 'binary' needs at most 2 labels/);
  t.throws(() => classificationReport([0, 1], [0, 1], { targetNames: ['a'] }), /1 targetNames for 2 labels/);
});
