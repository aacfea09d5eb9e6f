// bench/array: the seed's array workload, da.random.normal(0, 1, size, chunks=(rows/16, cols))
// then mean(axis=1), computed by tsdask and by Dask in the same run, on the same shape and chunks.
// Usage: node bench/array/run.mjs [--rows 8000] [--cols 8000] [--chunk-rows 500] [--repeat 3]
//                                 [--workers 2] [--schedulers threads,sync]
// Needs the build (npm run build) and, for the peer, /usr/bin/python3 with python3-dask.
import { loadavg } from 'node:os';
import * as da from '../../esm/array.mjs';
import { shutdownSchedulers } from '../../esm/index.mjs';
import { fmt, hasPython, runPython, table } from '../lib/peer.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const ROWS = Number(arg('rows', 8000));
const COLS = Number(arg('cols', 8000));
const CHUNK_ROWS = Number(arg('chunk-rows', 500));
const REPEAT = Number(arg('repeat', 3));
const WORKERS = Number(arg('workers', 2));
const schedulers = arg('schedulers', 'threads,sync').split(',');

const values = ROWS * COLS;
console.log(
  `random.normal ${ROWS} x ${COLS} (${((values * 8) / 1e6).toFixed(0)} MB), chunks (${CHUNK_ROWS}, ${COLS}) ` +
    `= ${Math.ceil(ROWS / CHUNK_ROWS)} blocks, then mean(axis=1); ${WORKERS} workers, best of ${REPEAT}`,
);

const ours = {};
for (const s of schedulers) {
  let best = Infinity;
  for (let r = 0; r <= REPEAT; r++) {
    const x = da.random.normal(0, 1, { size: [ROWS, COLS], chunks: [CHUNK_ROWS, COLS] });
    const t0 = performance.now();
    const rs = await da.mean(x, { axis: 1 }).compute({ scheduler: s, numWorkers: WORKERS });
    const dt = (performance.now() - t0) / 1000;
    const m = rs.data.reduce((a, b) => a + b, 0) / ROWS;
    if (rs.shape[0] !== ROWS || !(Math.abs(m) < 0.01)) throw new Error(`${s}: wrong result (shape ${rs.shape}, mean of means ${m})`);
    if (r > 0 || s === 'sync') best = Math.min(best, dt); // the first run on a pool starts its workers
  }
  ours[s] = best;
}
await shutdownSchedulers();

let dask;
if (hasPython(['dask.array', 'numpy'])) {
  dask = runPython(new URL('./dask_mean.py', import.meta.url).pathname, [ROWS, COLS, CHUNK_ROWS, REPEAT, WORKERS, schedulers.join(',')]);
} else {
  console.log('(Dask peer skipped: /usr/bin/python3 with python3-dask not found; apt-get install -y python3-dask)');
}

const rows = schedulers.map((s) => {
  const peer = dask?.schedulers?.[s];
  const ratio = peer ? ours[s] / peer : undefined;
  return [s, fmt(ours[s]), fmt(peer), fmt(ratio), fmt(values / ours[s] / 1e6, 0), fmt(peer ? values / peer / 1e6 : undefined, 0)];
});
table(['scheduler', 'tsdask s', `dask ${dask?.dask ?? ''} s`.trim(), 'tsdask/dask', 'tsdask Mvalues/s', 'dask Mvalues/s'], rows);
console.log(
  `(ratio < 1: tsdask faster; load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}: other work on the machine skews both sides)`,
);
