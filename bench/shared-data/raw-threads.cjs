// The machine's ceiling for bench/shared-data's threads row: plain worker_threads (no tsdask),
// each taking TASKS/threads means of one SharedArrayBuffer view of 40M float64s, so the only
// costs are the loop itself and memory bandwidth shared by the threads. Also times the two
// whole-input passes the threads scheduler may add per compute (a memcmp of the input against
// its shared copy, and the first copy into shared memory).
// Usage: node bench/shared-data/raw-threads.cjs [threads=2] [rounds=3]
const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');

const N = 40_000_000;
const TASKS = 20;

function calc(x) {
  let s = 0;
  for (let k = 0; k < x.length; k++) s += x[k];
  return s / x.length;
}

if (!isMainThread) {
  const x = new Float64Array(workerData.sab);
  parentPort.on('message', (n) => {
    const t0 = performance.now();
    let m = 0;
    for (let i = 0; i < n; i++) m += calc(x);
    parentPort.postMessage({ m, ms: performance.now() - t0 });
  });
} else {
  const threads = Number(process.argv[2] ?? 2);
  const rounds = Number(process.argv[3] ?? 3);
  const plain = new Float64Array(N);
  for (let i = 0; i < N; i++) plain[i] = Math.random() - 0.5;
  let t = performance.now();
  const sab = new SharedArrayBuffer(N * 8);
  const x = new Float64Array(sab);
  x.set(plain);
  const copyS = (performance.now() - t) / 1000;
  t = performance.now();
  const same = Buffer.from(plain.buffer).equals(Buffer.from(sab));
  const memcmpS = (performance.now() - t) / 1000;
  if (!same) throw new Error('copy differs');
  const workers = Array.from({ length: threads }, () => new Worker(__filename, { workerData: { sab } }));
  const run = (w, n) => new Promise((res) => (w.once('message', res), w.postMessage(n)));
  (async () => {
    const syncTimes = [];
    const parTimes = [];
    for (let r = 0; r < rounds; r++) {
      t = performance.now();
      for (let i = 0; i < TASKS; i++) calc(x);
      syncTimes.push((performance.now() - t) / 1000);
      t = performance.now();
      await Promise.all(workers.map((w) => run(w, TASKS / threads)));
      parTimes.push((performance.now() - t) / 1000);
    }
    for (const w of workers) await w.terminate();
    const sync = Math.min(...syncTimes);
    const par = Math.min(...parTimes);
    console.log(
      JSON.stringify({ threads, sync, parallel: par, ideal: sync / threads, overIdealPct: Math.round((100 * par * threads) / sync - 100), copyS, memcmpS }),
    );
  })();
}
