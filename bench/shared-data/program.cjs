// The seed's §6.4 program on one tsdask scheduler: a 320 MB Float64Array of normal draws
// delayed once, 20 tasks each taking its mean. Prints {cold, warm} compute times (seconds) as
// JSON: cold is the first compute (pools start, shared copies are made), warm the best of the
// next two, times all three. Usage: node program.cjs <sync|threads|processes|distributed> <workers> [sab]
// With `sab` the user's array is built in shared memory (a SharedArrayBuffer): the threads
// scheduler then uses it as it is, with no copy and no comparison against the original.
const { Client, LocalCluster, compute, delayed, shutdownSchedulers } = require('../../dist/index.js');

const [scheduler, workersArg, memory] = process.argv.slice(2);
const WORKERS = Number(workersArg);
const N = 40_000_000;
const TASKS = 20;

function calc(x, _i) {
  let s = 0;
  for (let k = 0; k < x.length; k++) s += x[k];
  return s / x.length;
}

function normals(n) {
  const x = memory === 'sab' ? new Float64Array(new SharedArrayBuffer(n * 8)) : new Float64Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - Math.random()));
    const a = 2 * Math.PI * Math.random();
    x[i] = r * Math.cos(a);
    if (i + 1 < n) x[i + 1] = r * Math.sin(a);
  }
  return x;
}

async function main() {
  const x = delayed(normals(N), { name: 'x' }); // here we delay the data
  let cluster;
  let target = scheduler;
  if (scheduler === 'distributed') {
    cluster = await LocalCluster.start({ nWorkers: WORKERS, threadsPerWorker: 1, memoryLimit: 0, dashboardAddress: null });
    target = await Client.connect(cluster, { setAsDefault: false });
  }
  const times = [];
  for (let r = 0; r < 3; r++) {
    const out = Array.from({ length: TASKS }, (_, i) => delayed(calc, { name: 'calc' })(x, i));
    const t0 = performance.now();
    const [means] = await compute(out, { scheduler: target, numWorkers: WORKERS });
    times.push((performance.now() - t0) / 1000);
    if (means.length !== TASKS || means.some((m) => !(Math.abs(m) < 0.01))) throw new Error(`implausible means ${means}`);
  }
  if (cluster !== undefined) {
    await target.close();
    await cluster.close();
  }
  await shutdownSchedulers();
  console.log(JSON.stringify({ cold: times[0], warm: Math.min(times[1], times[2]), times }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
