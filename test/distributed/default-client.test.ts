/**
 * The default Client: 'distributed' names it; the most recently connected open Client is the
 * default, closing it falls back to the one before, then to local scheduling; between a
 * Client and config.set / config.with the later setting wins (as in Dask). Also
 * `client.persist` of one collection or a list, and `shutdown()` resolving only once the
 * scheduler (and a LocalCluster's workers) stopped and the port refuses connections.
 *
 * Where a compute ran is read from the pid its task saw: a worker process of cluster A, of
 * cluster B, or this process (sync and threads run here).
 */
import t from 'tap';
import { connect as tcpConnect } from 'node:net';
import * as db from '../../src/bag/index.js';
import { Client, compute, config, delayed, Delayed, LocalCluster, persist, wait } from '../../src/index.js';
import { startScheduler, stop } from './procs.js';

const pid = (): number => process.pid;
const inc = (x: number) => x + 1;
const add = (x: number, y: number) => x + y;

/** A fresh task each time (pure: false), so no result is reused between computes. */
const where = () => delayed(pid, { pure: false })();
const ranAt = async (opts?: { scheduler: 'distributed' }): Promise<number> => (opts ? (await compute(where(), opts))[0] : (await compute(where()))[0]);

/** 'refused' once nothing listens on the address's port, 'accepted' while something does. */
function probe(address: string): Promise<string> {
  const u = new URL(address.replace(/^(tcp|tls):/, 'http:'));
  return new Promise((resolve) => {
    const s = tcpConnect(Number(u.port), u.hostname);
    s.once('connect', () => {
      s.destroy();
      resolve('accepted');
    });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED' ? 'refused' : `error ${e.code}`));
  });
}

function alive(p: number): boolean {
  try {
    process.kill(p, 0);
    return true;
  } catch {
    return false;
  }
}

t.test('the default Client', async (t) => {
  const [clusterA, clusterB] = await Promise.all([
    LocalCluster.start({ nWorkers: 1, dashboardAddress: null }),
    LocalCluster.start({ nWorkers: 1, dashboardAddress: null }),
  ]);
  t.teardown(() => Promise.all([clusterA.close(), clusterB.close()]));
  t.teardown(() => config.reset());
  const pidA = clusterA.workers[0].pid!;
  const pidB = clusterB.workers[0].pid!;
  const here = process.pid;
  t.not(pidA, here);
  t.not(pidB, pidA);

  // A config.set made BEFORE connecting does not beat the Client.
  const undoEarly = config.set({ scheduler: 'sync' });
  const a = await Client.connect(clusterA);
  t.teardown(() => a.close());
  t.equal(config.get('scheduler'), a, 'the Client connected after config.set is the scheduler');
  t.equal(await ranAt(), pidA, 'compute runs on cluster A');

  // Item 5: 'distributed' means the default Client, per call, in config.set and in config.with.
  t.equal(await ranAt({ scheduler: 'distributed' }), pidA, "compute(x, { scheduler: 'distributed' })");
  t.equal(await where().compute({ scheduler: 'distributed' }), pidA, "x.compute({ scheduler: 'distributed' })");
  t.equal(await config.with({ scheduler: 'distributed' }, () => ranAt()), pidA, "config.with({ scheduler: 'distributed' })");
  const undoDistributed = config.set({ scheduler: 'distributed' });
  t.equal(await ranAt(), pidA, "config.set({ scheduler: 'distributed' })");
  undoDistributed();

  // A config.set made AFTER connecting wins over the Client.
  const undoLate = config.set({ scheduler: 'sync' });
  t.equal(config.get('scheduler'), 'sync');
  t.equal(await ranAt(), here, 'config.set after connecting: runs here');

  // A newer Client wins over that config.set again, and 'distributed' follows it.
  const b = await Client.connect(clusterB);
  t.teardown(() => b.close());
  t.equal(config.get('scheduler'), b);
  t.equal(await ranAt(), pidB, 'the most recently connected Client is the default');
  t.equal(await ranAt({ scheduler: 'distributed' }), pidB, "'distributed' is the most recent Client");

  // A config.with entered after the Client connected wins inside its scope...
  await config.with({ scheduler: 'threads' }, async () => {
    t.equal(config.get('scheduler'), 'threads');
    t.equal(await ranAt(), here, 'config.with after connecting: runs here (threads)');
  });
  // ...and one entered before a Client connects does not.
  await config.with({ scheduler: 'sync' }, async () => {
    const c = await Client.connect(clusterA);
    try {
      t.equal(config.get('scheduler'), c, 'a Client connected inside the scope beats the scope');
      t.equal(await ranAt(), pidA, 'runs on the cluster of the Client connected last');
    } finally {
      await c.close();
    }
    t.equal(config.get('scheduler'), 'sync', 'that Client closed: the scope (newer than B) holds again');
  });
  t.equal(config.get('scheduler'), b, 'outside the scope B is the default');

  // A Client connected with setAsDefault: false never becomes the default.
  const side = await Client.connect(clusterA, { setAsDefault: false });
  t.equal(config.get('scheduler'), b, 'setAsDefault: false leaves the default alone');
  t.equal(await where().compute({ scheduler: side }), pidA, 'but it runs work passed to it');
  await side.close();

  // Closing the default falls back to the previous open Client, then to local scheduling.
  undoLate();
  undoEarly();
  t.equal(config.get('scheduler'), b);
  await b.close();
  t.equal(config.get('scheduler'), a, 'closing B falls back to A');
  t.equal(await ranAt(), pidA, 'and compute runs on cluster A');
  t.equal(await ranAt({ scheduler: 'distributed' }), pidA, "'distributed' falls back to A");
  await a.close();
  t.equal(config.get('scheduler'), undefined, 'no Client left');
  t.equal(await ranAt(), here, 'compute runs locally again');
  await t.rejects(ranAt({ scheduler: 'distributed' }), /scheduler 'distributed' needs a connected Client/);
});

t.test('client.persist takes one collection or a list, as Dask does', async (t) => {
  const cluster = await LocalCluster.start({ nWorkers: 1, dashboardAddress: null });
  const client = await Client.connect(cluster, { setAsDefault: false });
  t.teardown(async () => {
    await client.close();
    await cluster.close();
  });
  const d = delayed(add)(delayed(inc)(1), 10);
  const held = client.heldKeys;
  const one = await client.persist(d);
  t.ok(one instanceof Delayed, 'one delayed value in, one Delayed out (not an array)');
  t.equal(client.heldKeys, held + 1, 'its result is held on the cluster');
  t.equal(await one.compute({ scheduler: client }), 1 + 1 + 10);
  t.equal(await delayed(inc)(one).compute({ scheduler: client }), 13, 'usable as an input to later work');

  const bag = db.fromSequence([1, 2, 3, 4, 5], { npartitions: 2 }).map(inc);
  const persistedBag = await client.persist(bag);
  t.same(await persistedBag.compute({ scheduler: client }), [2, 3, 4, 5, 6], 'one Bag in, one Bag out');

  const list = await client.persist([d, bag] as const);
  t.ok(Array.isArray(list), 'a list in, a list out');
  t.equal(list.length, 2);
  t.equal(await list[0].compute({ scheduler: client }), 12);
  t.same(await list[1].compute({ scheduler: client }), [2, 3, 4, 5, 6]);

  const [viaPersist] = await persist(d, { scheduler: client });
  t.equal(await viaPersist.compute({ scheduler: client }), 12, 'persist() with the Client as scheduler still works');
  await t.rejects(client.persist([d, 42 as unknown as Delayed<number>]), /client\.persist: item 1 is number, not a collection/);
});

t.test('wait: timeout is in milliseconds and must be a non-negative number', async (t) => {
  const cluster = await LocalCluster.start({ nWorkers: 1, dashboardAddress: null });
  const client = await Client.connect(cluster, { setAsDefault: false });
  t.teardown(async () => {
    await client.close();
    await cluster.close();
  });
  // A task asking for a resource no worker has stays pending for the whole test.
  const f = client.submitWith({ pure: false, resources: { NO_SUCH_RESOURCE: 1 } }, inc, 1);
  await t.rejects(wait(f, { timeout: 5 }), { name: 'TimeoutError', message: /1 of 1 futures not done after 5 ms/ });
  await t.rejects(wait(f, { timeout: -1 }), { name: 'TypeError', message: /wait: timeout must be a non-negative number of milliseconds, got -1/ });
  await t.rejects(wait(f, { timeout: Number.NaN }), { name: 'TypeError', message: /got NaN/ });
  const quick = client.submit(inc, 1);
  const { done, notDone } = await wait([quick], { timeout: 60_000 });
  t.same([done.length, notDone.length], [1, 0]);
  await f.cancel();
});

t.test('shutdown resolves once the LocalCluster and its workers stopped and the port refuses', async (t) => {
  const cluster = await LocalCluster.start({ nWorkers: 2, dashboardAddress: null });
  const client = await Client.connect(cluster, { setAsDefault: false });
  const workerPids = cluster.workers.map((w) => w.pid!);
  t.equal(await client.submit(inc, 1), 2);
  t.equal(await probe(cluster.schedulerAddress), 'accepted', 'the scheduler listens before shutdown');
  await client.shutdown();
  t.equal(await probe(cluster.schedulerAddress), 'refused', 'the port refuses connections once shutdown resolved');
  t.same(workerPids.map(alive), [false, false], 'every worker process exited');
  await t.rejects(
    Promise.resolve().then(() => client.submit(inc, 1)),
    /this Client is closed/,
  );

  // Without workers to stop, nothing else can hide a shutdown that resolves too early.
  const bare = await LocalCluster.start({ nWorkers: 0, dashboardAddress: null });
  const c2 = await Client.connect(bare, { setAsDefault: false });
  await c2.shutdown();
  t.equal(await probe(bare.schedulerAddress), 'refused', 'a worker-less LocalCluster: refused once shutdown resolved');
});

t.test('shutdown of a `tsdask scheduler` process: the port refuses and the process ends', async (t) => {
  const sched = await startScheduler(['--no-dashboard']);
  t.teardown(() => stop(sched.proc));
  const client = await Client.connect(sched.address, { setAsDefault: false });
  t.equal(await probe(sched.address), 'accepted');
  await client.shutdown();
  t.equal(await probe(sched.address), 'refused', 'the port refuses connections once shutdown resolved');
  const exited = await Promise.race([sched.proc.exited, new Promise<'running'>((r) => setTimeout(() => r('running'), 20_000))]);
  t.not(exited, 'running', 'the scheduler process ended');
  t.match(sched.proc.output(), /stopping \(shut down by a client\)/);
});
