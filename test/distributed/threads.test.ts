/**
 * Workers with several task slots run tasks on worker threads: CPU-bound tasks run side by
 * side, a cancelled runaway task is stopped, a task that ends its thread fails by name, errors
 * and binary data cross intact.
 */
import t from 'tap';
import { Client, delayed, LocalCluster } from '../../src/index.js';

t.test('a worker with 2 threads', async (t) => {
  const cluster = await LocalCluster.start({ nWorkers: 1, threadsPerWorker: 2, memoryLimit: 0, dashboardAddress: null });
  t.teardown(() => cluster.close());
  const client = await Client.connect(cluster, { setAsDefault: false });
  t.teardown(() => client.close());
  t.match(String(client), /workers=1 threads=2/);

  t.test('CPU-bound tasks run on both threads at once', async (t) => {
    // Each task holds its thread until both have started, so they must overlap.
    const meet = (slot: number) => {
      const { threadId } = process.getBuiltinModule('node:worker_threads');
      const flag = new Int32Array(new SharedArrayBuffer(4));
      const fs = process.getBuiltinModule('node:fs');
      const dir = process.getBuiltinModule('node:os').tmpdir();
      const mark = `${dir}/tsdask-meet-${process.pid}-${slot}`;
      fs.writeFileSync(mark, String(threadId));
      const other = `${dir}/tsdask-meet-${process.pid}-${1 - slot}`;
      const deadline = Date.now() + 10_000;
      while (!fs.existsSync(other) && Date.now() < deadline) Atomics.wait(flag, 0, 0, 5);
      const met = fs.existsSync(other);
      return { threadId, met };
    };
    const [a, b] = await client.gather([client.submit(meet, 0), client.submit(meet, 1)]);
    t.ok(a.met && b.met, 'both tasks were running at the same time');
    t.not(a.threadId, b.threadId, 'on different threads');
  });

  t.test('dependencies, binary data and errors cross threads intact', async (t) => {
    const make = (n: number) => new Float64Array(n).map((_, i) => i);
    const total = (a: Float64Array) => a.reduce((s, v) => s + v, 0);
    const x = delayed(make)(1000);
    t.equal(await delayed(total)(x).compute({ scheduler: client }), 499_500);
    const back = (await client.submit(make, 10)) as Float64Array;
    t.ok(back instanceof Float64Array);
    const bad = client.submit((v: number) => {
      throw new TypeError(`bad ${v}`);
    }, 7);
    const err = (await bad.result().catch((e: unknown) => e)) as Error;
    t.equal(err.name, 'TypeError');
    t.match(err.message, /bad 7/);
    t.match(err.message, bad.key);
  });

  t.test('cancelling a runaway task frees its thread', async (t) => {
    const forever = client.submit((x: number) => {
      while (x > 0) x++; // never false from 1: a runaway loop that never yields
      return x;
    }, 1);
    // Cancel once the worker reported the task started (the scheduler's state), not after a guess.
    const deadline = Date.now() + 60_000;
    while (cluster.scheduler.state.tasks.get(forever.key)?.started !== true) {
      if (Date.now() > deadline) throw new Error('the runaway task did not start within 60 s');
      await new Promise((r) => setTimeout(r, 10));
    }
    await forever.cancel();
    const inc = (x: number) => x + 1;
    t.same(await client.gather(client.map(inc, [1, 2, 3, 4])), [2, 3, 4, 5], 'both slots serve again');
  });

  t.test('a task that ends its thread fails naming the task, and the thread is replaced', async (t) => {
    const quit = client.submit((code: number) => process.exit(code), 7);
    const err = (await quit.result().catch((e: unknown) => e)) as Error;
    t.equal(err.name, 'ThreadDied');
    t.match(err.message, `the thread running task '${quit.key}' exited with code 7`);
    const inc = (x: number) => x + 1;
    t.same(await client.gather(client.map(inc, [10, 20, 30])), [11, 21, 31], 'both slots serve again');
  });
});
