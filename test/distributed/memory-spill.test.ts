/**
 * Spilling by process memory, with real worker processes: results held far below the managed
 * target are still written to disk when the process as a whole (RSS, as the OS counts it)
 * goes above the spill threshold because of memory a task keeps alive outside the store; and
 * a paused worker still serves its (spilled) results to a peer. Values read back are exact.
 */
import t from 'tap';
import { Client, LocalCluster } from '../../src/index.js';

const LIMIT = 400_000_000;
const N = 524_288; // doubles per block: 4 MiB

/** Block i holds N copies of i + 1: its sum is (i + 1) * N, computed here, not by the cluster. */
const block = (i: number) => new Float64Array(524_288).fill(i + 1);
const sum = (b: Float64Array) => {
  let s = 0;
  for (let j = 0; j < b.length; j++) s += b[j];
  return s;
};
/** Grow the process to `to` of its limit with a buffer it keeps (outside the store: unmanaged). */
const ballast = (a: { limit: number; to: number }) => {
  const g = globalThis as { ballast?: Buffer };
  const need = Math.floor(a.to * a.limit) - process.memoryUsage.rss();
  if (need <= 0) throw new Error(`the worker already uses ${process.memoryUsage.rss()} bytes of its ${a.limit} limit`);
  g.ballast = Buffer.alloc(need, 1);
  return need;
};

t.test('process memory above the spill threshold spills held results, which come back exact', async (t) => {
  const cluster = await LocalCluster.start({ nWorkers: 1, threadsPerWorker: 1, memoryLimit: LIMIT, dashboardAddress: null });
  t.teardown(() => cluster.close());
  const client = await Client.connect(cluster, { setAsDefault: false });
  t.teardown(() => client.close());
  const w = [...cluster.scheduler.state.workers.values()][0];

  // 8 x 4 MiB held: 8% of the limit, far below the 60% managed target.
  const blocks = client.map(
    block,
    Array.from({ length: 8 }, (_, i) => i),
  );
  await client.gather(blocks.map((b) => client.submit((x: Float64Array) => x.length, b)));
  await until(() => w.metrics.managed >= 8 * 4 * 2 ** 20, 'a heartbeat counting the held blocks');
  t.equal(w.metrics.spilledCount, 0, 'nothing is spilled while the process is small');

  // 75% of the limit: above spill (70%), below pause (80%).
  await client.submit(ballast, { limit: LIMIT, to: 0.75 }).result();
  await until(() => w.metrics.spilledCount > 0, 'the worker to spill by process memory', 30_000);
  t.ok(w.metrics.spilledCount > 0, `held results were spilled (${w.metrics.spilledCount} of 8) although managed memory was below the target`);
  t.equal(w.status, 'running', 'spilling kept the worker below its pause threshold');

  const sums = await client.gather(blocks.map((b) => client.submit(sum, b)));
  t.same(
    sums,
    Array.from({ length: 8 }, (_, i) => (i + 1) * N),
    'every block reads back exact',
  );
});

t.test('a paused worker serves its spilled results to a peer', async (t) => {
  const cluster = await LocalCluster.start({ nWorkers: 1, threadsPerWorker: 1, memoryLimit: LIMIT, dashboardAddress: null, pausedGraceMs: 600_000 });
  t.teardown(() => cluster.close());
  const client = await Client.connect(cluster, { setAsDefault: false });
  t.teardown(() => client.close());
  const state = cluster.scheduler.state;
  const a = [...state.workers.values()][0];

  const blocks = client.map(
    block,
    Array.from({ length: 6 }, (_, i) => i),
  );
  await client.gather(blocks.map((b) => client.submit((x: Float64Array) => x.length, b)));
  // 88%: spilling its 24 MiB of blocks cannot bring it under the 80% pause threshold.
  await client.submit(ballast, { limit: LIMIT, to: 0.88 }).result();
  await until(() => a.status === 'paused', 'the worker to pause');
  // Paused, it spills all it can (its results are the only memory it can free).
  await until(() => a.metrics.spilledCount >= 6, 'the paused worker to spill its blocks');

  // The sums wait on the paused worker; a new worker takes them and fetches the blocks from it.
  const sums = blocks.map((b) => client.submit(sum, b));
  await cluster.scale(2);
  t.same(
    await client.gather(sums),
    Array.from({ length: 6 }, (_, i) => (i + 1) * N),
    'the blocks came from the paused worker, exact',
  );
  const b = [...state.workers.values()].find((w) => w !== a)!;
  const ranOn = new Set(state.stream.filter((e) => sums.some((s) => s.key === e.key)).map((e) => e.worker));
  t.same([...ranOn], [b.address], 'the sums ran on the running worker');
  t.equal(a.status, 'paused', 'the holder stayed paused throughout');
  t.equal(state.pressure.forcedTotal, 0, 'nothing had to be forced');
});

/** Wait for a condition of the cluster's state (no timing claim: the deadline only ends a hang). */
async function until(cond: () => boolean, what: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
