// bench/distributed/dashboard-scale.mjs: is the status page smooth at scale? 50 workers (real
// tsdask workers, hosted 25 to a process by dashboard-scale-workers.mjs, inline executor, one
// slot each) and 100,000 tasks in flight, with /status open in headless Chromium. Measured:
// the websocket messages the page gets (bytes, from Chromium's own network events), the page's
// main-thread time (CDP Performance metrics), frame intervals (requestAnimationFrame in the
// page), long tasks (PerformanceObserver 'longtask') and the time each render takes.
// Usage: npm run build && node bench/distributed/dashboard-scale.mjs [--workers 50] [--tasks 100000]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { Client, LocalCluster } = require('../../dist/index.js');
const WebSocket = require('ws');
const here = dirname(fileURLToPath(import.meta.url));

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const NWORKERS = Number(arg('workers', 50));
const NTASKS = Number(arg('tasks', 100000));
const PROCS = Number(arg('procs', 2));

/** Chromium over the DevTools protocol: just enough to open a page, evaluate and read metrics. */
async function chromium() {
  const dir = mkdtempSync(join(tmpdir(), 'tsdask-scale-chromium-'));
  const proc = spawn(
    'chromium',
    ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', `--user-data-dir=${dir}`, '--remote-debugging-port=0', 'about:blank'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const endpoint = await new Promise((resolve, reject) => {
    let err = '';
    proc.stderr.on('data', (d) => {
      err += d;
      const m = /DevTools listening on (ws:\/\/\S+)/.exec(err);
      if (m) resolve(m[1]);
    });
    proc.on('exit', (c) => reject(new Error(`chromium exited ${c}: ${err}`)));
  });
  const ws = new WebSocket(endpoint, { perMessageDeflate: false, maxPayload: 1 << 30 });
  await new Promise((r, j) => ws.once('open', r).once('error', j));
  let id = 0;
  const waiting = new Map();
  const listeners = [];
  ws.on('message', (d) => {
    const m = JSON.parse(d.toString());
    if (m.id !== undefined) {
      const w = waiting.get(m.id);
      waiting.delete(m.id);
      if (m.error) w.reject(new Error(m.error.message));
      else w.resolve(m.result);
    } else for (const l of listeners) l(m);
  });
  const send = (method, params = {}, sessionId) =>
    new Promise((resolve, reject) => {
      const i = ++id;
      waiting.set(i, { resolve, reject });
      ws.send(JSON.stringify({ id: i, method, params, sessionId }));
    });
  const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
  const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
  const cmd = (m, p) => send(m, p, sessionId);
  await cmd('Page.enable');
  await cmd('Network.enable');
  await cmd('Performance.enable');
  await cmd('Emulation.setDeviceMetricsOverride', { width: 1400, height: 1000, deviceScaleFactor: 1, mobile: false });
  const frames = [];
  listeners.push((m) => {
    if (m.sessionId === sessionId && m.method === 'Network.webSocketFrameReceived') frames.push(m.params.response.payloadData.length);
  });
  const evaluate = async (expression) => {
    const r = await cmd('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true });
    if (r.exceptionDetails) throw new Error(`in the page: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
    return r.result.value;
  };
  const goto = async (url) => {
    const loaded = new Promise((r) => listeners.push((m) => m.sessionId === sessionId && m.method === 'Page.loadEventFired' && r()));
    await cmd('Page.navigate', { url });
    await loaded;
  };
  const metrics = async () => Object.fromEntries((await cmd('Performance.getMetrics')).metrics.map((x) => [x.name, x.value]));
  const close = async () => {
    await send('Browser.close').catch(() => undefined);
    ws.close();
    if (proc.exitCode === null) await new Promise((r) => proc.once('exit', r).kill());
    rmSync(dir, { recursive: true, force: true });
  };
  return { goto, evaluate, metrics, frames, close };
}

// In the page: frame intervals, long tasks and render times, from the moment it is called.
const PROBE = `(() => {
  window.__probe = { frames: [], long: [], renders: [] };
  let last = performance.now();
  const tick = (t) => { window.__probe.frames.push(t - last); last = t; requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__probe.long.push(e.duration); }).observe({ type: 'longtask' });
  const orig = renderStatus;
  renderStatus = (...a) => { const t = performance.now(); orig(...a); window.__probe.renders.push(performance.now() - t); };
  window.__probe.parts = {};
  for (const name of ['drawWorkerBars', 'drawProgress', 'drawStream', 'drawHistory']) {
    const f = window[name];
    window.__probe.parts[name] = 0;
    window[name] = (...a) => { const t = performance.now(); f(...a); window.__probe.parts[name] += performance.now() - t; };
  }
  return true;
})()`;

const pct = (xs, p) => (xs.length === 0 ? 0 : [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]);
const sum = (xs) => xs.reduce((a, b) => a + b, 0);

const cluster = await LocalCluster.start({ nWorkers: 0, memoryLimit: 0, dashboardAddress: '127.0.0.1:0' });
const hosts = [];
for (let p = 0; p < PROCS; p++) {
  const n = Math.floor(NWORKERS / PROCS) + (p < NWORKERS % PROCS ? 1 : 0);
  const child = spawn(process.execPath, [join(here, 'dashboard-scale-workers.mjs'), cluster.schedulerAddress, String(n), `scale${p}`], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  hosts.push(child);
}
const client = await Client.connect(cluster, { setAsDefault: false });
await client.waitForWorkers(NWORKERS, 120_000);
const b = await chromium();
await b.goto(client.dashboardLink);
await b.evaluate(PROBE);
const load0 = loadavg()[0];

// 100,000 tasks at once; the page is measured while they run.
const t0 = performance.now();
const m0 = await b.metrics();
const futures = client.map(
  (x) => x + 1,
  Array.from({ length: NTASKS }, (_, i) => i),
  { pure: false },
);
const inFlight = [];
const sampler = setInterval(async () => {
  const s = await (await fetch(client.dashboardLink.replace(/\/status$/, '/metrics'))).text();
  let n = 0;
  for (const m of s.matchAll(/^tsdask_tasks\{state="(processing|queued|waiting|no-worker)"\} (\d+)/gm)) n += Number(m[2]);
  inFlight.push(n);
}, 1000);
const results = await client.gather(futures);
clearInterval(sampler);
const secs = (performance.now() - t0) / 1000;
if (results.length !== NTASKS || results[NTASKS - 1] !== NTASKS) throw new Error('wrong results');
await new Promise((r) => setTimeout(r, 1000)); // the last pushes arrive and render
const m1 = await b.metrics();
const probe = await b.evaluate('window.__probe');
const shown = await b.evaluate(
  `({ bars: document.getElementById('stream').dataset.bars, tasks: document.getElementById('stream').dataset.tasks, lanes: Object.keys(JSON.parse(document.getElementById('stream').dataset.lanes)).length })`,
);
const load1 = loadavg()[0];
const frames = b.frames.slice(1); // the first message is the whole state as the page opens
await b.close();
await client.close();
for (const h of hosts) h.stdin.end();
await Promise.all(hosts.map((h) => new Promise((r) => h.once('exit', r))));
await cluster.close();

const busy = (k) => (m1[k] ?? 0) - (m0[k] ?? 0);
console.log(
  `bench/distributed/dashboard-scale: ${NWORKERS} workers in ${PROCS} processes, ${NTASKS} tasks in ${secs.toFixed(1)} s (${Math.max(...inFlight, 0)} in flight at most), load ${load0.toFixed(1)} -> ${load1.toFixed(1)}`,
);
console.log(
  `  pushes: ${frames.length}, bytes median ${pct(frames, 50)}, p95 ${pct(frames, 95)}, max ${Math.max(0, ...frames)}, total ${(sum(frames) / 1e6).toFixed(2)} MB`,
);
console.log(
  `  page main thread: ${((busy('TaskDuration') / secs) * 100).toFixed(1)}% busy (script ${busy('ScriptDuration').toFixed(2)} s, layout ${busy('LayoutDuration').toFixed(2)} s, style ${busy('RecalcStyleDuration').toFixed(2)} s); ` +
    `renderer CPU ${busy('ProcessTime').toFixed(2)} s (${((busy('ProcessTime') / secs) * 100).toFixed(1)}% of a core), main thread CPU ${busy('ThreadTime').toFixed(2)} s`,
);
console.log(
  `  renders: ${probe.renders.length}, median ${pct(probe.renders, 50).toFixed(1)} ms, max ${Math.max(0, ...probe.renders).toFixed(1)} ms; ` +
    `frame interval median ${pct(probe.frames, 50).toFixed(1)} ms, p99 ${pct(probe.frames, 99).toFixed(1)} ms, max ${Math.max(0, ...probe.frames).toFixed(0)} ms; ` +
    `long tasks (>50 ms): ${probe.long.length}, longest ${Math.max(0, ...probe.long).toFixed(0)} ms`,
);
console.log(
  `  time in the parts (s): ${Object.entries(probe.parts)
    .map(([k, v]) => `${k} ${(v / 1000).toFixed(2)}`)
    .join(', ')} (layout happens after, in the frame)`,
);
console.log(`  stream at the end: ${shown.bars} bars for ${shown.tasks} tasks in ${shown.lanes} worker rows`);
