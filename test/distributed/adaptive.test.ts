/**
 * The adaptive policy and graceful retirement on the scheduler's state machine alone (fake
 * workers): the target from queued work and measured durations, scaling up at once and down
 * only after `waitCount` low decisions, and a retiring worker's results copied before it is
 * removed. Expected numbers are worked out here by hand.
 */
import t from 'tap';
import { Adaptive } from '../../src/distributed/adaptive.js';
import { adaptiveTarget } from '../../src/distributed/scheduler/adaptive-target.js';
import { WorkerState } from '../../src/distributed/scheduler/tasks.js';
import { FakeSink, setup, task } from './fake-scheduler.js';

/** A cluster that only records what it was asked. */
function fakeCluster(threadsPerWorker = 1) {
  const calls: number[] = [];
  let n = 0;
  return {
    calls,
    threadsPerWorker,
    requested: () => n,
    scale: (to: number) => {
      calls.push(to);
      n = to;
      return Promise.resolve();
    },
  };
}

t.test('the target follows queued work and its measured duration', async (t) => {
  const { s, ws, c } = setup({ nWorkers: 1, nthreads: 1 });
  const keys = Array.from({ length: 400 }, (_, i) => `sq-${i}`);
  s.updateGraph(
    c,
    keys.map((k, i) => task(k, [], i)),
    keys,
  );
  // Ten tasks finish, each measured at 100 ms.
  let done = 0;
  for (const op of ws[0].sink.take('compute')) {
    if (done === 10) break;
    s.taskFinished(ws[0].w, op.key, 8, 'number', 0, 100, undefined);
    done++;
  }
  const ready = 400 - done;
  const tgt = adaptiveTarget(s, 5, 1);
  t.equal(tgt.ready, ready);
  t.equal(Math.round(tgt.seconds * 1000), ready * 100, '390 tasks of 0.1 s');
  t.equal(tgt.workers, Math.ceil((ready * 0.1) / 5), 'one thread per 5 s of work: 8 workers');
  t.equal(adaptiveTarget(s, 5, 4).workers, Math.ceil(Math.ceil((ready * 0.1) / 5) / 4), 'four threads per worker: 2 workers');
  t.equal(adaptiveTarget(s, 0.001, 1).workers, ready, 'never more threads than ready tasks');
});

t.test('adapt scales up at once, down only after waitCount low decisions', async (t) => {
  const { s, ws, c } = setup({ nWorkers: 1, nthreads: 1 });
  const cluster = fakeCluster();
  const a = new Adaptive(s, cluster, { minimum: 1, maximum: 4, waitCount: 3, targetDuration: 1 });
  await a.step();
  t.same(cluster.calls, [1], 'nothing queued: the minimum');
  const keys = Array.from({ length: 100 }, (_, i) => `x-${i}`);
  s.updateGraph(
    c,
    keys.map((k, i) => task(k, [], i)),
    keys,
  );
  await a.step();
  t.same(cluster.calls, [1, 4], '100 tasks of 0.05 s (the first guess) at 1 s per thread: 5, capped at the maximum 4');
  // The work finishes: the target drops to the minimum, but only the third low decision acts.
  for (let round = 0; round < 100; round++) {
    const ops = ws[0].sink.take('compute');
    if (ops.length === 0) break;
    for (const op of ops) s.taskFinished(ws[0].w, op.key, 8, 'number', 0, 50, undefined);
    s.fillWorkers();
  }
  t.equal(adaptiveTarget(s, 1, 1).ready, 0, 'all done');
  await a.step();
  await a.step();
  t.same(cluster.calls, [1, 4], 'two low decisions: no change yet');
  // New work in between resets the count: no stop-start flapping.
  const late = keys.map((k) => `late-${k}`);
  s.updateGraph(
    c,
    late.map((k, i) => task(k, [], 1000 + i)),
    late,
  );
  await a.step();
  t.same(cluster.calls, [1, 4], 'the target is back at 4: nothing to do');
  for (let round = 0; round < 100; round++) {
    const ops = ws[0].sink.take('compute');
    if (ops.length === 0) break;
    for (const op of ops) s.taskFinished(ws[0].w, op.key, 8, 'number', 0, 50, undefined);
    s.fillWorkers();
  }
  await a.step();
  await a.step();
  t.same(cluster.calls, [1, 4], 'the count started again after the target rose');
  await a.step();
  t.same(cluster.calls, [1, 4, 1], 'the third low decision in a row scales down to the minimum');
  t.same(
    a.history.map((d) => d.action),
    ['up', 'up', 'down'],
  );
  t.throws(() => new Adaptive(s, cluster, { minimum: 3, maximum: 2 }), /maximum \(2\) must be at least minimum \(3\)/);
});

t.test('a retiring worker hands its results on before it is removed', async (t) => {
  const { s, ws, c } = setup({ nWorkers: 3, nthreads: 1 });
  const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
  s.updateGraph(
    c,
    keys.map((k, i) => task(k, [], i)),
    keys,
  );
  for (const { w, sink } of ws) for (const op of sink.take('compute')) s.taskFinished(w, op.key, 8, 'number', 0, 1, undefined);
  s.fillWorkers();
  for (const { w, sink } of ws) for (const op of sink.take('compute')) s.taskFinished(w, op.key, 8, 'number', 0, 1, undefined);
  const [leaving, ...staying] = ws;
  const held = [...leaving.w.hasWhat].map((ts) => ts.key).sort();
  t.ok(held.length > 0, `w0 holds ${held.join(', ')}`);
  const done = s.retireWorker(leaving.w, 'test', 30_000);
  t.equal(leaving.w.status, 'retiring');
  const asked = staying.flatMap(({ w, sink }) => sink.take('replicate').map((m) => ({ w, keys: m.keys })));
  t.same(asked.flatMap((a) => a.keys.map((k) => k.key)).sort(), held, 'every result only it holds is asked for');
  t.ok(
    asked.every((a) => a.keys.every((k) => k.holders.length === 1 && k.holders[0] === leaving.w.address)),
    'fetched from the retiring worker',
  );
  for (const a of asked) s.addReplicas(a.w, a.keys);
  const outcome = await done;
  t.same(outcome, { address: leaving.w.address, name: 'w0', moved: held.length, lost: 0, handedBack: 0 });
  t.equal(leaving.sink.take('close').length, 1, 'then it is told to close');
  t.equal(s.workers.size, 2);
  for (const k of keys) t.equal(s.tasks.get(k)!.state, 'memory', `${k} still in memory`);
  t.equal(staying.flatMap(({ sink }) => sink.take('compute')).length, 0, 'nothing is recomputed');
  t.same([...s.deaths.keys()], [], 'no death recorded');
});

t.test('with no worker to take them, the results are left to recompute', async (t) => {
  const { s, ws, c } = setup({ nWorkers: 1, nthreads: 1 });
  s.updateGraph(c, [task('a', [], 0)], ['a']);
  for (const op of ws[0].sink.take('compute')) s.taskFinished(ws[0].w, op.key, 8, 'number', 0, 1, undefined);
  const outcome = await s.retireWorker(ws[0].w, 'test', 30_000);
  t.equal(outcome.lost, 1);
  t.equal(s.tasks.get('a')!.state, 'queued', 'a waits for a worker to recompute it');
  const sink = new FakeSink();
  s.addWorker(new WorkerState('tcp://127.0.0.1:2000', 'fresh', 1, 1e9, 9, 'h', sink));
  t.same(
    sink.take('compute').map((m) => m.key),
    ['a'],
    'a worker joining recomputes it',
  );
});
