/**
 * Failures with real processes: SIGKILL a worker in the middle of a dependent computation,
 * a task that kills every worker it runs on, and scattered data lost with its worker.
 */
import t from 'tap';
import { Client, delayed, KilledWorker, LostDataError } from '../../src/index.js';
import { childPids, startScheduler, startWorkers, stop } from './procs.js';

const slowInc = (x: number) => new Promise<number>((r) => setTimeout(() => r(x + 1), 15));
const slowAdd = (x: number, y: number) => new Promise<number>((r) => setTimeout(() => r(x + y), 15));
const inc = (x: number) => x + 1;
const suicide = (x: number) => {
  process.kill(process.pid, 'SIGKILL');
  return x;
};

async function waitFor(cond: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

t.test('fault tolerance', async (t) => {
  // A silent worker is dropped after 3 s without heartbeats (default 60 s).
  const sched = await startScheduler(['--no-dashboard', '--allowed-failures', '1'], { TSDASK_WORKER_TTL_MS: '3000' });
  t.teardown(() => stop(sched.proc));
  const workers = await startWorkers(sched.address, ['--nworkers', '2', '--nthreads', '1']);
  t.teardown(() => stop(workers));
  const client = await Client.connect(sched.address);
  t.teardown(() => client.close());
  await client.waitForWorkers(2);

  t.test('SIGKILL a worker in the middle of a 200-task dependent computation', async (t) => {
    // 100 leaves, 99 pairwise adds, one final inc: 200 tasks, every result feeds another.
    let level = Array.from({ length: 100 }, (_, i) => delayed(slowInc)(i));
    while (level.length > 1) {
      const next = [];
      for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? delayed(slowAdd)(level[i], level[i + 1]) : level[i]);
      level = next;
    }
    const final = delayed(inc)(level[0]);
    t.equal(Object.keys(final.graph()).length, 200);
    // Kill once 20 of the 200 tasks have finished (the scheduler's task-done events), while
    // the rest are still pending: the kill lands mid-run, not before the first task or after the last.
    let finished = 0;
    let reachedTwenty: () => void = () => undefined;
    const twentyDone = new Promise<void>((r) => (reachedTwenty = r));
    const counter = {
      posttask: () => {
        if (++finished === 20) reachedTwenty();
      },
    };
    let settled = false;
    const running = final.compute({ callbacks: [counter] });
    void running.finally(() => (settled = true)).catch(() => undefined);
    await twentyDone;
    const pids = childPids(workers.child.pid!);
    t.equal(pids.length, 2, 'two worker processes');
    const doneAtKill = finished;
    const settledAtKill = settled;
    process.kill(pids[0], 'SIGKILL');
    t.ok(!settledAtKill && doneAtKill < 200, `the kill landed mid-run (${doneAtKill} of 200 tasks done)`);
    t.equal(await running, 5050 + 1, 'exact result after losing a worker');
    await waitFor(() => childPids(workers.child.pid!).length === 2);
    await client.waitForWorkers(2);
    t.not(childPids(workers.child.pid!).sort().join(), pids.sort().join(), 'the nanny started a new worker');
  });

  t.test('a task that kills its workers fails as KilledWorker naming it', async (t) => {
    const innocent = client.map(slowInc, [1000, 1001, 1002, 1003]);
    const bad = client.submit(suicide, 1);
    const err = (await bad.result().catch((e: unknown) => e)) as Error & { taskKey?: string };
    t.ok(err instanceof KilledWorker, `KilledWorker, got ${err.name}: ${err.message}`);
    t.equal(err.taskKey, bad.key);
    t.match(err.message, bad.key);
    t.match(err.message, /workers that died/);
    t.same(await client.gather(innocent), [1001, 1002, 1003, 1004], 'other tasks still finish');
    await client.waitForWorkers(2);
  });

  t.test('scattered data lost with its workers is reported, never wrong', async (t) => {
    const [data] = await client.scatter([[1, 2, 3]]);
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    t.equal(await client.submit(sum, data), 6);
    for (const pid of childPids(workers.child.pid!)) process.kill(pid, 'SIGKILL');
    await waitFor(() => data.status !== 'finished');
    const err = await data.result().catch((e: unknown) => e);
    t.ok(err instanceof LostDataError, `LostDataError, got ${String(err)}`);
    const message = err instanceof Error ? err.message : String(err);
    t.match(message, /scattered data .* was lost/);
    t.match(message, /scatter it again/);
    await client.waitForWorkers(2);
    const later = client.submitWith({ pure: false }, sum, data);
    await t.rejects(later.result(), { name: 'LostDataError' }, 'dependents fail too');
    t.equal(await client.submit(inc, 41), 42, 'the cluster keeps serving');
  });

  t.test('a frozen worker (no heartbeats, socket open) is dropped and its work redone', async (t) => {
    const pids = childPids(workers.child.pid!);
    const sleepy = (x: number) => new Promise<number>((r) => setTimeout(() => r(x * 10), 50));
    const fs = client.map(
      sleepy,
      Array.from({ length: 40 }, (_, i) => i + 7000),
    );
    // Freeze a worker once work is under way: the first result is in and most are pending.
    await Promise.race(fs.map((f) => f.whenDone()));
    t.ok(fs.filter((f) => f.done()).length < 40, 'results still pending when the worker freezes');
    process.kill(pids[0], 'SIGSTOP');
    try {
      const vs = await client.gather(fs);
      t.equal(vs.length, 40);
      t.equal(vs[39], 70_390, 'every result, computed by the live worker');
    } finally {
      process.kill(pids[0], 'SIGCONT');
    }
    await client.waitForWorkers(2);
  });
});
