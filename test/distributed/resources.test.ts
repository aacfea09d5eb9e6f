/**
 * Worker resources on a real cluster: `tsdask worker --resources GPU=1` processes, tasks
 * submitted with `{ resources: { GPU: 1 } }`, a task waiting for a resource no worker has, a
 * GPU worker SIGKILLed mid-task, and bad --resources values.
 */
import t from 'tap';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, delayed, Future, LocalCluster } from '../../src/index.js';
import { childPids, startCli, startScheduler, startWorkers, stop } from './procs.js';

interface Run {
  pid: number;
  start: number;
  end: number;
}

/** Hold a thread for `ms` (blocking, so the task really occupies its slot) and say where and when. */
const hold = (ms: number): Run => {
  const start = Date.now();
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  return { pid: process.pid, start, end: Date.now() };
};

/** First attempt: leave a mark naming this process and block for a long time; a rerun returns at once. */
const markThenHang = (mark: string): number => {
  const fs = process.getBuiltinModule('node:fs');
  if (!fs.existsSync(mark)) {
    fs.writeFileSync(mark, String(process.pid));
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
  }
  return process.pid;
};

const whoAmI = (x: number) => ({ pid: process.pid, x });

/** An async task that leaves `<mark>.end` when it really ends (a cancelled one keeps running). */
const slowAsync = async (mark: string): Promise<number> => {
  const fs = process.getBuiltinModule('node:fs');
  fs.writeFileSync(`${mark}.start`, String(Date.now()));
  await new Promise((r) => setTimeout(r, 1500));
  fs.writeFileSync(`${mark}.end`, String(Date.now()));
  return 1;
};

async function waitUntil(cond: () => boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

const overlaps = (a: Run, b: Run) => a.start < b.end && b.start < a.end;

/** How many tasks of a group the scheduler holds back (waiting, queued or no-worker), read from its dashboard. */
async function heldBack(dashboard: string, group: string): Promise<number> {
  const state: unknown = await (await fetch(dashboard.replace('/status', '/api/state'))).json();
  const groups: unknown[] = typeof state === 'object' && state !== null && 'groups' in state && Array.isArray(state.groups) ? state.groups : [];
  for (const g of groups) {
    if (typeof g === 'object' && g !== null && 'name' in g && g.name === group && 'waiting' in g && typeof g.waiting === 'number') return g.waiting;
  }
  return 0;
}

/** Wait until the scheduler holds back at least one task of `group` (its decision, not elapsed time). */
async function untilHeldBack(dashboard: string, group: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while ((await heldBack(dashboard, group)) < 1) {
    if (Date.now() > deadline) throw new Error(`the scheduler did not hold back a '${group}' task within ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

t.test('resources on a scheduler and worker processes', async (t) => {
  const sched = await startScheduler(['--dashboard-address', '127.0.0.1:0']);
  const dashboard = sched.dashboard!;
  t.teardown(() => stop(sched.proc));
  const [gpuA, plainB] = await Promise.all([
    startWorkers(sched.address, ['--nthreads', '2', '--resources', 'GPU=1', '--name', 'gpu-a']),
    startWorkers(sched.address, ['--nthreads', '2', '--name', 'plain-b']),
  ]);
  t.teardown(() => stop(gpuA));
  t.teardown(() => stop(plainB));
  const client = await Client.connect(sched.address, { setAsDefault: false });
  t.teardown(() => client.close());
  await client.waitForWorkers(2);
  const pidsA = () => childPids(gpuA.child.pid!);
  const pidsB = () => childPids(plainB.child.pid!);

  t.test('the worker announces its resources', async (t) => {
    const info = await client.schedulerInfo();
    const byName = new Map(info.workerList.map((w) => [w.name, w.resources]));
    t.same(byName.get('gpu-a'), { GPU: 1 });
    t.same(byName.get('plain-b'), {});
    t.match(gpuA.output(), /resources GPU=1/, 'and prints them');
  });

  t.test('GPU tasks run only on the GPU worker, one at a time; plain tasks fill the other slots', async (t) => {
    const [a] = pidsA();
    const [b] = pidsB();
    t.ok(a !== undefined && b !== undefined, 'one worker process each');
    const gpu = Array.from({ length: 6 }, (_, i) => client.submitWith({ resources: { GPU: 1 }, key: `gpu-${i}` }, hold, 250));
    const plain = Array.from({ length: 12 }, (_, i) => client.submitWith({ key: `plain-${i}` }, hold, 150));
    const gpuRuns = await client.gather(gpu);
    const plainRuns = await client.gather(plain);
    t.same(
      gpuRuns.map((r) => r.pid),
      gpuRuns.map(() => a),
      'all six on the GPU=1 worker',
    );
    const sorted = [...gpuRuns].sort((x, y) => x.start - y.start);
    for (let i = 1; i < sorted.length; i++)
      t.ok(sorted[i].start >= sorted[i - 1].end, `GPU run ${i} starts after run ${i - 1} ended (${sorted[i].start} >= ${sorted[i - 1].end})`);
    const plainPids = new Set(plainRuns.map((r) => r.pid));
    t.ok(plainPids.has(a) && plainPids.has(b), 'plain tasks run on both workers');
    const beside = plainRuns.filter((r) => r.pid === a && gpuRuns.some((g) => overlaps(g, r)));
    t.ok(beside.length > 0, 'a plain task ran on the GPU worker’s second thread while a GPU task ran');
  });

  t.test('a task asking for FPGA=1 waits until a worker with an FPGA joins', async (t) => {
    const f = client.submitWith({ resources: { FPGA: 1 } }, whoAmI, 7);
    await untilHeldBack(dashboard, 'whoAmI');
    t.equal(f.status, 'pending', 'no worker has an FPGA: the scheduler holds the task back');
    const fpga = await startWorkers(sched.address, ['--nthreads', '1', '--resources', 'FPGA=1', '--name', 'fpga-c']);
    t.teardown(() => stop(fpga));
    const r = await f.result();
    t.equal(r.x, 7);
    t.same([r.pid], childPids(fpga.child.pid!), 'it ran on the new FPGA worker');
  });

  t.test('a GPU worker SIGKILLed mid-task: the task reruns on a GPU worker, never on the plain one', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'tsdask-resources-'));
    const mark = join(dir, 'started');
    const [victim] = pidsA();
    const f = client.submitWith({ resources: { GPU: 1 }, pure: false }, markThenHang, mark);
    await waitUntil(() => existsSync(mark) && readFileSync(mark, 'utf8') !== '');
    t.equal(Number(readFileSync(mark, 'utf8')), victim, 'the task started on the GPU worker');
    t.equal(f.status, 'pending', 'and had not finished when the kill landed');
    process.kill(victim, 'SIGKILL');
    const pid = await f.result();
    t.not(pid, victim, 'it finished in another process');
    t.notOk(pidsB().includes(pid), 'not on the worker without a GPU');
    t.ok(pidsA().includes(pid), 'on the GPU worker the nanny started afterwards');
    // The dead worker's GPU is not leaked: GPU tasks keep running one at a time.
    const again = await client.gather([0, 1].map((i) => client.submitWith({ resources: { GPU: 1 }, pure: false, key: `after-${i}` }, hold, 50)));
    t.same(
      again.map((r) => r.pid),
      [pid, pid],
    );
    t.notOk(overlaps(again[0], again[1]), 'still one at a time');
  });

  t.test('the worker keeps a cancelled task’s resources until its function really ends', async (t) => {
    // Inline executor: a running async function cannot be stopped, so the scheduler's freed
    // TPU must not let the next TPU task start beside it.
    const w = await startWorkers(sched.address, ['--nthreads', '2', '--executor', 'inline', '--resources', 'TPU=1', '--name', 'inline-tpu']);
    t.teardown(() => stop(w));
    const mark = join(mkdtempSync(join(tmpdir(), 'tsdask-resources-')), 'a');
    const a = client.submitWith({ resources: { TPU: 1 }, pure: false }, slowAsync, mark);
    await waitUntil(() => existsSync(`${mark}.start`));
    const b = client.submitWith({ resources: { TPU: 1 }, pure: false }, hold, 10);
    await untilHeldBack(dashboard, 'hold');
    t.equal(b.status, 'pending', 'the TPU is held: the scheduler holds the next TPU task back');
    await client.cancel([a]);
    const run = await b.result();
    t.ok(existsSync(`${mark}.end`), 'the cancelled function ran to its end');
    const end = existsSync(`${mark}.end`) ? Number(readFileSync(`${mark}.end`, 'utf8')) : Infinity;
    t.ok(run.start >= end, `the next TPU task started after it ended (${run.start} >= ${end})`);
    t.same([run.pid], childPids(w.child.pid!));
  });

  t.test('bad --resources values are refused, naming the value and the form', async (t) => {
    const cases: [string, RegExp][] = [
      ['GPU', /bad --resources 'GPU': 'GPU' has no amount; expected NAME=AMOUNT/],
      ['GPU=x', /bad --resources 'GPU=x': the amount 'x' of GPU is not a non-negative number; expected NAME=AMOUNT/],
      ['GPU=-1', /bad --resources 'GPU=-1': the amount '-1' of GPU is not a non-negative number/],
    ];
    await Promise.all(
      cases.map(async ([value, re]) => {
        const p = startCli(['worker', sched.address, '--resources', value]);
        const { code } = await p.exited;
        t.equal(code, 2, `--resources ${value}: usage error exit code`);
        t.match(p.output(), re, `--resources ${value}: ${p.output().trim()}`);
        t.match(p.output(), /e\.g\. 'GPU=2,MEM=10e9'/);
      }),
    );
  });

  t.test('--resources "GPU=2 MEM=10e9" (spaces) is read like commas', async (t) => {
    const w = await startWorkers(sched.address, ['--nthreads', '1', '--resources', 'GPU=2 MEM=10e9', '--name', 'spaced']);
    t.teardown(() => stop(w));
    const info = await client.schedulerInfo();
    t.same(info.workerList.find((x) => x.name === 'spaced')?.resources, { GPU: 2, MEM: 10e9 });
  });
});

t.test('LocalCluster resources; map and compute with resources', async (t) => {
  const cluster = await LocalCluster.start({ nWorkers: 1, threadsPerWorker: 2, memoryLimit: 0, dashboardAddress: null, resources: { GPU: 1 } });
  t.teardown(() => cluster.close());
  const client = await Client.connect(cluster, { setAsDefault: false });
  t.teardown(() => client.close());
  const info = await client.schedulerInfo();
  t.same(
    info.workerList.map((w) => w.resources),
    [{ GPU: 1 }],
  );
  const runs = await client.gather(client.map(hold, [100, 101, 102, 103], { resources: { GPU: 1 } }));
  const sorted = [...runs].sort((x, y) => x.start - y.start);
  for (let i = 1; i < sorted.length; i++) t.ok(sorted[i].start >= sorted[i - 1].end, `map: run ${i} after run ${i - 1} although there are 2 threads`);
  // Asking for more than any worker has waits; compute applies resources to every task.
  const tooMuch = client.compute(delayed(whoAmI)(1), { resources: { GPU: 2 } });
  if (!(tooMuch instanceof Future)) throw new Error('compute of a Delayed gives a Future');
  const state = cluster.scheduler.state;
  await waitUntil(() => state.tasks.get(tooMuch.key)?.state === 'no-worker');
  t.equal(tooMuch.status, 'pending', 'GPU=2 wanted, GPU=1 available: it waits as no-worker');
  await client.cancel([tooMuch]);
  t.equal((await client.compute(delayed(whoAmI)(2), { resources: { GPU: 1 } }).result()).x, 2);
  t.throws(() => client.submitWith({ resources: { GPU: -1 } }, whoAmI, 1), /resource GPU must be a non-negative number, got -1/);
  await t.rejects(LocalCluster.start({ nWorkers: 0, resources: { GPU: Number.NaN } }), /LocalCluster: resource GPU must be a non-negative number, got NaN/);
});
