/**
 * Threads and processes: once a long task group is known, an executor running one such task is
 * sent the next one ahead of time (src/schedulers/local/run.ts, `prefetch`), marked to start
 * only when the first has ended. Tasks that return Promises would otherwise run side by side on
 * one executor, more at once than the compute has workers.
 */
import t from 'tap';
import { compute, delayed, shutdownSchedulers } from '../../src/index.js';
import { overlapOf } from './fixtures/prefetch-probe.js';

t.teardown(shutdownSchedulers);

for (const scheduler of ['threads', 'processes'] as const) {
  t.test(`${scheduler}: long async tasks sent ahead still run one at a time per executor`, async (t) => {
    const run = (n: number) =>
      compute(
        Array.from({ length: n }, (_, i) => delayed(overlapOf, { name: 'overlap' })(30, i)),
        { scheduler, numWorkers: 2 },
      );
    // The first compute learns how long the group takes (unknown groups already go one at a time).
    const [first] = await run(4);
    t.same(first, [1, 1, 1, 1]);
    const [later] = await run(16);
    t.same(later, new Array(16).fill(1), 'no task started while another ran on its executor');
  });
}
