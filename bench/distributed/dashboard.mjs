// bench/distributed/dashboard.mjs: the cost of watching. The graph and map workloads of
// run.mjs on a LocalCluster (2 workers x 1 thread) with its dashboard, timed with no browser and
// with headless Chromium showing /status (live over the websocket), alternating A/B rounds so
// the machine's load drifts over both alike.
// Usage: npm run build && node bench/distributed/dashboard.mjs [--n 20000] [--rounds 5]
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildGraph, timeMap } from './graph.mjs';

const require = createRequire(import.meta.url);
const { Client, LocalCluster, compute } = require('../../dist/index.js');

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const N = Number(arg('n', 20000));
const ROUNDS = Number(arg('rounds', 5));

async function graphOnce(client, total) {
  const t0 = performance.now();
  const [v] = await compute(total, { scheduler: client });
  if (v !== (N * (N + 1)) / 2) throw new Error(`wrong result ${v}`);
  return performance.now() - t0;
}

let offset = 0;
const mapOnce = (client) => timeMap(client, N, (offset += N));

async function openBrowser(link) {
  const dir = mkdtempSync(join(tmpdir(), 'tsdask-bench-chromium-'));
  const proc = spawn(
    'chromium',
    ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', `--user-data-dir=${dir}`, '--remote-debugging-port=0', link],
    { stdio: 'ignore' },
  );
  const api = link.replace(/\/status$/, '/api/live');
  for (let i = 0; i < 300; i++) {
    const { watchers } = await (await fetch(api)).json();
    if (watchers > 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const close = async () => {
    await new Promise((r) => {
      proc.once('exit', r);
      proc.kill('SIGTERM');
    });
    // Chromium's helper processes may still write to the profile for a moment after it exits.
    rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  };
  return { close, cpuMs: () => treeCpuMs(proc.pid) };
}

/** CPU time (ms, user + system) of a process and all its descendants alive now, from /proc. */
function treeCpuMs(root) {
  const kids = new Map();
  const cpu = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const st = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(f[1]);
      cpu.set(Number(d), Number(f[11]) + Number(f[12]));
      if (!kids.has(ppid)) kids.set(ppid, []);
      kids.get(ppid).push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  let ticks = 0;
  const todo = [root];
  while (todo.length > 0) {
    const p = todo.pop();
    ticks += cpu.get(p) ?? 0;
    todo.push(...(kids.get(p) ?? []));
  }
  return ticks * 10; // USER_HZ is 100 on Linux
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const cluster = await LocalCluster.start({ nWorkers: 2, threadsPerWorker: 1, memoryLimit: 0, dashboardAddress: '127.0.0.1:0' });
const client = await Client.connect(cluster, { setAsDefault: false });
const link = client.dashboardLink;
const total = buildGraph(N);
await graphOnce(client, total);
await mapOnce(client);
const times = { graph: { off: [], on: [] }, map: { off: [], on: [] } };
// CPU time of this process (the scheduler, which serves the dashboard, and the client): less
// swayed by other programs on a loaded machine than wall time.
const cpu = { graph: { off: [], on: [] }, map: { off: [], on: [] } };
// Chromium's own CPU (all its processes) during each workload with the page open.
const browserCpu = { graph: [], map: [] };
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const load0 = loadavg()[0];
for (let r = 0; r < ROUNDS; r++) {
  for (const mode of r % 2 === 0 ? ['off', 'on'] : ['on', 'off']) {
    const browser = mode === 'on' ? await openBrowser(link) : undefined;
    // The same pause in both modes: with a browser the page loads and renders; without, the
    // previous round's browser has exited. (A pause only in 'on' favoured it by ~10-20%.)
    await new Promise((r) => setTimeout(r, 1000));
    let c0 = cpuMs();
    let b0 = browser?.cpuMs();
    times.graph[mode].push(await graphOnce(client, total));
    cpu.graph[mode].push(cpuMs() - c0);
    if (browser) browserCpu.graph.push(browser.cpuMs() - b0);
    c0 = cpuMs();
    b0 = browser?.cpuMs();
    times.map[mode].push(await mapOnce(client));
    cpu.map[mode].push(cpuMs() - c0);
    if (browser) {
      browserCpu.map.push(browser.cpuMs() - b0);
      await browser.close();
    }
  }
}
const load1 = loadavg()[0];
await client.close();
await cluster.close();
console.log(
  `bench/distributed/dashboard: n=${N}, ${ROUNDS} rounds each, load average ${load0.toFixed(1)} -> ${load1.toFixed(1)} on ${require('node:os').cpus().length} cores`,
);
for (const w of ['graph', 'map']) {
  const ntasks = w === 'graph' ? 2 * N - 1 : N;
  const off = times[w].off,
    on = times[w].on;
  const us = (ms) => ((ms * 1000) / ntasks).toFixed(1);
  console.log(
    `${w.padEnd(5)}  without browser: best ${us(Math.min(...off))} us/task, median ${us(median(off))}   ` +
      `with /status open: best ${us(Math.min(...on))}, median ${us(median(on))}   ` +
      `ratio best ${(Math.min(...on) / Math.min(...off)).toFixed(3)}, median ${(median(on) / median(off)).toFixed(3)}`,
  );
  const coff = cpu[w].off,
    con = cpu[w].on;
  console.log(
    `${''.padEnd(5)}  scheduler+client CPU: without ${us(median(coff))} us/task, with ${us(median(con))} (medians), ratio ${(median(con) / median(coff)).toFixed(3)}; ` +
      `chromium's own CPU meanwhile ${us(median(browserCpu[w]))} us/task`,
  );
}
