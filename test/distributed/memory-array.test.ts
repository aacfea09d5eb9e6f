/**
 * The seed's array case at small scale: row means of a random normal array far larger than
 * what the cluster ever holds. Each block is made and reduced where it is made, and partial
 * results are released once their last reader ran, so the results held at any moment (sampled
 * from the scheduler's state) stay a small fraction of the array. The answer equals row means
 * computed in plain code from the same array computed whole.
 */
import t from 'tap';
import { Client, LocalCluster } from '../../src/index.js';
import * as da from '../../src/array/index.js';

t.test('row means of a random array: memory held stays far below its size, the answer is exact', async (t) => {
  const cluster = await LocalCluster.start({ nWorkers: 2, threadsPerWorker: 1, memoryLimit: '400MB', dashboardAddress: null });
  t.teardown(() => cluster.close());
  const client = await Client.connect(cluster, { setAsDefault: false });
  t.teardown(() => client.close());
  const state = cluster.scheduler.state;

  const N = 2000;
  const C = 250;
  const total = N * N * 8; // 32 MB in 64 blocks of 500 KB
  let peak = 0;
  const sample = setInterval(() => {
    let held = 0;
    for (const ts of state.tasks.values()) if (ts.state === 'memory') held += ts.nbytes;
    peak = Math.max(peak, held);
  }, 2);
  t.teardown(() => clearInterval(sample));

  const x = da.random.normal(0, 1, { size: [N, N], chunks: [C, C], seed: 11 });
  const got = await x.mean({ axis: 1 }).compute({ scheduler: client });
  clearInterval(sample);
  t.same(got.shape, [N]);
  t.ok(peak < total / 16, `results held at once peaked at ${peak} bytes, far below the array's ${total}`);

  // Reference: the same seeded array whole (local scheduler), row means in plain code.
  const whole = await x.compute({ scheduler: 'sync' });
  t.same(whole.shape, [N, N]);
  let worst = 0;
  for (let i = 0; i < N; i++) {
    let s = 0;
    for (let j = 0; j < N; j++) s += whole.data[i * N + j];
    worst = Math.max(worst, Math.abs(s / N - got.data[i]));
  }
  t.ok(worst < 1e-12, `every row mean matches plain code (largest difference ${worst})`);
});
