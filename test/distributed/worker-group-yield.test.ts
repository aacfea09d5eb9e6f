/**
 * A 1-thread worker that has just run a task under 1 ms starts its next ready tasks as one
 * announced group (worker/execution.ts). That group must not hold the worker's event loop for
 * its whole length: a peer's request for data held there is answered between the group's
 * tasks, once the run loop's slice is used up, not after the last of them.
 */
import t from 'tap';
import { localClient } from '../helpers/local-client.js';

const second = (xs: Float64Array): number => xs[1];
/** Busy for `ms` on the worker's event loop (synchronous, as a CPU-bound fit). */
const spin = (xs: Float64Array, ms: number, i: number): number => {
  const end = performance.now() + ms;
  while (performance.now() < end);
  return xs[1] + i;
};

t.test('a peer fetch is served while a group of long tasks runs, before its last task starts', async (t) => {
  const { client, cluster } = await localClient(t, { nWorkers: 1, threadsPerWorker: 1 });
  const state = cluster.scheduler.state;
  const [small] = await client.scatter([Float64Array.from({ length: 1000 }, (_, i) => i)]);
  // Two tasks under 1 ms: the worker's next ready tasks then start as one group.
  for (let i = 0; i < 2; i++) t.equal(await client.submitWith({ pure: false }, second, small).result(), 1);
  // 64 (a whole group) x 80 ms: the second worker has ~5 s to start, also on a loaded machine.
  const n = 64;
  const spins = Array.from({ length: n }, (_, i) => client.submitWith({ pure: false }, spin, small, 80, i));
  const started = () => spins.some((f) => state.tasks.get(f.key)?.started === true);
  while (!started()) await new Promise((r) => setTimeout(r, 5));
  const holder = state.tasks.get(small.key)?.whoHas[0]?.address;
  t.ok(holder !== undefined, 'the scattered value is on the first worker');

  // A second worker joins; the only idle worker, it takes a task that reads `small` from its peer.
  await cluster.scale(2);
  await client.waitForWorkers(2);
  const asked = Date.now();
  t.equal(await client.submitWith({ pure: false }, second, small).result(), 1);
  t.same(
    await client.gather(spins),
    Array.from({ length: n }, (_, i) => 1 + i),
  );

  const copies = state.eventLog.transfers.filter((x) => x.worker !== holder);
  t.equal(copies.length, 1, 'the new worker copied `small` from its peer');
  const keys = new Set(spins.map((f) => f.key));
  const starts = state.stream.filter((e) => keys.has(e.key)).map((e) => e.start);
  t.equal(starts.length, n);
  const lastStart = Math.max(...starts);
  t.ok(asked < lastStart, 'the peer asked while the group was still running (else this test shows nothing)');
  t.ok(
    copies[0].time < lastStart,
    `the copy ended (${copies[0].time - asked} ms after it was asked for) before the group's last task started (${lastStart - asked} ms)`,
  );
});
