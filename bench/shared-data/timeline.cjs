// Where a warm threads compute of bench/shared-data's program spends its wall time: every task
// records its own start and end on its thread. Per compute (the first, cold, is skipped):
//   head  compute() called -> first task starts (main-thread work before any task: e.g. a memcmp)
//   tail  last task ends -> compute() returns (main-thread work after them: the end memcmp)
//   gaps  idle time between consecutive tasks of one thread, summed over threads
//   imb   how much earlier one thread ran out of work than the other
//   task  mean task duration
// Usage: node bench/shared-data/timeline.cjs [dist dir=../../dist] [sab] [computes=5]
const { join, resolve } = require('node:path');
const dist = resolve(__dirname, process.argv[2] && process.argv[2] !== 'sab' ? process.argv[2] : '../../dist');
const sab = process.argv.includes('sab');
const COMPUTES = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 5);
const { compute, delayed, shutdownSchedulers } = require(join(dist, 'index.js'));
const N = 40_000_000;
const TASKS = 20;
const WORKERS = 2;

function calc(x, _i) {
  const t0 = performance.now();
  let s = 0;
  for (let k = 0; k < x.length; k++) s += x[k];
  // performance.now() of a worker thread counts from its own start: shift to the epoch.
  return [s / x.length, performance.timeOrigin + t0, performance.timeOrigin + performance.now(), require('node:worker_threads').threadId];
}

(async () => {
  const x0 = sab ? new Float64Array(new SharedArrayBuffer(N * 8)) : new Float64Array(N);
  for (let i = 0; i < N; i++) x0[i] = Math.random() - 0.5;
  const x = delayed(x0, { name: 'x' });
  const now = () => performance.timeOrigin + performance.now();
  for (let r = 0; r < COMPUTES; r++) {
    const out = Array.from({ length: TASKS }, (_, i) => delayed(calc, { name: 'calc' })(x, i));
    const t0 = now();
    const [res] = await compute(out, { scheduler: 'threads', numWorkers: WORKERS });
    const t1 = now();
    if (r === 0) continue;
    const byThread = new Map();
    for (const [, a, b, tid] of res) byThread.set(tid, [...(byThread.get(tid) ?? []), [a, b]]);
    let first = Infinity;
    let last = 0;
    let gaps = 0;
    let busy = 0;
    const ends = [];
    for (const l of byThread.values()) {
      l.sort((p, q) => p[0] - q[0]);
      first = Math.min(first, l[0][0]);
      last = Math.max(last, l[l.length - 1][1]);
      ends.push(l[l.length - 1][1]);
      for (let i = 0; i < l.length; i++) {
        busy += l[i][1] - l[i][0];
        if (i > 0) gaps += l[i][0] - l[i - 1][1];
      }
    }
    const f = (v) => v.toFixed(1).padStart(7);
    const load = require('node:os').loadavg()[0].toFixed(2);
    console.log(
      `compute ${r + 1}${sab ? ' (sab)' : ''}: total${f(t1 - t0)} ms  head${f(first - t0)}  tail${f(t1 - last)}  gaps${f(gaps)}  imb${f(Math.max(...ends) - Math.min(...ends))}  task${f(busy / TASKS)}  load ${load}`,
    );
  }
  await shutdownSchedulers();
})();
