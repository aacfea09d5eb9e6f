/**
 * A computation whose worker keeps being killed for memory fails instead of looping. Each
 * worker process (a "life") has a different chunk blow past the memory limit, as when what
 * fills a worker is everything it holds rather than one task: the nanny SIGKILLs it, the chunks
 * that had finished are lost with it and recomputed, and the chunk that died finishes fine on
 * the next life. No single task dies on 4 workers in a row, so the old rule (deaths while
 * running, reset by a success) looped. Now a memory kill is charged to every task that was on
 * the worker, so the compute rejects after 3 allowed kills with an error naming the task, the
 * deaths, the memory limit and the fix, and the cluster serves the next computation.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { Client, delayed, KilledWorker, LocalCluster } from '../../src/index.js';

/** Chunk `i` of `n`: on the worker process whose start order is `i` mod `n`, allocate until the nanny kills it. */
const chunk = (i: number, n: number): number => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- task functions run in worker processes, where require is how they reach node:fs
  const fs = require('node:fs') as typeof import('node:fs');
  const file = process.env.TSDASK_TEST_LIVES ?? '';
  const pid = String(process.pid);
  const lives = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
  if (!lives.includes(pid)) {
    fs.appendFileSync(file, `${pid}\n`);
    lives.push(pid);
  }
  if (lives.indexOf(pid) % n !== i) return i;
  const hog: Float64Array[] = [];
  // 32 MiB at a time, far past the 250 MB limit; stops at 2 GiB should no nanny be watching.
  for (let k = 0; k < 64; k++) hog.push(new Float64Array(4 * 2 ** 20).fill(k));
  throw new Error(`chunk ${i} was not killed at ${hog.length * 32} MiB`);
};
const total = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
const inc = (x: number): number => x + 1;

t.test('workers killed for memory again and again: the computation fails with the fix, the cluster serves on', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsdask-kill-loop-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const cluster = await LocalCluster.start({
    nWorkers: 1,
    threadsPerWorker: 1,
    memoryLimit: '250MB',
    dashboardAddress: null,
    env: { TSDASK_TEST_LIVES: join(dir, 'lives') },
  });
  t.teardown(() => cluster.close());
  const client = await Client.connect(cluster, { setAsDefault: false });
  t.teardown(() => client.close());
  const other = await Client.connect(cluster, { setAsDefault: false });
  t.teardown(() => other.close());
  // The nanny reports each kill on stderr: expected here.
  const error = console.error;
  const warn = console.warn;
  console.error = () => undefined;
  console.warn = () => undefined;
  t.teardown(() => {
    console.error = error;
    console.warn = warn;
  });

  const n = 6;
  const chunks = Array.from({ length: n }, (_, i) => delayed(chunk)(i, n));
  const sum = delayed(total)(chunks);
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    sum.compute({ scheduler: client }).then(
      (v) => ({ value: v }),
      (e: unknown) => ({ error: e }),
    ),
    new Promise<{ timedOut: true }>((r) => (timer = setTimeout(() => r({ timedOut: true }), 90_000))),
  ]);
  clearTimeout(timer);
  if (!('error' in outcome)) {
    t.fail(`the compute rejects within 90 s (${JSON.stringify(outcome)})`);
    return;
  }
  const err = outcome.error;
  t.ok(err instanceof KilledWorker, `as KilledWorker (${String(err)})`);
  const message = err instanceof Error ? err.message : '';
  const keys = chunks.map((c) => c.key);
  t.ok(
    keys.some((k) => message.includes(`task '${k}'`)),
    `the error names a chunk task (${message})`,
  );
  t.match(message, /on 4 workers that died, 4 of them killed by their nanny for memory/, 'the worker deaths');
  t.match(message, /of its 238\.42 MiB memory limit/, 'the memory limit');
  t.match(message, /`blocksize`/, 'the fix: smaller blocks');
  t.match(message, /`npartitions`/, 'or more partitions');
  t.match(message, /`memoryLimit`/, 'or a larger memory limit');
  t.match(client.events.join('\n'), /killed by its nanny/, 'the client was told of the kills');

  // The chunks still pending were released with the failed computation: nothing kills the
  // replacement any more, so the nanny keeps its worker and the cluster serves another client.
  await t.test('the cluster then serves another computation', async (t) => {
    let bound: NodeJS.Timeout | undefined;
    const got = await Promise.race([
      other.gather(other.map(inc, [1, 2, 3])),
      new Promise<string>((r) => (bound = setTimeout(() => r('no answer in 30 s'), 30_000))),
    ]);
    clearTimeout(bound);
    t.same(got, [2, 3, 4]);
  });
});
