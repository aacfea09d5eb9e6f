/**
 * Memory thresholds are configurable (options over config keys over Dask's defaults; a bad
 * value is refused naming it), and what the memory manager does is visible: String(client),
 * client.schedulerInfo() and the dashboard's state show per worker its managed, unmanaged
 * and spilled memory, and why it is paused.
 */
import t from 'tap';
import { config, Client, LocalCluster } from '../../src/index.js';
import { parseThreshold, resolveThresholds } from '../../src/distributed/memory-thresholds.js';

t.test('thresholds: options, then config keys (flat or nested), then the defaults', async (t) => {
  t.same(resolveThresholds(undefined, 'test'), { target: 0.6, spill: 0.7, pause: 0.8, terminate: 0.95 }, "Dask's defaults");
  const restore = config.set({ 'distributed.worker.memory.pause': 0.5, distributed: { worker: { memory: { spill: 0.45 } } } });
  t.teardown(restore);
  t.same(resolveThresholds({ target: false }, 'test'), { target: false, spill: 0.45, pause: 0.5, terminate: 0.95 });
  t.same(resolveThresholds({ pause: 0.9 }, 'test').pause, 0.9, 'an option beats the config');
  t.throws(
    () => resolveThresholds({ spill: 1.2 }, 'LocalCluster'),
    /LocalCluster: memory threshold 'spill' must be a fraction of the memory limit in \(0, 1\] or false \(off\), got 1\.2/,
  );
  t.equal(parseThreshold('85%', 'pause', 'cli'), 0.85);
  t.equal(parseThreshold('off', 'terminate', 'cli'), false);
  t.throws(() => parseThreshold('lots', 'target', 'tsdask worker --memory-target'), /tsdask worker --memory-target: memory threshold 'target'/);
});

t.test('String(client), schedulerInfo and the dashboard show memory per worker and why a worker is paused', async (t) => {
  // Large enough that a worker's own start-up memory stays far below the pause line even on a
  // loaded machine: paused before the ballast runs, it would never start it (no forced runs here).
  const limit = 800_000_000;
  const restore = config.set({ 'distributed.worker.memory.pause': 0.5 });
  t.teardown(restore);
  // Pause at 50% (config), spill at 45% (option): a ballast to 65% of the limit pauses it.
  const cluster = await LocalCluster.start({
    nWorkers: 1,
    memoryLimit: limit,
    memoryThresholds: { target: 0.4, spill: 0.45 },
    dashboardAddress: '127.0.0.1:0',
    pausedGraceMs: 600_000,
  });
  t.teardown(() => cluster.close());
  const client = await Client.connect(cluster, { setAsDefault: false });
  t.teardown(() => client.close());

  // One task makes both the held result (8 MB, managed) and the ballast (unmanaged, to 65% of
  // the limit): a second task would never be sent if the worker paused first on a loaded machine.
  const heldAndBallast = (a: { limit: number; to: number }) => {
    const g = globalThis as { ballast?: Buffer };
    const need = Math.floor(a.to * a.limit) - process.memoryUsage.rss();
    if (need <= 0) throw new Error(`the worker already uses ${process.memoryUsage.rss()} bytes of its ${a.limit} limit`);
    g.ballast = Buffer.alloc(need, 1);
    return new Float64Array(1_000_000).fill(2);
  };
  const held = client.submit(heldAndBallast, { limit, to: 0.65 });
  t.equal(((await held.result()) as Float64Array).length, 1_000_000);
  await until(() => /paused/.test(String(client)), 'String(client) to show the pause');
  // Spill files are written off the event loop: their figures come with a later heartbeat.
  const ws = [...cluster.scheduler.state.workers.values()][0];
  await until(() => ws.metrics.spilledCount > 0, 'a heartbeat reporting the spilled result');
  const text = String(client);
  t.match(text, /^<Client: scheduler='tcp:\/\/127\.0\.0\.1:\d+' workers=1 threads=1 memory=762\.94 MiB dashboard=\S+>\n/, 'the summary line comes first');
  t.match(
    text,
    /\n {2}local-0: paused \(process memory [\d.]+ MiB is above 50% of the 762\.94 MiB limit \(results held .*\)\), process memory [\d.]+ MiB of 762\.94 MiB: managed [\d.]+ \w+, unmanaged [\d.]+ MiB \(V8 heap [\d.]+ MiB\), spilled [\d.]+ \w+ in \d+ files$/,
    `a line per worker (${text})`,
  );

  const info = await client.schedulerInfo();
  const m = info.workerList[0].memory;
  t.ok(m !== undefined, 'schedulerInfo has the memory of each worker');
  if (m !== undefined) {
    t.equal(m.status, 'paused');
    t.match(m.pauseReason, /above 50% of the 762\.94 MiB limit/);
    t.ok(m.rss > 0.5 * limit, 'process memory as the OS counts it');
    t.equal(m.unmanaged, Math.max(0, m.rss - m.managed), 'unmanaged = process - managed');
    t.ok(m.unmanaged > 0.4 * limit, 'the ballast is unmanaged memory');
    t.ok(m.heap > 0, 'the V8 heap is reported on its own');
    t.ok(m.spilled > 0, 'the held result was spilled (spill threshold 45%)');
  }

  const res = await fetch(new URL('/api/state', client.dashboardLink));
  const state = (await res.json()) as {
    workers: { status: string; pauseReason: string; managed: number; unmanaged: number; spilled: number; heap: number }[];
  };
  const w = state.workers[0];
  t.equal(w.status, 'paused', 'the dashboard shows the pause');
  t.match(w.pauseReason, /above 50%/, 'and why');
  t.ok(w.unmanaged > 0 && w.spilled > 0 && w.heap > 0, 'and managed / unmanaged / spilled / heap figures');
});

/** Wait for a condition (no timing claim: the deadline only ends a hang). */
async function until(cond: () => boolean, what: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
