/**
 * Repeated failures during one graph: a worker node stopped with SIGINT and five SIGKILLs of
 * worker processes while a 480-task graph and a concurrent `client.map` run, then exact
 * results (checked against plain arithmetic) and a cluster that still serves.
 *
 * Every kill is proven to land mid-run from the scheduler's own state (it runs in this
 * process): the victim was executing a task of the graph at the moment of the kill, and the
 * graph still had unfinished tasks. The graph's last task waits for a gate file the test
 * writes only after the last kill, so the graph cannot finish before the kills are done.
 */
import t from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, delayed, type Delayed } from '../../src/index.js';
import { SchedulerServer } from '../../src/distributed/index.js';
import type { WorkerState } from '../../src/distributed/scheduler/tasks.js';
import { childPids, startWorkers, stop } from './procs.js';

// Deliberate delays inside the tasks: they keep work pending long enough to be killed.
const leaf = (i: number) => new Promise<number>((r) => setTimeout(() => r(i * i), 30));
const pair = (a: number, b: number) => new Promise<number>((r) => setTimeout(() => r(a + b), 10));
const tripled = (x: number) => new Promise<number>((r) => setTimeout(() => r(3 * x), 20));
/** The graph's root: hands on its input once the gate file exists. */
const gated = (total: number, gate: string) =>
  new Promise<number>((resolve) => {
    const fs = process.getBuiltinModule('node:fs');
    const check = () => (fs.existsSync(gate) ? resolve(total) : setTimeout(check, 20));
    check();
  });
const inc = (x: number) => x + 1;

const LEAVES = 240;
const MAPPED = 150;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Wait for `cond` to hold (checked every 10 ms), or fail naming what was awaited. */
async function until<T>(what: string, cond: () => T | undefined | false, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = cond();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

t.test('five SIGKILLs and a SIGINTed node during one graph and a concurrent map', async (t) => {
  const sched = await SchedulerServer.start({ host: '127.0.0.1', port: 0, dashboardAddress: null, allowedFailures: 50 });
  t.teardown(() => sched.close());
  const node1 = await startWorkers(sched.address, ['--nworkers', '2', '--nthreads', '1']);
  t.teardown(() => stop(node1));
  const node2 = await startWorkers(sched.address, ['--nworkers', '1', '--nthreads', '1']);
  t.teardown(() => stop(node2));
  const client = await Client.connect(sched.address, { setAsDefault: false });
  t.teardown(() => client.close());
  await client.waitForWorkers(3);
  const state = sched.state;

  // The graph: 240 leaves, a pairwise tree of sums, and the gated root (480 tasks).
  let level: Delayed<number>[] = Array.from({ length: LEAVES }, (_, i) => delayed(leaf)(i));
  while (level.length > 1) {
    const next: Delayed<number>[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? delayed(pair)(level[i], level[i + 1]) : level[i]);
    level = next;
  }
  const gate = join(mkdtempSync(join(tmpdir(), 'tsdask-fault-')), 'open');
  const root = delayed(gated)(level[0], gate);
  t.equal(Object.keys(root.graph()).length, 2 * LEAVES, `${2 * LEAVES} tasks`);

  // Expected values by plain arithmetic, written independently of the graph.
  let wantTotal = 0;
  for (let i = 0; i < LEAVES; i++) wantTotal += i * i;
  const wantMapped = Array.from({ length: MAPPED }, (_, i) => 3 * (i + 1000));

  const mapped = client.map(
    tripled,
    Array.from({ length: MAPPED }, (_, i) => i + 1000),
  );
  const mapKeys = new Set(mapped.map((f) => f.key));
  const running = root.compute({ scheduler: client });
  const settled = running.then(
    () => undefined,
    (e: unknown) => e,
  );

  const isGraphTask = (key: string) => !mapKeys.has(key);
  const unfinished = () => [...state.tasks.values()].filter((ts) => isGraphTask(ts.key) && ts.state !== 'memory').length;
  /** A live worker among `pids` executing a task of the graph right now. */
  const executingGraphTask = (pids: readonly number[]) =>
    [...state.workers.values()].find((w) => w.status === 'running' && pids.includes(w.pid) && [...w.executing].some((ts) => isGraphTask(ts.key)));
  const gone = (w: WorkerState) => ![...state.workers.values()].includes(w);

  // The SIGINT: node2's only worker, while it executes a task of the graph.
  const node2Pids = childPids(node2.child.pid!);
  t.equal(node2Pids.length, 1, 'node2 runs one worker process');
  const w2 = await until('node2 to execute a task of the graph', () => executingGraphTask(node2Pids));
  const atSigint = { executing: [...w2.executing].filter((ts) => isGraphTask(ts.key)).length, unfinished: unfinished() };
  node2.kill('SIGINT');
  await node2.exited;
  t.notOk(alive(node2Pids[0]), 'node2 stopped its worker process and exited');
  await until('the scheduler to drop node2', () => gone(w2));
  t.ok(
    atSigint.executing > 0 && atSigint.unfinished > 0,
    `SIGINT landed mid-run: node2 was executing ${atSigint.executing} graph task(s), ${atSigint.unfinished} unfinished`,
  );

  // Five SIGKILLs of node1's worker processes, each while its victim executes a graph task.
  const kills: { pid: number; executing: number; unfinished: number }[] = [];
  for (let k = 0; k < 5; k++) {
    const victim = await until(`a node1 worker executing a graph task (kill ${k + 1})`, () => executingGraphTask(childPids(node1.child.pid!)));
    const executing = [...victim.executing].filter((ts) => isGraphTask(ts.key)).length;
    const open = unfinished();
    process.kill(victim.pid, 'SIGKILL');
    kills.push({ pid: victim.pid, executing, unfinished: open });
    await until(`the scheduler to notice the death of pid ${victim.pid}`, () => gone(victim));
  }
  t.equal(kills.length, 5, 'five SIGKILLs');
  for (const [i, k] of kills.entries()) {
    t.ok(
      k.executing > 0 && k.unfinished > 0,
      `kill ${i + 1} (pid ${k.pid}) landed mid-run: ${k.executing} graph task(s) executing on it, ${k.unfinished} unfinished`,
    );
  }
  t.equal(new Set(kills.map((k) => k.pid)).size, 5, 'five different processes died (the nanny restarted each)');
  t.equal(await Promise.race([settled, Promise.resolve('still running')]), 'still running', 'the graph had not settled when the kills were done');

  writeFileSync(gate, '');
  t.equal(await running, wantTotal, 'exact graph result after six failures');
  t.same(await client.gather(mapped), wantMapped, 'exact results of the concurrent map');

  await client.waitForWorkers(2);
  t.equal(await client.submit(inc, 41), 42, 'the cluster serves a new computation');
  const fresh = delayed(pair)(delayed(leaf)(7), delayed(leaf)(8));
  t.equal(await fresh.compute({ scheduler: client }), 49 + 64, 'and a new graph');
});
