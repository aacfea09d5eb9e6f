// bench/cpu-scaling: TASKS tasks each burning ~MS ms of CPU (the seed's calc_mean), run by the
// sync scheduler and by threads and processes with WORKERS workers, tsdask and Dask side by side.
// Usage: node bench/cpu-scaling/run.mjs [--tasks 8] [--workers 2] [--ms 250] [--repeat 3]
import { availableParallelism } from 'node:os';
import { compute, delayed, shutdownSchedulers } from '../../esm/index.mjs';
import { fmt, hasPython, runPython, table } from '../lib/peer.mjs';
import { calcMean } from './funcs.cjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const TASKS = arg('tasks', 8);
const WORKERS = arg('workers', 2);
const MS = arg('ms', 250);
const REPEAT = arg('repeat', 3);

// n such that one call takes about MS milliseconds on this machine.
function calibrate() {
  calcMean(0, 1_000_000); // JIT first
  let n = 100_000;
  for (;;) {
    const t0 = performance.now();
    calcMean(0, n);
    const dt = performance.now() - t0;
    if (dt > 50) break;
    n *= 4;
  }
  // Scale to MS using the best of three timings, so one noisy moment does not skew n.
  n = Math.max(1, Math.round((n * MS) / bestOf3(n)));
  return Math.max(1, Math.round((n * MS) / bestOf3(n)));
}

function bestOf3(n) {
  let best = Infinity;
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    calcMean(r, n);
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

async function timed(n, scheduler) {
  const tasks = Array.from({ length: TASKS }, (_, i) => delayed(calcMean, { pure: false })(i, n));
  const t0 = performance.now();
  const [results] = await compute(tasks, { scheduler, numWorkers: WORKERS });
  const dt = (performance.now() - t0) / 1000;
  if (results.length !== TASKS || results.some(([m, sd]) => !(Math.abs(m) < 0.1 && Math.abs(sd - 1) < 0.1))) {
    throw new Error(`${scheduler}: implausible results ${JSON.stringify(results)}`);
  }
  return dt;
}

const n = calibrate();
const ours = { n, sync: Infinity, threads: Infinity, processes: Infinity };
const SCHEDULERS = ['sync', 'threads', 'processes'];
for (const s of SCHEDULERS) await timed(Math.max(1, Math.floor(n / 100)), s); // start pools, warm the JIT
// Interleaved, so a noisy moment on the machine hits every scheduler alike.
for (let r = 0; r < REPEAT; r++) for (const s of SCHEDULERS) ours[s] = Math.min(ours[s], await timed(n, s));
await shutdownSchedulers();

let dask;
if (hasPython(['dask', 'numpy'])) dask = runPython(new URL('./dask_cpu.py', import.meta.url).pathname, [TASKS, WORKERS, MS, REPEAT]);
else console.log('(Dask not found: apt-get install -y python3-dask python3-numpy to compare)');

console.log(
  `\nbench/cpu-scaling: ${TASKS} tasks x ~${MS} ms CPU, ${WORKERS} workers, ${availableParallelism()} cores; seconds (best of ${REPEAT}) and speedup over sync\n`,
);
const rows = [];
for (const s of ['sync', 'threads', 'processes']) {
  const row = [s, fmt(ours[s]), fmt(ours.sync / ours[s]) + 'x'];
  for (const v of ['numpy', 'python']) {
    const d = dask?.[v];
    row.push(fmt(d?.[s]), d ? fmt(d.sync / d[s]) + 'x' : 'n/a');
  }
  row.push(fmt(dask ? ours[s] / dask.numpy[s] : NaN, 3));
  rows.push(row);
}
table(['scheduler', 'tsdask s', 'speedup', 'Dask numpy s', 'speedup', 'Dask pure-Python s', 'speedup', 'tsdask s / Dask numpy s'], rows);
console.log(JSON.stringify({ bench: 'cpu-scaling', tasks: TASKS, workers: WORKERS, ms: MS, tsdask: ours, dask }));
