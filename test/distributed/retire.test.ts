/**
 * Graceful retirement: LocalCluster.scale(n) down retires workers, and the results they held
 * move to the workers that stay, so nothing is recomputed. Every run of a task appends a line
 * to a file (the workers are other processes), so recomputation would show as extra lines.
 * Expected values are computed here in plain code.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { Client, delayed, LocalCluster } from '../../src/index.js';

/** Records one run in $TSDASK_TEST_RUNS, then returns x*x (slow enough that every worker gets some). */
const square = (x: number): Promise<number> => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- task functions run in worker processes, where require is how they reach node:fs
  const fs = require('node:fs') as typeof import('node:fs');
  fs.appendFileSync(process.env.TSDASK_TEST_RUNS ?? '', `square ${x}\n`);
  return new Promise((r) => setTimeout(() => r(x * x), 20));
};
const total = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

t.test('scale down retires workers without losing or recomputing their results', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsdask-retire-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const runs = join(dir, 'runs');
  const cluster = await LocalCluster.start({ nWorkers: 3, threadsPerWorker: 1, dashboardAddress: null, memoryLimit: 0, env: { TSDASK_TEST_RUNS: runs } });
  t.teardown(() => cluster.close());
  const client = await Client.connect(cluster);
  t.teardown(() => client.close());
  await client.waitForWorkers(3);

  const xs = Array.from({ length: 60 }, (_, i) => i);
  const futures = client.map(square, xs);
  await client.gather(futures);
  // Where the results are: each of the three workers holds some.
  const holders = new Map<string, number>();
  for (const w of cluster.scheduler.state.workers.values()) holders.set(w.name, w.hasWhat.size);
  t.equal(holders.size, 3, 'three workers');
  t.ok(
    [...holders.values()].every((n) => n > 0),
    `every worker holds results before scaling down (${[...holders].map(([n, c]) => `${n}: ${c}`).join(', ')})`,
  );
  const before = readFileSync(runs, 'utf8').trim().split('\n').length;
  t.equal(before, 60, 'each task ran once');

  await cluster.scale(1);
  t.equal(cluster.workers.length, 1, 'one nanny left');
  t.equal(cluster.scheduler.state.workers.size, 1, 'the scheduler has one worker');
  const [left] = cluster.scheduler.state.workers.values();
  t.equal(left.hasWhat.size, 60, 'the worker that stays holds all 60 results');

  // The results are still there, and tasks reading them find them without recomputing.
  t.same(
    await client.gather(futures),
    xs.map((x) => x * x),
    'the results survive',
  );
  const sum = delayed(total)(futures);
  t.equal(
    await sum.compute(),
    xs.reduce((a, x) => a + x * x, 0),
    'a task reading them gets the exact sum',
  );
  t.equal(readFileSync(runs, 'utf8').trim().split('\n').length, 60, 'no task ran again');
  t.same([...cluster.scheduler.state.deaths.keys()], [], 'no worker counted as dead');
  for (const ts of cluster.scheduler.state.tasks.values()) if (ts.suspicious > 0) t.fail(`task ${ts.key} was blamed`);

  // Scaling up again starts fresh workers with new names.
  await cluster.scale(2);
  await client.waitForWorkers(2);
  t.equal(cluster.workers.length, 2);
});
