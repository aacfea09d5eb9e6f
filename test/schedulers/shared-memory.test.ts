/**
 * Issue #12: on the threads scheduler, typed arrays, DataFrame partitions and results live in
 * shared memory, placed there at most once; every thread reads the same bytes. Observed without
 * timing: the buffer type a task sees, shared memory identity (a write through one view is seen
 * through another), the growth of peak RSS, and the read-only check.
 */
import t from 'tap';
import { compute, delayed, shutdownSchedulers } from '../../src/index.js';
import { Frame, stringBytesOf } from '../../src/dataframe/frame.js';
import { shareColumn } from '../../src/dataframe/shared.js';
import '../../src/dataframe/register.js';
import { inspectFrame, makeArray, makeFrame, meanOf, probe, sharedView, sumOf, writeInto } from './fixtures/shared-probe.js';

t.teardown(shutdownSchedulers);

const maxRss = (): number => process.resourceUsage().maxRSS * 1024;

// First in the file: peak RSS only grows, so later tests must not have raised it already.
t.test('a 100 MB input read by 8 tasks on 4 threads: peak RSS grows by about one copy, not one per thread', async (t) => {
  const n = (100 * 2 ** 20) / 8;
  const size = n * 8;
  const x = new Float64Array(n).fill(0.5);
  // Start the 4 threads first: their own start-up memory is not what is measured.
  await compute(
    [0, 1, 2, 3].map((i) => delayed(sumOf, { name: 'warm' })(new Float64Array(4), i)),
    { scheduler: 'threads', numWorkers: 4 },
  );
  const before = maxRss();
  const dx = delayed(x, { name: 'big' });
  const [means] = await compute(
    Array.from({ length: 8 }, (_, i) => delayed(meanOf, { name: 'mean' })(dx, i)),
    { scheduler: 'threads', numWorkers: 4 },
  );
  const growth = maxRss() - before;
  t.same(means, new Array(8).fill(0.5));
  // One shared copy is `size`; a copy per thread (what threads did before) is at least 4 x size.
  t.ok(growth < 2 * size, `peak RSS grew by ${(growth / 2 ** 20).toFixed(0)} MB for a ${size / 2 ** 20} MB input (limit ${(2 * size) / 2 ** 20} MB)`);
});

t.test('a delayed typed array: every thread reads one shared copy; the user array is not it', async (t) => {
  const n = 1 << 17;
  const x = new Float64Array(n).fill(1);
  const dx = delayed(x, { name: 'input' });
  const run = () =>
    compute(
      Array.from({ length: 6 }, (_, i) => delayed(probe, { name: 'probe' })(dx, i)),
      { scheduler: 'threads', numWorkers: 3 },
    );
  const [probes] = await run();
  t.ok(
    probes.every((p) => p.shared),
    'each task sees a SharedArrayBuffer',
  );
  t.ok(new Set(probes.map((p) => p.thread)).size >= 2, 'tasks ran on more than one thread');
  t.same(
    probes.map((p) => p.sum),
    new Array(6).fill(n),
  );
  // Same memory everywhere: a write through the view one task handed back is seen through all.
  probes[0].view[5] = 42;
  t.same(
    probes.map((p) => p.view[5]),
    new Array(6).fill(42),
    'all tasks, on every thread, read the same bytes',
  );
  t.equal(x[5], 1, "the user's own array is a different buffer");
  // The shared copy no longer matches the user's array: the next compute copies it again.
  const [again] = await run();
  t.same(
    again.map((p) => p.sum),
    new Array(6).fill(n),
  );
});

t.test("an input the user already keeps in a SharedArrayBuffer is used as it is: no copy, every thread reads the user's memory", async (t) => {
  const n = 1 << 17;
  const x = new Float64Array(new SharedArrayBuffer(n * 8)).fill(1);
  const dx = delayed(x, { name: 'user-shared' });
  const [probes] = await compute(
    Array.from({ length: 6 }, (_, i) => delayed(probe, { name: 'probe' })(dx, i)),
    { scheduler: 'threads', numWorkers: 3 },
  );
  t.ok(
    probes.every((p) => p.shared && p.sum === n),
    'each task sees a SharedArrayBuffer holding the input',
  );
  // The user's array and what the tasks read are one memory: a write by the user shows in every view.
  x[7] = 3;
  t.same(
    probes.map((p) => p.view[7]),
    new Array(6).fill(3),
    "every task read the user's own buffer, not a copy",
  );
});

t.test('a task that writes into a shared input fails the compute; no other task keeps the changed input', async (t) => {
  const n = 1 << 16;
  const x = new Float64Array(n).fill(1);
  const dx = delayed(x, { name: 'ro' });
  const readers = [0, 1, 2].map((i) => delayed(sumOf, { name: 'reader' })(dx, i));
  const writer = delayed(writeInto, { name: 'writer' })(dx);
  await t.rejects(compute([writer, ...readers], { scheduler: 'threads', numWorkers: 2 }), {
    name: 'SharedInputError',
    message: /wrote into its input on the threads scheduler.*task 'writer-.*read-only on threads.*x\.slice\(\)/s,
  });
  t.equal(x[0], 1, "the user's array is unchanged");
  const [sums] = await compute(readers, { scheduler: 'threads', numWorkers: 2 });
  t.same(sums, [n, n, n], 'later computes read a fresh copy, not the written one');
});

t.test('results pass from thread to thread and to main in shared memory, not copied', async (t) => {
  const made = delayed(makeArray, { name: 'make' })(1 << 15);
  const seen = delayed(sharedView, { name: 'seen' })(made);
  const [[array, other]] = await compute([made, seen], { scheduler: 'threads', numWorkers: 2 });
  t.ok(array.buffer instanceof SharedArrayBuffer, 'the result left its thread in shared memory');
  t.ok(other.shared, 'the next task read it from shared memory');
  t.equal(other.view[7], 7);
  array[7] = -1;
  t.equal(other.view[7], -1, 'the result main got and the input the next task read are the same bytes');
});

t.test('DataFrame partitions: numeric columns, codes and string bytes in shared memory; values unchanged', async (t) => {
  const rows = 20_000;
  const literal = makeFrame(rows);
  t.ok(literal instanceof Frame);
  const fromUser = delayed(inspectFrame, { name: 'inspect-user' })(delayed(literal, { name: 'frame' }));
  const made = delayed(makeFrame, { name: 'make-frame' })(rows);
  const fromThread = delayed(inspectFrame, { name: 'inspect-made' })(made);
  // `made` is wanted too, so it leaves its thread (a result read only where it was made stays put).
  const [[a, b, frame]] = await compute([fromUser, fromThread, made], { scheduler: 'threads', numWorkers: 2 });
  t.ok(frame.columns[0].data.buffer instanceof SharedArrayBuffer, 'main got the partition in shared memory');
  const sum = (rows * (rows - 1)) / 2;
  for (const [what, p] of [
    ['a frame from the user', a],
    ['a frame made on a thread', b],
  ] as const) {
    t.ok(p.numericShared && p.codesShared && p.bytesShared, `${what}: shared columns and dictionary (${JSON.stringify(p)})`);
    t.equal(p.sum, sum);
    t.same(p.text, ['a', 'bé', 'c', 'a']);
  }
  const [[onProcesses]] = await compute([fromUser], { scheduler: 'processes', numWorkers: 1 });
  t.notOk(onProcesses.numericShared, 'processes get their own copy');
  t.same(onProcesses.text, ['a', 'bé', 'c', 'a']);
});

t.test('string dictionaries in shared memory decode to the same entries (empty, NUL inside, non-ASCII)', async (t) => {
  const dicts = [[], ['a'], ['', 'x', ''], ['a\u0000b', 'c'], ['é', '😀', 'z'], ['\u0000']];
  for (const dict of dicts) {
    const sb = stringBytesOf(shareColumn({ dtype: 'string', data: new Int32Array([0]), dict }))!;
    t.ok(sb.bytes.buffer instanceof SharedArrayBuffer && sb.offsets.buffer instanceof SharedArrayBuffer);
    t.same(
      Array.from({ length: sb.size }, (_, k) => sb.get(k)),
      dict,
      JSON.stringify(dict),
    );
  }
});
