// bench/ml: the seed homework's grid search (random forest, 12 parameter sets x 3 folds) on a
// LocalCluster of 2 workers vs the same fits one after the other in this process, side by side
// with scikit-learn's GridSearchCV under joblib's dask backend (LocalCluster of 2 workers) vs
// n_jobs=1, on the same rows. Runs are interleaved (sequential, cluster, sequential, ...) so a
// machine loaded by other work skews both alike.
// Usage: node bench/ml/run.mjs [--rows-per-file 1500] [--repeat 2] [--skip-peer] [--timeline]
//        node bench/ml/run.mjs --incremental [--rows-per-file 400000] [--years 1990-1999] [--limit 600MB] [--blocksize 8MB]
// Needs the build (npm run build); the peer needs /usr/bin/python3 with python3-sklearn and python3-distributed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as dd from '../../esm/dataframe.mjs';
import { generateFlights } from '../../esm/datasets.mjs';
import { Client, LocalCluster } from '../../esm/index.mjs';
import { gridSearch, incrementalFit, randomForestClassifier, sgdClassifier, toFeatureMatrix } from '../../esm/ml.mjs';
import { fmt, hasPython, runPython, table } from '../lib/peer.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const has = (name) => process.argv.includes(`--${name}`);
const FEATURES = ['Month', 'DayOfWeek', 'CRSDepTime', 'Distance', 'DepDelay', 'UniqueCarrier', 'Origin'];
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

// usecols: the model needs 8 of the 29 columns, so the others are never parsed.
function frame(dir, blocksize, usecols) {
  const ddf = dd
    .readCsv(join(dir, '*.csv'), {
      dtype: { CRSElapsedTime: 'float64', TailNum: 'string' },
      ...(blocksize ? { blocksize } : {}),
      ...(usecols ? { usecols } : {}),
    })
    .dropna({ subset: ['ArrDelay'] });
  return ddf.assign({ Late: ddf.col('ArrDelay').gt(15) });
}

// Where a cluster round's time went (issue #18): per worker, the tasks it ran, their CPU-bound
// time and when the first started / the last stopped; and every peer copy (ms from the round's start).
function timeline(runs, transfers, wall0) {
  const byWorker = new Map();
  for (const e of runs) byWorker.set(e.worker, [...(byWorker.get(e.worker) ?? []), e]);
  for (const [w, es] of byWorker) {
    const busy = es.reduce((a, e) => a + e.stop - e.start, 0);
    const first = Math.min(...es.map((e) => e.start)) - wall0;
    const last = Math.max(...es.map((e) => e.stop)) - wall0;
    const groups = [...new Set(es.map((e) => e.group))].join(',');
    console.log(`  ${w}: ${es.length} tasks (${groups}), busy ${busy} ms, first start ${first} ms, last stop ${last} ms`);
  }
  for (const x of transfers) console.log(`  peer copy to ${x.worker}: ${x.nbytes} bytes, ${x.start - wall0} -> ${x.time - wall0} ms`);
}

async function gridBench() {
  const rowsPerFile = Number(arg('rows-per-file', 400));
  const repeat = Number(arg('repeat', 2));
  const tmp = mkdtempSync(join(tmpdir(), 'tsdask-bench-ml-'));
  try {
    generateFlights(tmp, { rowsPerFile, years: [1990, 1991], seed: 3 });
    const { data } = await toFeatureMatrix(frame(tmp), { features: FEATURES, target: 'Late' }, { scheduler: 'sync' });
    const grid = { maxDepth: [3, 6, 9], maxFeatures: [0.5, 0.8], nEstimators: [3, 6], seed: [17] };
    const search = (scheduler) =>
      gridSearch({ estimator: randomForestClassifier, paramGrid: grid, data, cv: { nSplits: 3, seed: 11 }, refit: false, scheduler });
    console.log(`grid search: random forest, 12 parameter sets x 3 folds = 36 fits on ${data.nRows} rows x ${data.nCols} features; load average ${load()}`);
    const cluster = await LocalCluster.start({ nWorkers: 2, threadsPerWorker: 1, dashboardAddress: null });
    const client = await Client.connect(cluster, { setAsDefault: false });
    await search(client); // warm-up: workers load the modules
    const state = cluster.scheduler.state;
    const seq = [];
    const par = [];
    let want;
    for (let r = 0; r < repeat; r++) {
      let t0 = performance.now();
      const a = await search('sync');
      seq.push((performance.now() - t0) / 1000);
      const ran = state.stream.length;
      const moved = state.eventLog.transfers.length;
      const wall0 = Date.now();
      t0 = performance.now();
      const b = await search(client);
      par.push((performance.now() - t0) / 1000);
      if (has('timeline')) timeline(state.stream.slice(ran), state.eventLog.transfers.slice(moved), wall0);
      want ??= JSON.stringify(a.cvResults.map((c) => c.splitTestScores));
      if (JSON.stringify(b.cvResults.map((c) => c.splitTestScores)) !== want) throw new Error('cluster scores differ from sequential scores');
    }
    await client.close();
    await cluster.close();
    const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const ours = { seq: med(seq), par: med(par) };
    console.log(`tsdask: sequential ${fmt(ours.seq)} s, LocalCluster(2) ${fmt(ours.par)} s, speedup ${fmt(ours.seq / ours.par)}x`);
    let peer;
    if (!has('skip-peer') && hasPython(['sklearn', 'distributed', 'joblib'])) {
      const file = join(tmp, 'xy.json');
      writeFileSync(file, JSON.stringify({ X: Array.from(data.X), y: Array.from(data.y), nCols: data.nCols }));
      peer = runPython(new URL('./sklearn_grid.py', import.meta.url).pathname, [file, repeat]);
    } else console.log('(scikit-learn peer skipped: needs /usr/bin/python3 with python3-sklearn and python3-distributed)');
    table(
      ['', 'sequential s', 'LocalCluster(2) s', 'speedup'],
      [
        ['tsdask (mljs random forest)', fmt(ours.seq), fmt(ours.par), fmt(ours.seq / ours.par)],
        [`scikit-learn ${peer?.sklearn ?? ''} + joblib dask`.trim(), fmt(peer?.seq), fmt(peer?.par), fmt(peer ? peer.seq / peer.par : undefined)],
      ],
    );
    console.log(`runs (s): tsdask sequential ${seq.map((x) => fmt(x)).join(' ')}, cluster ${par.map((x) => fmt(x)).join(' ')}; load average now ${load()}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function incrementalBench() {
  const rowsPerFile = Number(arg('rows-per-file', 400_000));
  const [y0, y1] = arg('years', '1990-1999').split('-').map(Number);
  const limit = arg('limit', '600MB');
  const tmp = mkdtempSync(join(tmpdir(), 'tsdask-bench-ml-inc-'));
  try {
    const t0 = performance.now();
    const files = generateFlights(tmp, { rowsPerFile, years: [y0, y1], seed: 3 });
    console.log(`generated ${(files.bytes / 1e9).toFixed(2)} GB of flights CSV in ${((performance.now() - t0) / 1000).toFixed(0)} s; load average ${load()}`);
    const cluster = await LocalCluster.start({ nWorkers: 2, threadsPerWorker: 1, memoryLimit: limit, dashboardAddress: null });
    const client = await Client.connect(cluster, { setAsDefault: false });
    const peak = new Map();
    const names = new Set();
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const info = await client.schedulerInfo();
        for (const w of info.workerList) {
          names.add(w.address);
          if (w.memory) peak.set(w.name, Math.max(peak.get(w.name) ?? 0, w.memory.rss));
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    const t1 = performance.now();
    // A parsed partition takes ~10x its CSV bytes (measured: a 31 MB block of 391k rows, 8 columns, ~300 MB of
    // RSS), and a step holds it with its copies (dropna, assign, the feature matrix): 8MB blocks fit 600MB workers.
    const ddf = frame(tmp, arg('blocksize', '8MB'), [...FEATURES, 'ArrDelay']);
    const res = await incrementalFit(sgdClassifier({ batchSize: 512 }), ddf, {
      features: FEATURES,
      target: 'Late',
      epochs: 1,
      scheduler: client,
      onStep: (s) => s.partition % 10 === 0 && console.log(`  partition ${s.partition}/${ddf.npartitions}: ${s.rows} rows`),
    });
    const secs = (performance.now() - t1) / 1000;
    sampling = false;
    await sampler;
    const info = await client.schedulerInfo();
    const limitBytes = info.workerList[0]?.memoryLimit ?? 0;
    console.log(`incrementalFit: ${res.steps.length} partitions, ${res.model.rowsSeen} rows in ${secs.toFixed(0)} s on 2 workers of ${limit}`);
    for (const [name, rss] of peak) console.log(`  worker ${name}: peak process memory ${(rss / 1e6).toFixed(0)} MB of ${(limitBytes / 1e6).toFixed(0)} MB`);
    console.log(`  worker addresses seen: ${names.size} (2 means no worker was restarted); load average ${load()}`);
    await client.close();
    await cluster.close();
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

await (has('incremental') ? incrementalBench() : gridBench());
