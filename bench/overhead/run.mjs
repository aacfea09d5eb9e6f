// bench/overhead: per-task scheduling overhead. 20,000 `inc` tasks reduced pairwise by
// `add` (40,000 tasks), built and computed by tsdask and by Dask in the same run.
// Usage: node bench/overhead/run.mjs [--n 20000] [--repeat 5] [--schedulers sync,threads,processes]
import { compute, delayed, getScheduler, shutdownSchedulers } from '../../esm/index.mjs';
import { fmt, hasPython, runPython, table } from '../lib/peer.mjs';
import { add, inc } from './funcs.cjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const N = Number(arg('n', 20000));
const REPEAT = Number(arg('repeat', 5));
const wanted = arg('schedulers', 'sync,threads,processes').split(',');
const schedulers = wanted.filter((s) => {
  try {
    getScheduler(s);
    return true;
  } catch {
    console.log(`(tsdask scheduler '${s}' not available in this build; skipped)`);
    return false;
  }
});

function build() {
  let xs = Array.from({ length: N }, (_, i) => delayed(inc)(i));
  while (xs.length > 1) {
    const next = [];
    for (let i = 0; i < xs.length; i += 2) next.push(i + 1 < xs.length ? delayed(add)(xs[i], xs[i + 1]) : xs[i]);
    xs = next;
  }
  return xs[0];
}

const expected = (N * (N + 1)) / 2;
let buildBest = Infinity;
let total;
for (let r = 0; r < REPEAT; r++) {
  const t0 = performance.now();
  total = build();
  buildBest = Math.min(buildBest, performance.now() - t0);
}
const ntasks = Object.keys(total.graph()).length;
const ours = { build: (buildBest * 1000) / ntasks };
for (const s of schedulers) {
  await compute(total, { scheduler: s, numWorkers: 2 }); // warm pools and JIT
  let best = Infinity;
  for (let r = 0; r < REPEAT; r++) {
    const t0 = performance.now();
    const [v] = await compute(total, { scheduler: s, numWorkers: 2 });
    best = Math.min(best, performance.now() - t0);
    if (v !== expected) throw new Error(`${s}: wrong result ${v}, expected ${expected}`);
  }
  ours[s] = (best * 1000) / ntasks;
}
await shutdownSchedulers();

let dask;
if (hasPython(['dask'])) {
  dask = runPython(new URL('./dask_overhead.py', import.meta.url).pathname, [N, 3, schedulers.join(',')]);
} else {
  console.log('(Dask not found: apt-get install -y python3-dask to compare)');
}

console.log(`\nbench/overhead: ${ntasks} tasks (${N} inc + pairwise add), µs per task, best of ${REPEAT}\n`);
const rows = [['build graph (delayed calls)', fmt(ours.build), fmt(dask?.build_us), fmt(dask ? ours.build / dask.build_us : NaN, 3)]];
for (const s of schedulers)
  rows.push([`compute, ${s}${s === 'sync' ? '' : ' (2 workers)'}`, fmt(ours[s]), fmt(dask?.schedulers[s]), fmt(dask ? ours[s] / dask.schedulers[s] : NaN, 3)]);
table(['step', 'tsdask µs/task', 'Dask µs/task', 'tsdask/Dask'], rows);
console.log(JSON.stringify({ bench: 'overhead', ntasks, tsdask: ours, dask }));
