/**
 * DataFrame graphs on a real local cluster (scheduler + worker processes): reading CSV blocks
 * on workers, element-wise ops, reductions and exact quantiles give the same answers as sync.
 */
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateFlights } from '../../examples/data/generate.js';
import * as dd from '../../src/dataframe/index.js';
import { Client, compute, LocalCluster } from '../../src/index.js';

t.test('flights queries on a LocalCluster of 2 workers equal the sync answers', async (t) => {
  const tmp = mkdtempSync(join(tmpdir(), 'tsdask-dist-'));
  t.teardown(() => rmSync(tmp, { recursive: true, force: true }));
  const dir = join(tmp, 'nycflights');
  generateFlights(dir, { rowsPerFile: 1500, years: [1990, 1993], seed: 5 });
  const ddf = dd.readCsv(join(dir, '*.csv'), { parseDates: { Date: [0, 1, 2] }, dtype: { CRSElapsedTime: 'float64', TailNum: 'string' } });
  const lazy = {
    n: ddf.lengthLazy(),
    max: ddf.col('DepDelay').max(),
    below: ddf.loc(ddf.col('ArrTime').lt(ddf.col('ArrTime').mean())).lengthLazy(),
    counts: ddf.count(),
    describe: ddf.select(['DepDelay', 'Distance']).describe(),
    median: ddf.col('ArrDelay').median(),
    years: ddf.col('Date').dt.year().nunique(),
  };
  const [want] = await compute(lazy, { scheduler: 'sync' });
  const cluster = await LocalCluster.start({ nWorkers: 2, threadsPerWorker: 1, dashboardAddress: null });
  t.teardown(() => cluster.close());
  const client = await Client.connect(cluster, { setAsDefault: false });
  t.teardown(() => client.close());
  const [got] = await compute(lazy, { scheduler: client });
  t.equal(got.n, 6000);
  t.equal(got.n, want.n);
  t.equal(got.max, want.max);
  t.equal(got.below, want.below);
  t.same(got.counts.values, want.counts.values);
  t.same(got.describe.values, want.describe.values);
  t.equal(got.median, want.median);
  t.equal(got.years, 4);
});
