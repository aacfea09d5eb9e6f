/**
 * Issue #12: reuse of the shared copy of a user's typed array across computes on threads. Once
 * the array stayed unchanged for a few computes, a compute no longer compares it before its
 * tasks, only after them (src/core/shared/inputs.ts). These tests change the array between
 * computes in that state and check that results still come from the new values, that a task
 * writing into its input still fails the compute, and that two computes reading one copy at
 * the same time both see the change. Expected values are computed here in plain loops.
 */
import t, { type Test } from 'tap';
import { compute, delayed, type Delayed, shutdownSchedulers } from '../../src/index.js';
import { startsWith, sumLater, sumOf, writeInto } from './fixtures/shared-inputs-probe.js';

t.teardown(shutdownSchedulers);

const N = 1 << 15;
const opts = { scheduler: 'threads', numWorkers: 2 } as const;

function plainSum(a: Float64Array): number {
  let s = 0;
  for (const v of a) s += v;
  return s;
}

async function sums(dx: Delayed<Float64Array>, n = 4): Promise<number[]> {
  const [s] = await compute(
    Array.from({ length: n }, (_, i) => delayed(sumOf, { name: 'sum' })(dx, i)),
    opts,
  );
  return s;
}

/** Computes enough times unchanged that the next compute skips its first comparison. */
async function settle(t: Test, x: Float64Array, dx: Delayed<Float64Array>): Promise<void> {
  for (let r = 0; r < 3; r++) {
    const s = await sums(dx);
    t.same(s, new Array(4).fill(plainSum(x)), `unchanged compute ${r + 1}`);
  }
}

t.test('a user array changed between computes: every later compute reads the new values', async (t) => {
  const x = new Float64Array(N).fill(1);
  const dx = delayed(x, { name: 'changing' });
  await settle(t, x, dx);
  for (const [i, v] of [
    [0, 2],
    [N - 1, 3],
    [N >> 1, -4],
  ]) {
    x[i] = v;
    const s = await sums(dx);
    t.same(s, new Array(4).fill(plainSum(x)), `after x[${i}] = ${v}`);
  }
  await settle(t, x, dx);
  x.fill(0.25);
  const s = await sums(dx);
  t.same(s, new Array(4).fill(plainSum(x)), 'after a fill, once the copy was trusted again');
});

t.test('a task that fails only on the outdated copy does not fail the compute: it runs again on the new values', async (t) => {
  const x = new Float64Array(N).fill(1);
  const dx = delayed(x, { name: 'first' });
  await settle(t, x, dx);
  x[0] = 7;
  const [firsts] = await compute(
    [0, 1, 2].map((i) => delayed(startsWith, { name: 'starts' })(dx, 7, i)),
    opts,
  );
  t.same(firsts, [7, 7, 7]);
});

t.test('a task that writes into its input still fails the compute once the first comparison is skipped', async (t) => {
  const x = new Float64Array(N).fill(1);
  const dx = delayed(x, { name: 'written' });
  await settle(t, x, dx);
  const writer = delayed(writeInto, { name: 'writer' })(dx);
  const readers = [0, 1].map((i) => delayed(sumOf, { name: 'reader' })(dx, i));
  await t.rejects(compute([writer, ...readers], opts), {
    name: 'SharedInputError',
    message: /wrote into its input on the threads scheduler.*task 'writer-/s,
  });
  t.equal(x[1], 1, "the user's array is unchanged");
  const s = await sums(dx);
  t.same(s, new Array(4).fill(N), 'later computes read a fresh copy, not the written one');
  // Changed by the user and written by a task in one compute: still the task's error.
  await settle(t, x, dx);
  x[2] = 9;
  await t.rejects(compute([writer, ...readers], opts), { name: 'SharedInputError' });
  const after = await sums(dx);
  t.same(after, new Array(4).fill(plainSum(x)), 'then the new values');
});

t.test('two computes reading one copy at the same time both see a change made before them', async (t) => {
  const x = new Float64Array(N).fill(1);
  const dx = delayed(x, { name: 'both' });
  await settle(t, x, dx);
  x.fill(2);
  const want = plainSum(x);
  // `slow` reads the copy first and answers last: `fast` renews the copy while `slow` waits.
  const slow = compute([delayed(sumLater, { name: 'slow' })(dx, 300)], opts);
  const fast = compute([delayed(sumOf, { name: 'fast' })(dx, 0)], opts);
  const [[a], [b]] = await Promise.all([slow, fast]);
  t.same([a, b], [[want], [want]]);
});
