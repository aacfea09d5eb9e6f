// bench/shuffle-disk: a merge larger than the workers' memory, with the disk shuffle and with
// the task shuffle, each on a fresh LocalCluster of 2 workers x 1 thread x --limit memory.
// Data: left CSV of --rows rows (id, k, v; ints), right CSV of 2 rows per key (k, w), --keys
// keys; the query is left.merge(right, on k).groupby(k).agg(v sum, w sum, id count), so the
// result is small while both sides of the merge are shuffled in full.
// Prints per mode: wall time, peak RSS and peak managed bytes per worker (heartbeats, polled),
// worker restarts, and the result's fingerprint (rows, sum of v), or how it failed.
// Usage: npm run build && node bench/shuffle-disk/run.mjs [--rows 10000000] [--keys 400000]
//        [--limit 300MB] [--timeout 600] [--modes disk,tasks]
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Client, LocalCluster, config } = require('../../dist/index.js');
const dd = require('../../dist/dataframe/index.js');
const { COLLECTION } = require('../../dist/core/collection.js');
const { compute } = require('../../dist/core/compute.js');
const { concatFrames } = require('../../dist/dataframe/ops/concat.js');

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const ROWS = Number(arg('rows', 10_000_000));
const KEYS = Number(arg('keys', 400_000));
const LIMIT = arg('limit', '300MB');
const TIMEOUT = Number(arg('timeout', 600)) * 1000;
const MODES = arg('modes', 'disk,tasks').split(',');

const dir = mkdtempSync(join(tmpdir(), 'tsdask-bench-shuffle-'));

async function writeCsv(path, header, n, row) {
  const out = createWriteStream(path);
  out.write(header + '\n');
  let chunk = [];
  for (let i = 0; i < n; i++) {
    chunk.push(row(i));
    if (chunk.length === 100_000) {
      if (!out.write(chunk.join('\n') + '\n')) await once(out, 'drain');
      chunk = [];
    }
  }
  if (chunk.length > 0) out.write(chunk.join('\n') + '\n');
  out.end();
  await once(out, 'finish');
}

function frameOf(c) {
  const raw = {
    [COLLECTION]: {
      layer: () => c.layer,
      keys: () => c.keys(),
      finalize: (parts) => concatFrames(parts),
      rebuild: () => raw,
      defaultScheduler: 'sync',
    },
  };
  return raw;
}

async function run(mode, files) {
  const cluster = await LocalCluster.start({ nWorkers: 2, threadsPerWorker: 1, memoryLimit: LIMIT, dashboardAddress: null });
  const client = await Client.connect(cluster);
  const state = cluster.scheduler.state;
  const pids = new Set(cluster.workers.map((w) => w.pid));
  const peaks = new Map();
  const watch = setInterval(() => {
    for (const w of state.workers.values()) {
      const p = peaks.get(w.pid) ?? { rss: 0, managed: 0 };
      p.rss = Math.max(p.rss, w.metrics.rss);
      p.managed = Math.max(p.managed, w.metrics.managed);
      peaks.set(w.pid, p);
    }
  }, 50);
  const restore = config.set({ shuffle: mode });
  const t0 = Date.now();
  let outcome;
  try {
    const left = dd.readCsv(files.left, { blocksize: 8_000_000 });
    const right = dd.readCsv(files.right, { blocksize: 1_000_000 });
    const q = left.merge(right, { on: 'k', broadcast: false }).groupby('k').agg({ v: 'sum', w: 'sum', id: 'count' });
    const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error(`did not finish in ${TIMEOUT / 1000} s`)), TIMEOUT).unref());
    const [f] = await Promise.race([compute(frameOf(q), { scheduler: client }), timeout]);
    let sumV = 0;
    const v = f.col('v').data;
    for (let i = 0; i < v.length; i++) sumV += Number(v[i]);
    outcome = `ok: ${f.length} groups, sum v ${sumV}, partitions ${left.npartitions} x ${right.npartitions}`;
  } catch (e) {
    outcome = `FAILED after ${((Date.now() - t0) / 1000).toFixed(1)} s: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;
  }
  const secs = (Date.now() - t0) / 1000;
  clearInterval(watch);
  restore();
  const restarts = [...peaks.keys()].filter((pid) => !pids.has(pid)).length;
  await client.shutdown().catch(() => undefined);
  return { mode, secs, outcome, restarts, peaks };
}

const mb = (b) => `${(b / 2 ** 20).toFixed(0)} MiB`;
const files = { left: join(dir, 'left.csv'), right: join(dir, 'right.csv') };
const g0 = Date.now();
await writeCsv(files.left, 'id,k,v', ROWS, (i) => `${i},${(i * 7919) % KEYS},${(i * 31) % 1000}`);
await writeCsv(files.right, 'k,w', 2 * KEYS, (j) => `${j % KEYS},${j}`);
console.log(`data: ${ROWS} x 3 int columns left, ${2 * KEYS} x 2 right (${((Date.now() - g0) / 1000).toFixed(1)} s to write); workers 2 x ${LIMIT}`);
for (const mode of MODES) {
  const r = await run(mode, files);
  console.log(`\n${mode}: ${r.secs.toFixed(1)} s, ${r.outcome}; worker restarts: ${r.restarts}`);
  for (const [pid, p] of r.peaks) console.log(`  worker pid ${pid}: peak RSS ${mb(p.rss)}, peak managed ${mb(p.managed)}`);
}
rmSync(dir, { recursive: true, force: true });
process.exit(0);
