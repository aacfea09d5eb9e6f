/**
 * The flights homework's machine-learning step (section E) in tsdask: will a flight arrive more
 * than 15 minutes late? Features come straight from a tsdask DataFrame (carrier and origin
 * encoded as categories), a random forest's parameters are searched with 3-fold cross-validation
 * where every (parameters x fold) fit is a task on a LocalCluster (joblib's parallel_backend('dask')
 * in the homework), and the refitted best model is scored on a held-out test set.
 *
 *   npx tsx examples/grid-search.ts                  # on a LocalCluster of 2 workers
 *   npx tsx examples/grid-search.ts --no-cluster     # on the threads scheduler
 * Options: --rows N per yearly file (default 2000)  --dir DIR (default: a folder in the temp dir)
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, LocalCluster, shutdownSchedulers } from 'tsdask';
import * as dd from 'tsdask/dataframe';
import { generateFlights } from 'tsdask/datasets';
import { classificationReport, gridSearch, parallelBackend, randomForestClassifier, toFeatureMatrix, toRows, trainTestSplit } from 'tsdask/ml';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const rows = Number(arg('rows', '2000'));
const dir = arg('dir', join(tmpdir(), `tsdask-flights-ml-${rows}`));

async function main(): Promise<void> {
  if (!existsSync(join(dir, '1990.csv'))) generateFlights(dir, { rowsPerFile: rows, years: [1990, 1991] });
  const raw = dd.readCsv(join(dir, '*.csv'), { dtype: { CRSElapsedTime: 'float64', TailNum: 'string' } }).dropna({ subset: ['ArrDelay'] });
  const flights = raw.assign({ Late: raw.col('ArrDelay').gt(15) });

  // ddf.select(features) as a matrix; text columns (UniqueCarrier, Origin) are encoded as categories.
  const { data, spec } = await toFeatureMatrix(flights, {
    features: ['Month', 'DayOfWeek', 'CRSDepTime', 'Distance', 'DepDelay', 'UniqueCarrier', 'Origin'],
    target: 'Late',
  });
  const { train, test } = trainTestSplit(data, { testSize: 0.25, seed: 42, stratify: true });
  console.log(`${data.nRows} flights, features ${spec.featureNames.join(', ')}; ${train.nRows} to train, ${test.nRows} to test`);

  const search = () =>
    gridSearch({
      estimator: randomForestClassifier,
      paramGrid: { maxDepth: [4, 8, 12], maxFeatures: [0.5, 0.8], nEstimators: [5, 10], seed: [42] },
      data: train,
      cv: { nSplits: 3, seed: 42 },
      scoring: 'f1',
    });
  let result;
  if (process.argv.includes('--no-cluster')) result = await search();
  else {
    const cluster = await LocalCluster.start({ nWorkers: 2, threadsPerWorker: 1, dashboardAddress: null });
    const client = await Client.connect(cluster);
    try {
      result = await parallelBackend(client, search);
    } finally {
      await client.close();
      await cluster.close();
    }
  }
  console.log('\nmean f1 (std) per parameter set, best first:');
  for (const r of [...result.cvResults].sort((a, b) => a.rankTestScore - b.rankTestScore)) {
    console.log(`  ${r.rankTestScore.toString().padStart(2)}  ${r.meanTestScore.toFixed(4)} (${r.stdTestScore.toFixed(4)})  ${JSON.stringify(r.params)}`);
  }
  console.log(`\nbest parameters ${JSON.stringify(result.bestParams)}, cross-validated f1 ${result.bestScore.toFixed(4)}`);
  const predicted = result.bestEstimator!.predict(toRows(test));
  console.log('\nheld-out test set:\n' + classificationReport(test.y, predicted, { targetNames: ['on time', 'late'] }).toString());
  await shutdownSchedulers();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
