/**
 * incrementalFit trains partition by partition: every step's graph holds one partition only,
 * steps follow the partitions in order, and the model equals plain SGD written here, run
 * over the partitions one after the other.
 */
import t from 'tap';
import { compute } from '../../src/core/compute.js';
import type { Graph } from '../../src/core/graph.js';
import type { Scheduler } from '../../src/core/scheduler.js';
import { getScheduler } from '../../src/core/scheduler-registry.js';
import { incrementalFit, sgdClassifier, sgdPredict, encodeFrame, accuracy } from '../../src/ml/index.js';
import { delayedFrame, flightsDir } from './flights-data.js';

const FEATURES = ['Month', 'DayOfWeek', 'CRSDepTime', 'Distance', 'DepDelay'];
const OPTS = { learningRate: 0.1, alpha: 0.001, batchSize: 32 };

function recording(): Scheduler & { graphs: Graph[] } {
  const sync = getScheduler('sync');
  const graphs: Graph[] = [];
  return { name: 'recording', graphs, run: (g, k, o) => (graphs.push(g), sync.run(g, k, o)), persist: (c, o) => sync.persist(c, o) };
}

/** Plain mini-batch SGD on standardized rows, logistic loss, L2 penalty. */
function referenceSgd(parts: Array<{ X: number[][]; y: number[] }>, epochs: number): { w: number[]; b: number } {
  const all = parts.flatMap((p) => p.X);
  const d = FEATURES.length;
  const mean = Array.from({ length: d }, (_, j) => all.reduce((a, r) => a + r[j], 0) / all.length);
  const std = Array.from({ length: d }, (_, j) => Math.sqrt(all.reduce((a, r) => a + (r[j] - mean[j]) ** 2, 0) / (all.length - 1)));
  let w = new Array<number>(d).fill(0);
  let b = 0;
  for (let e = 0; e < epochs; e++) {
    for (const p of parts) {
      for (let from = 0; from < p.X.length; from += OPTS.batchSize) {
        const rows = p.X.slice(from, from + OPTS.batchSize).map((r) => r.map((x, j) => (x - mean[j]) / std[j]));
        const err = rows.map((r, i) => 1 / (1 + Math.exp(-(r.reduce((a, x, j) => a + x * w[j], 0) + b))) - p.y[from + i]);
        const grad = w.map((wj, j) => rows.reduce((a, r, i) => a + r[j] * err[i], 0) / rows.length + OPTS.alpha * wj);
        w = w.map((wj, j) => wj - OPTS.learningRate * grad[j]);
        b -= (OPTS.learningRate * err.reduce((a, x) => a + x, 0)) / rows.length;
      }
    }
  }
  return { w, b };
}

t.test('incrementalFit: one partition per step, the same model as sequential SGD over the partitions', async (t) => {
  const { dir, cleanup } = flightsDir(300, [1990, 1992]);
  t.teardown(cleanup);
  const ddf = delayedFrame(dir, 12_000);
  t.ok(ddf.npartitions >= 5, `${ddf.npartitions} partitions`);
  // The reference reads each partition on its own, through the DataFrame API only.
  const parts: Array<{ X: number[][]; y: number[] }> = [];
  for (let i = 0; i < ddf.npartitions; i++) {
    const [df] = await compute(ddf.partitions(i).select([...FEATURES, 'Late']), { scheduler: 'sync' });
    const cols = FEATURES.map((c) => df.column(c).values as number[]);
    const late = df.column('Late').values as boolean[];
    parts.push({ X: late.map((_, r) => cols.map((c) => c[r])), y: late.map((v) => (v ? 1 : 0)) });
  }
  const want = referenceSgd(parts, 2);

  const rec = recording();
  const res = await incrementalFit(sgdClassifier(OPTS), ddf, { features: FEATURES, target: 'Late', epochs: 2, scheduler: rec });
  t.same(
    res.steps.map((s) => [s.epoch, s.partition, s.rows]),
    [0, 1].flatMap((e) => parts.map((p, i) => [e, i, p.X.length])),
    'steps follow the partitions in order, each training on that partition rows',
  );
  // The first graphs find the scaler; then one graph per step, naming only its partition.
  const stepGraphs = rec.graphs.slice(-res.steps.length);
  stepGraphs.forEach((g, s) => {
    const indices = new Set([...g.keys()].filter((k) => k.includes('#')).map((k) => k.slice(k.lastIndexOf('#') + 1)));
    t.same([...indices], [String(res.steps[s].partition)], `step ${s} reads partition ${res.steps[s].partition} only`);
  });
  res.model.weights.forEach((w, j) => t.ok(Math.abs(w - want.w[j]) <= 1e-9 * Math.max(1, Math.abs(want.w[j])), `weight ${j}: ${w} vs ${want.w[j]}`));
  t.ok(Math.abs(res.model.bias - want.b) <= 1e-9, `bias ${res.model.bias} vs ${want.b}`);
  t.equal(res.model.rowsSeen, 2 * parts.reduce((a, p) => a + p.X.length, 0));

  // Same model on a thread pool; DepDelay makes late arrival predictable.
  const threaded = await incrementalFit(sgdClassifier(OPTS), ddf, { features: FEATURES, target: 'Late', epochs: 2, scheduler: 'threads' });
  t.same(threaded.model.weights, res.model.weights);
  const [whole] = await compute(ddf, { scheduler: 'sync' });
  const data = encodeFrame(whole, res.spec);
  t.ok(accuracy(data.y, sgdPredict(res.model, data)) > 0.8, 'it learned something');
});

t.test('incrementalFit input errors', async (t) => {
  const { dir, cleanup } = flightsDir(50, [1990, 1990]);
  t.teardown(cleanup);
  const ddf = delayedFrame(dir);
  await t.rejects(incrementalFit(sgdClassifier(), ddf, { features: ['Nope'], target: 'Late', scheduler: 'sync' }), /column 'Nope' is not in the frame/);
  await t.rejects(
    incrementalFit(sgdClassifier(), ddf, { features: ['Month'], target: 'Late', epochs: 0, scheduler: 'sync' }),
    /epochs must be a positive integer/,
  );
  t.throws(() => sgdClassifier({ batchSize: 0 }), /batchSize must be a positive integer/);
});
