/**
 * gridSearch runs every (parameter set x fold) fit as a task, on any scheduler, with the same
 * scores as a plain sequential loop written here over ml-random-forest directly.
 */
import t, { type Test } from 'tap';
import { RandomForestClassifier } from 'ml-random-forest';
import { Client, LocalCluster } from '../../src/index.js';
import { DataNode, KeyRef, Task, type Graph } from '../../src/core/graph.js';
import type { Scheduler } from '../../src/core/scheduler.js';
import { getScheduler } from '../../src/core/scheduler-registry.js';
import {
  gridSearch,
  randomForestClassifier,
  stratifiedKFold,
  parallelBackend,
  currentBackend,
  type Dataset,
  type GridSearchResult,
} from '../../src/ml/index.js';
import { flightsDataset, flightsDir } from './flights-data.js';

// Small trees on few rows: ml-cart is slow, and the test checks equality, not accuracy.
const GRID = { maxDepth: [2, 3, 5], maxFeatures: [0.5, 0.8], nEstimators: [1, 3], seed: [17] };
const CV = { nSplits: 3, seed: 11 };

/** The reference: every fit in a plain loop, parameter sets in ParameterGrid order (sorted keys, last fastest). */
function sequential(data: Dataset): Array<{ params: Record<string, number>; scores: number[] }> {
  const rows = (idx: Int32Array) => Array.from(idx, (r) => Array.from(data.X.subarray(r * data.nCols, (r + 1) * data.nCols)));
  const labels = (idx: Int32Array) => Array.from(idx, (r) => data.y[r]);
  const folds = stratifiedKFold(data.y, CV);
  const out: Array<{ params: Record<string, number>; scores: number[] }> = [];
  for (const maxDepth of GRID.maxDepth)
    for (const maxFeatures of GRID.maxFeatures)
      for (const nEstimators of GRID.nEstimators) {
        const scores = folds.map(({ train, test }) => {
          const rf = new RandomForestClassifier({ nEstimators, maxFeatures, seed: 17, noOOB: true, treeOptions: { maxDepth } });
          rf.train(rows(train), labels(train));
          const pred = rf.predict(rows(test));
          const truth = labels(test);
          return pred.filter((p, i) => p === truth[i]).length / truth.length;
        });
        out.push({ params: { maxDepth, maxFeatures, nEstimators, seed: 17 }, scores });
      }
  return out;
}

function checkAgainst(t: Test, got: GridSearchResult, want: ReturnType<typeof sequential>, data: Dataset): void {
  t.equal(got.cvResults.length, 12);
  t.equal(got.nSplits, 3);
  got.cvResults.forEach((r, i) => {
    t.same(r.params, want[i].params, `parameter set ${i}`);
    t.same(r.splitTestScores, want[i].scores, `fold scores of set ${i}`);
    const mean = (want[i].scores[0] + want[i].scores[1] + want[i].scores[2]) / 3;
    t.equal(r.meanTestScore, mean);
    t.equal(r.stdTestScore, Math.sqrt(want[i].scores.reduce((a, s) => a + (s - mean) ** 2, 0) / 3));
  });
  const means = want.map((w) => w.scores.reduce((a, b) => a + b, 0) / 3);
  const best = means.indexOf(Math.max(...means));
  t.equal(got.bestIndex, best);
  t.same(got.bestParams, want[best].params);
  // The refitted model is the best parameter set trained on all rows.
  const p = want[best].params;
  const all = Array.from({ length: data.nRows }, (_, r) => Array.from(data.X.subarray(r * data.nCols, (r + 1) * data.nCols)));
  const rf = new RandomForestClassifier({
    nEstimators: p.nEstimators,
    maxFeatures: p.maxFeatures,
    seed: 17,
    noOOB: true,
    treeOptions: { maxDepth: p.maxDepth },
  });
  rf.train(all, Array.from(data.y));
  t.same(got.bestEstimator?.predict(all.slice(0, 200)), rf.predict(all.slice(0, 200)));
}

/** A scheduler that records the graphs it runs, running them on sync. */
function recording(): Scheduler & { graphs: Graph[] } {
  const sync = getScheduler('sync');
  const graphs: Graph[] = [];
  return { name: 'recording', graphs, run: (g, k, o) => (graphs.push(g), sync.run(g, k, o)), persist: (c, o) => sync.persist(c, o) };
}

t.test('grid search over 12 parameter sets x 3 folds: same scores on every scheduler as a sequential loop', async (t) => {
  const { dir, cleanup } = flightsDir(130, [1990, 1991]);
  t.teardown(cleanup);
  const data = await flightsDataset(dir);
  t.ok(data.nRows > 200, `${data.nRows} rows`);
  const want = sequential(data);
  const run = (scheduler?: Parameters<typeof gridSearch>[0]['scheduler']) =>
    gridSearch({ estimator: randomForestClassifier, paramGrid: GRID, data, cv: CV, scoring: 'accuracy', ...(scheduler ? { scheduler } : {}) });

  for (const name of ['threads', 'processes'] as const) {
    await t.test(name, async (t) => checkAgainst(t, await run(name), want, data));
  }

  await t.test('sync: the data is one graph input every fit task reads by key', async (t) => {
    const rec = recording();
    checkAgainst(t, await run(rec), want, data);
    const [graph] = rec.graphs;
    const holders = [...graph.values()].filter((n) => n instanceof DataNode && (n.value as Partial<Dataset>)?.X instanceof Float64Array);
    t.equal(holders.length, 1, 'one node holds the training data');
    const fits = [...graph.values()].filter((n): n is Task => n instanceof Task);
    t.equal(fits.length, 36, 'one task per (parameter set, fold)');
    for (const f of fits) {
      t.ok(f.args[2] instanceof KeyRef && f.args[3] instanceof KeyRef, 'data and folds are key references');
      t.notOk(
        f.args.some((a) => a instanceof Float64Array || (a as Partial<Dataset>)?.X !== undefined),
        'no task carries the data',
      );
    }
  });

  await t.test('LocalCluster of 2 workers, through parallelBackend', async (t) => {
    const cluster = await LocalCluster.start({ nWorkers: 2, threadsPerWorker: 1, dashboardAddress: null });
    t.teardown(() => cluster.close());
    const client = await Client.connect(cluster, { setAsDefault: false });
    t.teardown(() => client.close());
    const state = cluster.scheduler.state;
    const searches = 2;
    for (let i = 0; i < searches; i++) {
      const ran = state.stream.length;
      const moved = state.eventLog.bytesTransferred;
      const got = await parallelBackend(client, async () => {
        t.equal(currentBackend(), client, 'user code sees the backend');
        return run();
      });
      checkAgainst(t, got, want, data);
      // Issue #18: the broadcast copies are what the fits read; no worker copies the data (or
      // a per-search copy task's result) from a peer, which stalled behind the peer's fits.
      t.equal(state.eventLog.bytesTransferred - moved, 0, `search ${i}: no data moved between workers`);
      const runs = state.stream.slice(ran);
      t.same([...new Set(runs.map((e) => e.group))], ['fitAndScore'], `search ${i}: only fit tasks ran on the workers`);
      t.equal(runs.length, 36, `search ${i}: 36 fits`);
      t.equal(new Set(runs.map((e) => e.worker)).size, 2, `search ${i}: the fits ran on both workers`);
    }
    t.equal(currentBackend('sync'), 'sync', 'an explicit scheduler wins');
  });
});

t.test('bad input names what is wrong', async (t) => {
  const data: Dataset = { X: new Float64Array(8), y: Float64Array.from([0, 1, 0, 1]), nRows: 4, nCols: 2 };
  await t.rejects(
    gridSearch({ estimator: randomForestClassifier, paramGrid: { maxDepth: [] }, data, cv: 2 }),
    /paramGrid\.maxDepth: expected a non-empty array/,
  );
  await t.rejects(gridSearch({ estimator: randomForestClassifier, paramGrid: { maxDepth: [2] }, data, cv: 9 }), /nSplits=9 is more than the 4 samples/);
  await t.rejects(
    gridSearch({ estimator: randomForestClassifier, paramGrid: { maxDepth: [2] }, data, cv: 2, scoring: 'auc' as 'f1' }),
    /unknown scoring "auc"/,
  );
  await t.rejects(
    gridSearch({ estimator: randomForestClassifier, paramGrid: { maxDepth: ['deep'] }, data, cv: 2, scheduler: 'sync' }),
    /randomForestClassifier: parameter 'maxDepth' must be a finite number, got "deep"/,
  );
});
