/**
 * A real cluster: a `tsdask scheduler` process and a `tsdask worker --nworkers 2` process (two
 * worker processes under nannies) on loopback, driven by a Client in this process. (uploadFile:
 * upload.test.ts.)
 */
import t from 'tap';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { asCompleted, Client, compute, config, delayed, Future, persist, wait } from '../../src/index.js';
import * as db from '../../src/bag/index.js';
import { startScheduler, startWorkers, stop } from './procs.js';

const inc = (x: number) => x + 1;
const add = (x: number, y: number) => x + y;
const double = (x: number) => 2 * x;
const triple = (x: number) => 3 * x;
const boom = (x: number) => {
  if (x === 3) throw new RangeError(`bad input ${x}`);
  return x;
};
const slow = (ms: number) => new Promise<number>((r) => setTimeout(() => r(ms), ms));
const total = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

t.test('scheduler + 2 worker processes on loopback', async (t) => {
  const sched = await startScheduler(['--dashboard-address', '127.0.0.1:0']);
  t.teardown(() => stop(sched.proc));
  const workers = await startWorkers(sched.address, ['--nworkers', '2', '--nthreads', '1', '--memory-limit', '1GB']);
  t.teardown(() => stop(workers));
  const client = await Client.connect(sched.address);
  t.teardown(() => client.close());
  await client.waitForWorkers(2);

  t.test('String(client) summarizes the cluster', async (t) => {
    await client.schedulerInfo();
    const s = String(client);
    t.match(s, /scheduler='tcp:\/\/127\.0\.0\.1:\d+'/);
    t.match(s, /workers=2 threads=2/);
    t.match(s, /memory=1\.86 GiB/);
    t.match(s, /dashboard=http:\/\/127\.0\.0\.1:\d+\/status/);
    t.equal(client.dashboardLink, sched.dashboard);
  });

  t.test('a connected client is the default scheduler for compute()', async (t) => {
    t.equal(config.get('scheduler'), client);
    const xs = Array.from({ length: 10 }, (_, i) => delayed(inc)(i));
    const z = delayed(total)(xs);
    const [v] = await compute(z);
    t.equal(v, 55);
    t.equal(await delayed(add)(1, 2).compute(), 3);
  });

  t.test('submit, map, gather, futures as arguments', async (t) => {
    const a = client.submit(inc, 10);
    t.equal(await a.result(), 11);
    t.equal(await a, 11, 'a Future is awaitable');
    t.equal(a.status, 'finished');
    const fs = client.map(double, [1, 2, 3, 4]);
    t.same(await client.gather(fs), [2, 4, 6, 8]);
    t.same(await client.gather({ x: fs[0], ys: [fs[1], 7] }), { x: 2, ys: [4, 7] }, 'gather keeps the structure');
    const b = client.submit(add, a, fs[3]);
    t.equal(await b, 19, 'futures as submit arguments stay on the cluster');
    // Futures are collections: delayed calls take them like Delayed values.
    const d = delayed(add)(a, delayed(inc)(1));
    t.equal(await d.compute(), 13, 'futures as delayed arguments');
    t.equal(await client.submitWith({ key: 'my-key' }, inc, 1).result(), 2);
    t.equal(client.submit(inc, 10).key, a.key, 'pure submissions share keys');
    t.not(client.submitWith({ pure: false }, inc, 10).key, a.key);
  });

  t.test('task errors come back with the task key and the original class', async (t) => {
    const fs = client.map(boom, [1, 2, 3]);
    const bad = fs[2];
    const err = (await bad.result().catch((e: unknown) => e)) as Error & { taskKey?: string };
    t.equal(err.name, 'RangeError');
    t.match(err.message, /bad input 3/);
    t.match(err.message, new RegExp(bad.key));
    t.equal(err.taskKey, bad.key);
    t.equal(bad.status, 'error');
    t.equal(await fs[0].result(), 1, 'siblings are fine');
    const dep = client.submit(inc, bad);
    await t.rejects(dep.result(), /bad input 3/, 'dependents fail with the cause');
    await t.rejects(compute(delayed(boom)(3)), { name: 'RangeError' });
  });

  t.test('asCompleted and wait', async (t) => {
    const fs = [300, 10, 150].map((ms) => client.submitWith({ pure: false }, slow, ms));
    const seen: number[] = [];
    for await (const f of asCompleted(fs)) {
      t.ok(f.done(), 'yielded once done');
      seen.push(await f.result());
    }
    t.same(
      seen.sort((a, b) => a - b),
      [10, 150, 300],
      'every future, once',
    );
    const more = [client.submitWith({ pure: false }, slow, 20), client.submitWith({ pure: false }, slow, 5000)];
    const first = await wait(more, { returnWhen: 'FIRST_COMPLETED' });
    t.equal(first.done.length, 1);
    await t.rejects(wait(more, { timeout: 100 }), { name: 'TimeoutError' });
    await more[1].cancel();
    t.equal(more[1].status, 'cancelled');
    await t.rejects(more[1].result(), { name: 'CancelledError' });
  });

  t.test('scatter, broadcast, and dependent tasks reading scattered data', async (t) => {
    const big = new Float64Array(100_000).map((_, i) => i);
    const [fb] = await client.scatter([big], { broadcast: true });
    t.equal(fb.status, 'finished');
    const sum = (a: Float64Array) => a.reduce((s, v) => s + v, 0);
    const parts = [0, 1, 2, 3].map((i) => client.submit((a: Float64Array, k: number) => a[k * 1000], fb, i));
    t.same(await client.gather(parts), [0, 1000, 2000, 3000]);
    t.equal(await client.submit(sum, fb), (99_999 * 100_000) / 2);
    const back = (await fb.result()) as Float64Array;
    t.ok(back instanceof Float64Array, 'typed arrays come back typed');
    t.equal(back.length, 100_000);
  });

  t.test('client.compute and persist keep results on the cluster', async (t) => {
    const x = delayed(inc)(41);
    const f = client.compute(x);
    t.ok(f instanceof Future);
    t.equal(await f, 42);
    const y = delayed(double)(x);
    const [py] = await persist(y);
    t.equal(await py.compute(), 84);
    const z = delayed(add)(py, 1);
    t.equal(await z.compute(), 85, 'a persisted result feeds later graphs');
    const g = client.map(inc, [5, 6]);
    await wait(g);
    t.same(
      g.map((f) => f.status),
      ['finished', 'finished'],
      'status follows without asking for results',
    );
  });

  t.test('client.compute of a collection finalized by the caller (a bag)', async (t) => {
    const b = db.fromSequence([1, 2, 3, 4, 5, 6], { npartitions: 3 }).map(double);
    const cf = client.compute(b);
    t.same(await cf, [2, 4, 6, 8, 10, 12]);
    t.equal(cf.status, 'finished');
    t.equal(await b.sum().compute(), 42, 'bag reductions through the default client');
    const [pb] = await persist(b);
    t.same(await pb.compute(), [2, 4, 6, 8, 10, 12], 'a persisted bag');
  });

  t.test('the dashboard serves live state', async (t) => {
    const res = await fetch(sched.dashboard!);
    t.equal(res.status, 200);
    t.match(await res.text(), /tsdask dashboard/);
    const api = (await (await fetch(sched.dashboard!.replace('/status', '/api/state'))).json()) as {
      workers: { nthreads: number; memoryLimit: number }[];
      tasksCompleted: number;
      groups: { name: string }[];
    };
    t.equal(api.workers.length, 2);
    t.equal(api.workers[0].memoryLimit, 1e9);
    t.ok(api.tasksCompleted > 0);
  });

  t.test('progress callbacks see every task of a graph run through the client', async (t) => {
    const seen: string[] = [];
    let finished = 0;
    const xs = Array.from({ length: 5 }, (_, i) => delayed(double)(i + 100));
    const z = delayed(total)(xs);
    const [v] = await compute(z, { callbacks: [{ posttask: (e: { key: string }) => seen.push(e.key), finish: () => finished++ }] });
    t.equal(v, 2 * (100 + 101 + 102 + 103 + 104));
    t.equal(seen.length, 6);
    t.ok(seen.includes(z.key));
    t.equal(finished, 1);
  });

  t.test('futures dropped by user code are released on the cluster', async (t) => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const tasksOnCluster = async () => ((await (await fetch(sched.dashboard!.replace('/status', '/api/state'))).json()) as { tasks: number }).tasks;
    const held = client.heldKeys;
    await (async () => {
      const fs = client.map(
        triple,
        Array.from({ length: 50 }, (_, i) => i),
      );
      t.equal((await client.gather(fs)).length, 50);
      t.equal(client.heldKeys, held + 50);
    })();
    const during = await tasksOnCluster();
    for (let i = 0; i < 50 && client.heldKeys > held; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 20));
    }
    t.ok(client.heldKeys <= held, 'the client let go of the keys');
    // The release reaches the scheduler asynchronously: wait for it to forget them, not for a time.
    const deadline = Date.now() + 30_000;
    let left = await tasksOnCluster();
    while (left > during - 50 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      left = await tasksOnCluster();
    }
    t.ok(left <= during - 50, `the scheduler forgot them (${left} tasks left of ${during})`);
  });

  t.test('a 200-task dependent graph', async (t) => {
    let level = Array.from({ length: 100 }, (_, i) => delayed(inc)(i));
    while (level.length > 1) {
      const next = [];
      for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? delayed(add)(level[i], level[i + 1]) : level[i]);
      level = next;
    }
    t.equal(await level[0].compute(), 5050);
  });

  t.test('restart clears the workers and cancels futures; the cluster serves after', async (t) => {
    const held = client.submit(inc, 500);
    t.equal(await held, 501);
    await client.restart();
    t.equal(held.status, 'cancelled');
    await t.rejects(held.result(), { name: 'CancelledError' });
    t.match(String(client), /workers=2/);
    t.equal(await client.submit(inc, 1), 2);
  });
});
