/**
 * A worker with one slot runs tasks on its event loop, so a long CPU-bound task silences its
 * heartbeats. Real processes, worker TTL 2 s: a task of 3x the TTL on a worker holding scattered
 * data leaves the worker registered, its data in place and the result right (its pulse thread
 * speaks for the busy process); a task that blocks the event loop WITHOUT working (no CPU, as a
 * hung process) still gets its worker removed after the TTL.
 */
import t from 'tap';
import { localClient } from '../helpers/local-client.js';

const TTL_MS = 2000;

/** Sums `xs` over and over for `ms` of wall time: CPU-bound, never yields to the event loop. */
const busySum = (xs: number[], ms: number): number => {
  const end = Date.now() + ms;
  let rounds = 0;
  let s = 0;
  while (Date.now() < end) {
    s = 0;
    for (let i = 0; i < xs.length; i++) s += xs[i];
    rounds++;
  }
  return rounds > 0 ? s : -1;
};

/** Blocks the event loop for `ms` while using no CPU (what a hung process looks like from outside). */
const blockIdle = (ms: number): number => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  return ms;
};

t.test('a busy nthreads-1 worker is not removed; a blocked idle one is', async (t) => {
  const { client } = await localClient(t, { nWorkers: 1, threadsPerWorker: 1, workerTtlMs: TTL_MS });
  await client.waitForWorkers(1);
  const before = (await client.schedulerInfo()).workerList.map((w) => w.address);
  t.equal(before.length, 1);

  const data = Array.from({ length: 10_000 }, (_, i) => i % 97);
  const want = data.reduce((a, b) => a + b, 0); // plain reference, computed here
  const [scattered] = await client.scatter([data]);
  const sum = await client.submit(busySum, scattered, 3 * TTL_MS).result();
  t.equal(sum, want, 'the result of the long task is right');
  const after = (await client.schedulerInfo()).workerList.map((w) => w.address);
  t.same(after, before, 'the same worker is still registered (not removed as dead, not restarted)');
  t.same(await client.gather(scattered), data, 'the scattered data is still on the worker');

  // No CPU while the loop is blocked: the pulse stays silent and the TTL removes the worker.
  const hung = client.submit(blockIdle, 4 * TTL_MS);
  void hung.result().catch(() => undefined);
  const deadline = Date.now() + 6 * TTL_MS;
  let gone = false;
  while (!gone && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    gone = !(await client.schedulerInfo()).workerList.some((w) => w.address === before[0]);
  }
  t.ok(gone, 'a worker blocked without using CPU is still removed after the TTL');
});
