/**
 * When one task cannot fit, it fails with an error that says so: its output alone is larger
 * than the worker's memory limit, so its worker is killed by its nanny each time it runs;
 * after the allowed failures it errs as KilledWorker naming the task, its inputs' size, the
 * limit and the fix, and the cluster goes on serving. The test ends by itself: no hang, no
 * endless restart loop.
 */
import t from 'tap';
import { Client, KilledWorker, LocalCluster } from '../../src/index.js';

t.test('a task whose output is larger than the memory limit fails with a clear error', async (t) => {
  const cluster = await LocalCluster.start({ nWorkers: 1, threadsPerWorker: 1, memoryLimit: '250MB', allowedFailures: 1, dashboardAddress: null });
  t.teardown(() => cluster.close());
  const client = await Client.connect(cluster, { setAsDefault: false });
  t.teardown(() => client.close());
  const warn = console.warn;
  const error = console.error;
  console.warn = () => undefined;
  console.error = () => undefined;
  t.teardown(() => {
    console.warn = warn;
    console.error = error;
  });

  // 40M doubles: 320 MB, more than the whole 250 MB limit.
  const huge = (n: number) => new Float64Array(n).fill(1);
  const f = client.submit(huge, 40_000_000);
  const err = await f.result().then(
    () => undefined,
    (e: unknown) => e,
  );
  t.ok(err instanceof KilledWorker, `it fails as KilledWorker (${String(err)})`);
  const message = err instanceof Error ? err.message : '';
  t.match(message, new RegExp(`task '${f.key}'`), 'the error names the task');
  t.match(message, /killed by their nanny for memory \(one used [\d.]+ MiB of its 238\.42 MiB memory limit\)/, 'it names the memory kill and the limit');
  t.match(message, /Its inputs total 0 B/, "it names the task's input size");
  t.match(message, /`blocksize`/, 'it names the fix: smaller blocks');
  t.match(message, /`npartitions`/, 'or more partitions');
  t.match(message, /`memoryLimit`/, 'or a larger memory limit');

  const inc = (x: number) => x + 1;
  t.same(await client.gather(client.map(inc, [1, 2])), [2, 3], 'the restarted worker serves');
});
