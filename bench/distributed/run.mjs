// bench/distributed: the distributed scheduler's per-task overhead against Dask's, same shapes,
// same machine, 2 worker processes x 1 thread:
//   graph: 20,000 `inc` reduced pairwise by `add` (40,000 tasks), computed through the Client
//   map:   client.map(inc, 20,000 inputs) + client.gather
// Also (flags): --million  a 1,000,000-task graph (submit time, run time, scheduler peak RSS)
//               --scaling 2,10,25,50  the map+gather and graph runs on that many worker processes
//                                     (scheduler CPU per task, µs per task)
// Usage: npm run build && node bench/distributed/run.mjs [--n 20000] [--repeat 3] [--skip-dask]
//        [--million] [--scaling 2,10,25,50]
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fmt, hasPython, runPython, table } from '../lib/peer.mjs';
import { buildGraph, timeMap } from './graph.mjs';

const require = createRequire(import.meta.url);
const { Client, LocalCluster, compute } = require('../../dist/index.js');

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const flag = (name) => process.argv.includes(`--${name}`);
const N = Number(arg('n', 20000));
const REPEAT = Number(arg('repeat', 3));

async function measureGraph(client, n, repeat) {
  const total = buildGraph(n);
  const ntasks = 2 * n - 1;
  await compute(total, { scheduler: client }); // warm up JIT and function tables
  let best = Infinity;
  for (let r = 0; r < repeat; r++) {
    const t0 = performance.now();
    const [v] = await compute(total, { scheduler: client });
    best = Math.min(best, performance.now() - t0);
    if (v !== (n * (n + 1)) / 2) throw new Error(`wrong result ${v}`);
  }
  return (best * 1000) / ntasks;
}

async function measureMap(client, n, repeat) {
  let best = Infinity;
  for (let r = -1; r < repeat; r++) {
    const dt = await timeMap(client, n, (r + 1) * n);
    if (r >= 0) best = Math.min(best, dt);
  }
  return (best * 1000) / n;
}

// ---------------------------------------------------------------- processes for the big runs

const CLI = new URL('../../dist/distributed/cli.js', import.meta.url).pathname;

function startProc(args) {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const waiters = [];
  const onData = (d) => {
    out += d.toString();
    for (const w of waiters.splice(0)) w();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const waitFor = async (re, ms = 120_000) => {
    const deadline = Date.now() + ms;
    for (;;) {
      const m = re.exec(out);
      if (m) return m;
      if (child.exitCode !== null) throw new Error(`process exited: ${out}`);
      if (Date.now() > deadline) throw new Error(`timeout waiting for ${re}: ${out}`);
      await new Promise((r) => {
        waiters.push(r);
        setTimeout(r, 200);
      });
    }
  };
  const stop = () =>
    new Promise((r) => {
      if (child.exitCode !== null) return r();
      child.on('exit', r);
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    });
  return { child, waitFor, stop };
}

function procStat(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(status)[1]) * 1024;
  const rss = Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) * 1024;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpu = (Number(f[11]) + Number(f[12])) / 100; // utime + stime, clock ticks of 10 ms
  return { hwm, rss, cpu };
}

async function separateCluster(nWorkers) {
  const sched = startProc(['scheduler', '--host', '127.0.0.1', '--port', '0', '--no-dashboard']);
  const address = (await sched.waitFor(/tsdask scheduler at (\S+)/))[1];
  const workers = startProc(['worker', address, '--nworkers', String(nWorkers), '--nthreads', '1', '--memory-limit', '0']);
  await workers.waitFor(/connected to tcp:\/\/\S+: /, 300_000);
  const client = await Client.connect(address, { setAsDefault: false });
  await client.waitForWorkers(nWorkers, 300_000);
  return {
    client,
    pid: sched.child.pid,
    close: async () => {
      await client.close();
      await workers.stop();
      await sched.stop();
    },
  };
}

// ---------------------------------------------------------------- main

const cluster = await LocalCluster.start({ nWorkers: 2, threadsPerWorker: 1, memoryLimit: 0, dashboardAddress: null });
const client = await Client.connect(cluster, { setAsDefault: false });
const ours = { graph: await measureGraph(client, N, REPEAT), map: await measureMap(client, N, REPEAT) };
await client.close();
await cluster.close();

let dask;
if (flag('skip-dask')) console.log('(Dask skipped)');
else if (hasPython(['dask', 'distributed']))
  dask = runPython(new URL('./dask_distributed.py', import.meta.url).pathname, [N, Math.min(REPEAT, 2)], { timeoutMs: 60 * 60_000 });
else console.log('(Dask distributed not found: apt-get install -y python3-dask python3-distributed to compare)');

console.log(`\nbench/distributed: µs per task, LocalCluster of 2 worker processes x 1 thread, best of ${REPEAT}`);
table(
  ['workload', 'tasks', 'tsdask µs/task', 'Dask µs/task', 'Dask / tsdask'],
  [
    ['graph: inc + pairwise add', 2 * N - 1, fmt(ours.graph, 1), dask ? fmt(dask.graph_us, 1) : 'n/a', dask ? fmt(dask.graph_us / ours.graph, 1) : 'n/a'],
    ['client.map(inc) + gather', N, fmt(ours.map, 1), dask ? fmt(dask.map_us, 1) : 'n/a', dask ? fmt(dask.map_us / ours.map, 1) : 'n/a'],
  ],
);

if (flag('million')) {
  const c = await separateCluster(2);
  const n = 500_000;
  const t0 = performance.now();
  const total = buildGraph(n);
  const buildMs = performance.now() - t0;
  const t1 = performance.now();
  const fut = c.client.compute(total);
  const submitMs = performance.now() - t1;
  const v = await fut;
  const runMs = performance.now() - t1;
  if (v !== (n * (n + 1)) / 2) throw new Error(`1M graph: wrong result ${v}`);
  const st = procStat(c.pid);
  fut.release();
  console.log(`\n1,000,000-task graph (${2 * n - 1} tasks; scheduler and 2 workers as separate processes)`);
  table(
    ['build (client)', 'submit (client)', 'submit to result', 'µs/task', 'scheduler peak RSS'],
    [
      [
        `${fmt(buildMs / 1000, 1)} s`,
        `${fmt(submitMs / 1000, 1)} s`,
        `${fmt(runMs / 1000, 1)} s`,
        fmt((runMs * 1000) / (2 * n - 1), 1),
        `${fmt(st.hwm / 2 ** 20, 0)} MiB`,
      ],
    ],
  );
  await c.close();
}

const scaling = arg('scaling', '');
if (scaling) {
  const rows = [];
  for (const w of scaling.split(',').map(Number)) {
    const c = await separateCluster(w);
    const before = procStat(c.pid).cpu;
    const mapUs = await measureMap(c.client, N, 2);
    const mid = procStat(c.pid).cpu;
    const graphUs = await measureGraph(c.client, N, 2);
    const after = procStat(c.pid).cpu;
    // CPU of the scheduler process per task, over all runs (3 map runs, 3 graph runs).
    rows.push([w, fmt(mapUs, 1), fmt(((mid - before) * 1e6) / (3 * N), 1), fmt(graphUs, 1), fmt(((after - mid) * 1e6) / (3 * (2 * N - 1)), 1)]);
    await c.close();
  }
  console.log('\nscaling: worker processes x 1 thread on this 2-core machine (scheduler in its own process)');
  table(['workers', 'map µs/task', 'sched CPU µs/task (map)', 'graph µs/task', 'sched CPU µs/task (graph)'], rows);
}
process.exit(0);
