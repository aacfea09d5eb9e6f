/**
 * bench/shared-data/scatter: a Float64Array scattered once to a LocalCluster (2 workers x 1
 * thread), then 8 tasks each taking its mean. Prints the scatter and compute times and, per
 * worker process, how much its peak RSS (VmHWM, reset through /proc/PID/clear_refs before the
 * scatter) grew, against the array's size: one copy per worker that reads it is the goal.
 *
 *   npx tsx bench/shared-data/scatter.ts [MB=16]
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Client, LocalCluster } from '../../src/index.js';

const MB = 2 ** 20;
const status = (pid: number, field: string): number =>
  Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;

function children(root: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === root) out.push(Number(d));
    } catch {
      // gone while scanning
    }
  }
  return out;
}

function meanOf(x: Float64Array, _i: number): number {
  let s = 0;
  for (let k = 0; k < x.length; k++) s += x[k];
  return s / x.length;
}

async function main(): Promise<void> {
  const size = Number(process.argv[2] ?? 16) * MB;
  const cluster = await LocalCluster.start({ dashboardAddress: null, nWorkers: 2, threadsPerWorker: 1, memoryLimit: 0 });
  const client = await Client.connect(cluster, { setAsDefault: false });
  const x = new Float64Array(size / 8).fill(1);
  await client.gather(client.map((i: number) => i + 1, [1, 2, 3, 4]));
  const pids = [process.pid, ...children(process.pid).filter((p) => readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('worker-process'))];
  const rss = new Map(pids.map((p) => [p, status(p, 'VmRSS')]));
  for (const p of pids) writeFileSync(`/proc/${p}/clear_refs`, '5');
  let t = performance.now();
  const [fx] = await client.scatter([x]);
  const scatterS = (performance.now() - t) / 1000;
  t = performance.now();
  const means = await client.gather(Array.from({ length: 8 }, (_, i) => client.submit(meanOf, fx, i)));
  const computeS = (performance.now() - t) / 1000;
  if (means.some((m) => m !== 1)) throw new Error(`wrong means ${means.join(', ')}`);
  const growth = pids.map((p) => `${p === process.pid ? 'client+scheduler' : `worker ${p}`} +${((status(p, 'VmHWM') - rss.get(p)!) / MB).toFixed(0)} MB`);
  console.log(`${size / MB} MB scattered: scatter ${scatterS.toFixed(2)} s, 8 means ${computeS.toFixed(2)} s; peak RSS growth: ${growth.join(', ')}`);
  await client.close();
  await cluster.close();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
