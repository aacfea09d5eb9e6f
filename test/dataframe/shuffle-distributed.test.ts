/**
 * Shuffles on the distributed scheduler: pieces move worker to worker, a worker SIGKILLed in
 * the middle of a shuffle costs time, not answers; persisted partitions stay on the workers
 * (the CSV they came from can be deleted) and later groupby / merge / sort reuse them.
 */
import t from 'tap';
import { unlinkSync } from 'node:fs';
import { Client, LocalCluster } from '../../src/index.js';
import { materialize } from '../../src/core/collection.js';
import type { Task } from '../../src/core/graph.js';
import type * as dd from '../../src/dataframe/index.js';
import { computeFrame, csvFrame, sortedRows } from './groupby-helpers.js';

const lines = ['k,g,v'];
for (let i = 0; i < 30000; i++) lines.push(`key${(i * 7919) % 1500},${i % 7},${(i * 31) % 1000}`);
const DATA = lines.join('\n') + '\n';

t.test('distributed shuffle: a worker killed mid-shuffle changes no answer', async (t) => {
  const cluster = await LocalCluster.start({ nWorkers: 2, threadsPerWorker: 1, dashboardAddress: null });
  const client = await Client.connect(cluster);
  t.teardown(() => client.shutdown());
  const df = csvFrame(DATA, 10_000);
  t.ok(df.npartitions >= 30, `${df.npartitions} input partitions`);
  const query = () => df.groupby('k', { splitOut: 6 }).agg({ v: ['sum', 'count'], g: 'nunique' });
  const joined = () => df.merge(df.groupby('k').agg({ v: 'max' }), { on: 'k', suffixes: ['', '_max'], broadcast: false });
  const [wantAgg, wantJoin] = [await computeFrame(query(), 'sync'), await computeFrame(joined(), 'sync')];

  const clean = await computeFrame(query(), client);
  t.same(sortedRows(clean), sortedRows(wantAgg), 'shuffled groupby on the cluster');

  // Kill a worker only while it executes a task of the join, read from the scheduler's state
  // (in this process): proof the kill lands mid-run, not before any task ran or after the last.
  const state = cluster.scheduler.state;
  const running = computeFrame(joined(), client);
  let settledEarly = false;
  void running.then(
    () => (settledEarly = true),
    () => (settledEarly = true),
  );
  const deadline = Date.now() + 60_000;
  let victim: { index: number; pid: number; executing: number; unfinished: number } | undefined;
  while (victim === undefined) {
    if (settledEarly) throw new Error('the join finished before any worker was seen executing one of its tasks');
    if (Date.now() > deadline) throw new Error('no worker executed a task of the join within 60 s');
    for (const w of state.workers.values()) {
      const index = cluster.workers.findIndex((n) => n.pid === w.pid);
      if (index >= 0 && w.executing.size > 0) {
        const unfinished = [...state.tasks.values()].filter((ts) => ts.state !== 'memory').length;
        victim = { index, pid: w.pid, executing: w.executing.size, unfinished };
        process.kill(w.pid, 'SIGKILL');
        break;
      }
    }
    if (victim === undefined) await new Promise((r) => setTimeout(r, 5));
  }
  const got = await running;
  t.ok(victim.executing > 0 && victim.unfinished > 0, `the worker died while executing ${victim.executing} task(s), ${victim.unfinished} unfinished`);
  t.same(sortedRows(got), sortedRows(wantJoin), 'hash join with both sides shuffled: same answer');
  await client.waitForWorkers(2);
  t.not(cluster.workers[victim.index].pid, victim.pid, 'the nanny restarted the killed worker');
  t.same(sortedRows(await computeFrame(query(), client)), sortedRows(wantAgg), 'and the cluster keeps answering');
});

t.test('persisted partitions are reused from worker memory', async (t) => {
  const cluster = await LocalCluster.start({ nWorkers: 2, threadsPerWorker: 1, dashboardAddress: null });
  const client = await Client.connect(cluster);
  t.teardown(() => client.shutdown());
  const df = csvFrame(DATA, 100_000);
  const want = await computeFrame(df.groupby('g').agg({ v: 'sum', k: 'nunique' }), 'sync');
  const wantSorted = await computeFrame(df.sortValues(['v', 'k']), 'sync');
  const kept = await df.persist({ scheduler: client });
  // The source file is gone: later computations can only use the persisted partitions.
  for (const node of materializeReadPaths(df)) unlinkSync(node);
  t.same((await computeFrame(kept.groupby('g').agg({ v: 'sum', k: 'nunique' }), client)).toRecords(), want.toRecords(), 'groupby on persisted data');
  t.same((await computeFrame(kept.sortValues(['v', 'k']), client)).toRecords(), wantSorted.toRecords(), 'distributed sort on persisted data');
  await t.rejects(async () => computeFrame(df.select(['v']), client), /no such file|ENOENT/, 'the unpersisted frame really needs the file');
});

function materializeReadPaths(df: dd.DataFrame): string[] {
  const paths = new Set<string>();
  for (const [k, node] of materialize([df.layer])) if (k.startsWith('read-csv-')) paths.add((node as Task).args[0] as string);
  return [...paths];
}
