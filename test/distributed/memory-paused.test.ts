/**
 * Never hang when every worker is paused: real worker processes are filled with memory a task
 * keeps alive (outside the store, so nothing can be spilled to get below the pause threshold),
 * both pause, and a computation submitted then still finishes, exactly, because the scheduler
 * has a paused worker run one task at a time, choosing the reduction that frees held inputs
 * once its inputs are in. Paused workers keep spilling their results and serve them to peers.
 */
import t from 'tap';
import { localClient } from '../helpers/local-client.js';

const LIMIT = 400_000_000;

t.test('every worker paused with work pending: the computation still finishes', async (t) => {
  const { cluster, client } = await localClient(t, { nWorkers: 2, threadsPerWorker: 1, memoryLimit: LIMIT, resources: { SLOT: 1 } }, { quiet: true });
  const state = cluster.scheduler.state;
  const workers = [...state.workers.values()];
  t.equal(workers.length, 2);

  // One per worker (each has one SLOT): fill the process to 87% of its limit (above the 80%
  // pause threshold, below the nanny's 95%) with a buffer the process keeps.
  const ballast = (a: { limit: number; worker: number }) => {
    const g = globalThis as { ballast?: Buffer };
    const need = Math.floor(0.87 * a.limit) - process.memoryUsage.rss();
    if (need <= 0) throw new Error(`worker ${a.worker} already uses ${process.memoryUsage.rss()} bytes of its ${a.limit} limit`);
    g.ballast = Buffer.alloc(need, 1);
    return need;
  };
  const fills = client.map(
    ballast,
    [0, 1].map((worker) => ({ limit: LIMIT, worker })),
    { resources: { SLOT: 1 } },
  );
  const filled = await client.gather(fills);
  t.ok(
    filled.every((n) => n > 0),
    `both workers hold their ballast (${filled.join(', ')} bytes)`,
  );
  await until(() => workers.every((w) => w.status === 'paused'), 'both workers to pause');

  // Watch from outside: is every worker paused while some of the work below is not done?
  let allPausedWithWork = false;
  let keys: string[] = []; // the work is pending until these are in memory
  const watch = setInterval(() => {
    const pending = keys.some((k) => state.tasks.get(k)?.state !== 'memory');
    if (pending && workers.every((w) => w.status === 'paused')) allPausedWithWork = true;
  }, 5);
  t.teardown(() => clearInterval(watch));

  // 12 blocks of 1 MiB reduced by one task: independent expected value in plain code below.
  const N = 131_072;
  const block = (i: number) => new Float64Array(131_072).fill(i + 1);
  const total = (...bs: Float64Array[]) => {
    let s = 0;
    for (const b of bs) for (let j = 0; j < b.length; j++) s += b[j];
    return s;
  };
  const blocks = client.map(
    block,
    Array.from({ length: 12 }, (_, i) => i),
  );
  const sum = client.submit(total, ...blocks);
  keys = [sum.key];
  // Only the reduction reads the blocks now: running it frees them.
  for (const b of blocks) b.release();
  let expected = 0;
  for (let i = 0; i < 12; i++) expected += (i + 1) * N;
  t.equal(await sum.result(), expected, 'the reduction is exact');
  clearInterval(watch);

  t.ok(allPausedWithWork, 'every worker was paused at some moment while work was pending (sampled by the test)');
  t.ok(state.pressure.episodes >= 1, 'the scheduler saw every worker paused with work pending');
  t.ok(state.pressure.forcedTotal >= 13, `the scheduler had paused workers run the tasks (${state.pressure.forcedTotal})`);
  t.ok(
    workers.every((w) => w.status === 'paused'),
    'the workers are still paused (the ballast is still there)',
  );
  const log = state.log.map((l) => l.text).join('\n');
  t.match(log, /every worker is paused \(local-\d: process memory .* is above 80% of the 381\.47 MiB limit .*\) with \d+ task\(s\) waiting and none running/);
  t.match(
    log,
    new RegExp(`running '${sum.key}' on local-\\d anyway \\(it is the last reader of 12\\.\\d+ MiB of held inputs`),
    'the reduction was chosen because it frees its held inputs',
  );
  t.match(client.events.join('\n'), /every worker is paused/, 'the client was told');
});

/** Wait for a condition of the cluster's state (no timing claim: the deadline only ends a hang). */
async function until(cond: () => boolean, what: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
