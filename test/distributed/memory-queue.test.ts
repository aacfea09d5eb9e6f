/**
 * Root-task queuing keeps memory flat: in a read-reduce graph of many root tasks (each makes a
 * 2 MiB block in microseconds), the scheduler hands
 * roots to a worker only as its slots free up, and caps the roots on a worker by bytes: the
 * root results held there that no dependent has read yet plus the output of the roots queued
 * there stay within 10% of its memory limit (plus one task per thread). So the number of root
 * results held at once stays bounded, far below the number of roots, and the answer is exact.
 * Counted from the scheduler's state after every message it handled and every fill.
 */
import t from 'tap';
import { Client, compute, delayed, type Delayed, LocalCluster } from '../../src/index.js';

const LIMIT = 500_000_000;
const ROOTS = 300;
const DOUBLES = 262_144; // 2 MiB per block

t.test('root tasks go out no faster than their results are reduced', async (t) => {
  const cluster = await LocalCluster.start({ nWorkers: 2, threadsPerWorker: 1, memoryLimit: LIMIT, dashboardAddress: null });
  t.teardown(() => cluster.close());
  const client = await Client.connect(cluster, { setAsDefault: false });
  t.teardown(() => client.close());
  const state = cluster.scheduler.state;

  // A 2 MiB block made in microseconds (its pages are untouched zeros but one): roots so fast
  // that only their output size, not their run time, can bound how many are queued.
  const mk = (i: number) => {
    const a = new Float64Array(262_144);
    a[0] = i;
    return a;
  };
  const total = (...parts: (Float64Array | number)[]) => {
    let s = 0;
    for (const p of parts) {
      if (typeof p === 'number') s += p;
      else for (let j = 0; j < p.length; j++) s += p[j];
    }
    return s;
  };
  // Blocks, summed 8 at a time, then the partial sums 8 at a time, until one is left.
  let level: Delayed<Float64Array | number>[] = Array.from({ length: ROOTS }, (_, i) => delayed(mk, { name: 'mk' })(i));
  while (level.length > 1) {
    const next = [];
    for (let i = 0; i < level.length; i += 8) next.push(delayed(total, { name: 'total' })(...level.slice(i, i + 8)));
    level = next;
  }

  const isRoot = (key: string) => key.startsWith('mk-');
  let maxHeld = 0;
  let maxQueuedOnWorker = 0;
  const sample = () => {
    let held = 0;
    for (const ts of state.tasks.values()) if (isRoot(ts.key) && ts.state === 'memory') held++;
    maxHeld = Math.max(maxHeld, held);
    for (const w of state.workers.values()) {
      let roots = 0;
      for (const ts of w.processing) if (isRoot(ts.key)) roots++;
      maxQueuedOnWorker = Math.max(maxQueuedOnWorker, roots);
    }
  };
  const finished = state.taskFinished.bind(state);
  state.taskFinished = (...args: Parameters<typeof finished>) => {
    finished(...args);
    sample();
  };
  const fill = state.fillWorkers.bind(state);
  state.fillWorkers = () => {
    fill();
    sample();
  };

  const [v] = await compute(level[0], { scheduler: client });
  let expected = 0;
  for (let i = 0; i < ROOTS; i++) expected += i;
  t.equal(v, expected, 'the reduction is exact');

  // Per worker: its thread plus the roots whose 2 MiB results fit in 10% of its limit.
  const perWorker = 1 + Math.floor((0.1 * LIMIT) / (DOUBLES * 8));
  t.ok(maxQueuedOnWorker <= perWorker, `at most ${perWorker} roots were on a worker at once (saw ${maxQueuedOnWorker})`);
  // Held: per worker, unread root results and queued roots share that budget; slack for one
  // partial sum's inputs per worker.
  const bound = 2 * (perWorker + 8);
  t.ok(maxHeld <= bound, `at most ${bound} of the ${ROOTS} root results were held at once (saw ${maxHeld})`);
});
