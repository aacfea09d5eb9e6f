/**
 * Memory limits with real worker processes: results spill to disk above the target and come
 * back intact; a worker that exceeds its limit is killed and restarted by its nanny, the user
 * is told why, and the computation still finishes.
 */
import t from 'tap';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, LocalCluster } from '../../src/index.js';

t.test('spill to disk above the memory target', async (t) => {
  const cluster = await LocalCluster.start({ nWorkers: 1, memoryLimit: '400MB', dashboardAddress: null });
  t.teardown(() => cluster.close());
  const client = await Client.connect(cluster, { setAsDefault: false });
  t.teardown(() => client.close());
  // 16 results of 20 MB = 320 MB, above the 60% target of 400 MB.
  const block = (i: number) => new Float64Array(2_500_000).fill(i);
  const blocks = client.map(block, Array.from({ length: 16 }, (_, i) => i));
  const first = (a: Float64Array) => a[0] + a[a.length - 1];
  const firsts = blocks.map((b) => client.submit(first, b));
  t.same(await client.gather(firsts), Array.from({ length: 16 }, (_, i) => 2 * i), 'values read back from disk are intact');
  await new Promise((r) => setTimeout(r, 1500)); // a heartbeat with the spill figures
  const w = [...cluster.scheduler.state.workers.values()][0];
  t.ok(w.metrics.spilledCount > 0, `results were spilled (${w.metrics.spilledCount} of 16)`);
  const back = (await blocks[0].result()) as Float64Array;
  t.equal(back.length, 2_500_000);
  t.equal(back[123], 0);
});

t.test('a worker over its memory limit is restarted and the computation finishes', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsdask-mem-'));
  const marker = join(dir, 'already-tried');
  const cluster = await LocalCluster.start({ nWorkers: 1, memoryLimit: '300MB', dashboardAddress: null });
  t.teardown(() => cluster.close());
  const client = await Client.connect(cluster, { setAsDefault: false });
  t.teardown(() => client.close());
  const warn = console.warn;
  console.warn = () => undefined;
  t.teardown(() => {
    console.warn = warn;
  });
  // The first attempt grabs far more than the limit and holds it; the retry is modest.
  const hog = async (path: string) => {
    const fs = require('node:fs');
    if (!fs.existsSync(path)) {
      fs.writeFileSync(path, 'x');
      const chunks = [];
      for (let i = 0; i < 8; i++) chunks.push(Buffer.alloc(50_000_000, 1));
      await new Promise((r) => setTimeout(r, 10_000));
      return chunks.length;
    }
    return 1;
  };
  const pid0 = cluster.workers[0].pid;
  const inc = (x: number) => x + 1;
  const before = client.map(inc, [1, 2, 3]);
  t.same(await client.gather(before), [2, 3, 4]);
  const f = client.submit(hog, marker);
  t.equal(await f.result(), 1, 'the retry on the restarted worker succeeds');
  t.ok(existsSync(marker));
  t.not(cluster.workers[0].pid, pid0, 'the nanny started a new worker process');
  t.match(client.events.join('\n'), /killed by its nanny: it used .* over 95% of its 286\.10 MiB memory limit/, 'the client was told why');
  t.same(await client.gather(client.map(inc, [10, 20])), [11, 21], 'the new worker serves');
});
