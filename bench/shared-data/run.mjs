// bench/shared-data: the seed's §6.4 program (a 320 MB Float64Array delayed once, 20 tasks each
// taking its mean) on every tsdask scheduler with 2, 4 and 8 workers, and Dask's threads and
// processes schedulers on the numpy version. Each run is its own program; its peak RSS is the
// largest sum of RSS over the program's process tree, sampled every 20 ms from /proc.
// Usage: node bench/shared-data/run.mjs [--workers 2,4,8] [--skip-dask] [--only threads,sync,threads-sab]
//        [--dask threads,processes] [--dask-processes-workers 2,4,8] (Dask's processes scheduler
//        pickles the array once per task: minutes per run on a loaded 2-core machine)
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fmt, hasPython, PYTHON, table } from '../lib/peer.mjs';

const opt = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const WORKERS = opt('workers', '2,4,8').split(',').map(Number);
const ONLY = opt('only', 'sync,threads,processes,distributed').split(',');
const DASK = opt('dask', 'threads,processes').split(',');
const DASK_PROC_WORKERS = opt('dask-processes-workers', '2,4,8').split(',').map(Number);
const INPUT_MB = (40_000_000 * 8) / 2 ** 20;

function rssOf(pid) {
  try {
    return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024;
  } catch {
    return 0;
  }
}

/** pid and all its descendants (one scan of /proc). */
function tree(root) {
  const kids = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!kids.has(ppid)) kids.set(ppid, []);
      kids.get(ppid).push(Number(d));
    } catch {
      // gone while scanning
    }
  }
  const out = [root];
  for (let i = 0; i < out.length; i++) out.push(...(kids.get(out[i]) ?? []));
  return out;
}

function measure(cmd, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: new URL('.', import.meta.url).pathname, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    let peak = 0;
    child.stdout.on('data', (d) => (out += d));
    const timer = setInterval(() => {
      let sum = 0;
      for (const p of tree(child.pid)) sum += rssOf(p);
      peak = Math.max(peak, sum);
    }, 20);
    child.on('exit', (code) => {
      clearInterval(timer);
      if (code !== 0) return reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}`));
      resolve({ ...JSON.parse(out.trim().split('\n').pop()), peakMB: peak / 2 ** 20 });
    });
  });
}

const rows = [];
const row = (label, w, r) => {
  rows.push([label, w, fmt(r.cold), fmt(r.warm), fmt(r.peakMB, 0)]);
  console.log(`${label} ${w}: cold ${fmt(r.cold)} s, warm ${fmt(r.warm)} s, peak ${fmt(r.peakMB, 0)} MB`);
};
const results = {};
if (ONLY.includes('sync')) {
  results.sync = await measure('node', ['program.cjs', 'sync', '1']);
  row('tsdask sync', 1, results.sync);
}
const dask = !process.argv.includes('--skip-dask') && hasPython(['dask', 'numpy']);
for (const w of WORKERS) {
  for (const s of ['threads', 'threads-sab', 'processes', 'distributed']) {
    if (!ONLY.includes(s)) continue;
    // threads-sab: the user's array already in a SharedArrayBuffer (used as it is, no copy).
    const r = await measure('node', ['program.cjs', s.replace('-sab', ''), String(w), ...(s === 'threads-sab' ? ['sab'] : [])]);
    results[`${s}-${w}`] = r;
    row(`tsdask ${s === 'distributed' ? `LocalCluster ${w} x 1` : s === 'threads-sab' ? 'threads, input in a SharedArrayBuffer' : s}`, w, r);
  }
  if (dask) {
    for (const s of DASK) {
      if (s === 'processes' && !DASK_PROC_WORKERS.includes(w)) continue;
      const r = await measure(PYTHON, ['dask_shared.py', s, String(w)]);
      results[`dask-${s}-${w}`] = r;
      row(`Dask ${s} (numpy)`, w, r);
    }
  }
}
if (!dask) console.log('(Dask skipped: needs /usr/bin/python3 with python3-dask and python3-numpy)');
console.log(`\nbench/shared-data: ${INPUT_MB} MB Float64Array delayed once, 20 mean tasks; seconds per compute, peak RSS of the program tree`);
table(['scheduler', 'workers', 'cold s', 'warm s', 'peak MB'], rows);
console.log(`limit for threads: 2 x input + 200 MB = ${(2 * INPUT_MB + 200).toFixed(0)} MB`);
if (results.sync !== undefined) {
  for (const w of WORKERS) {
    for (const s of ['threads', 'threads-sab']) {
      const r = results[`${s}-${w}`];
      if (r !== undefined)
        console.log(
          `${s} ${w}: warm ${fmt(r.warm)} s vs sync/${w} = ${fmt(results.sync.warm / w)} s (${fmt((100 * r.warm * w) / results.sync.warm - 100, 0)}% over)`,
        );
    }
  }
}
