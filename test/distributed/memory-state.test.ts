/**
 * The scheduler's memory rules on the state machine alone, with fake workers: when every
 * worker is paused it has one run the task that frees the most (and only after a grace period,
 * only one at a time, never while something runs); paused workers' queued tasks move to
 * running ones; inputs larger than every worker's limit fail at once with the fix; a task
 * whose workers were killed for memory fails as KilledWorker saying so; root tasks stop
 * piling up on a worker whose root results are not read yet, without ever starving it.
 */
import t from 'tap';
import { WorkerState } from '../../src/distributed/scheduler/tasks.js';
import { fromWorker } from '../../src/distributed/protocol/index.js';
import { onWorkerMessage } from '../../src/distributed/scheduler/worker-messages.js';
import { FakeSink, setup as fake, task } from './fake-scheduler.js';

const MB = 2 ** 20;
const setup = (nWorkers = 2, limit = 1000 * MB, allowedFailures = 1) => fake({ nWorkers, limit, allowedFailures, pausedGraceMs: 500 });

function pause(w: WorkerState): void {
  w.status = 'paused';
  w.pauseReason = 'process memory is above 80% of the limit';
}

t.test('every worker paused: after the grace period one runs the task that frees the most, one at a time', async (t) => {
  const { s, ws, c } = setup();
  // Two 100 MiB inputs read only by `reduce`; `other` reads nothing.
  s.updateGraph(c, [task('a', [], 0), task('b', [], 1), task('reduce', ['a', 'b'], 2), task('other', [], 3)], ['reduce', 'other']);
  for (const { w, sink } of ws) {
    for (const op of sink.take('compute')) if (op.key === 'a' || op.key === 'b') s.taskFinished(w, op.key, 100 * MB, 'Float64Array', 0, 1, undefined);
  }
  t.equal(s.tasks.get('a')!.state, 'memory');
  t.equal(s.tasks.get('b')!.state, 'memory');
  // The workers have not started 'reduce' and 'other' when they pause.
  for (const { w, sink } of ws) {
    sink.take('compute');
    pause(w);
  }
  const onWorkers = ['reduce', 'other'].filter((k) => s.tasks.get(k)!.state === 'processing');
  t.same(onWorkers.sort(), ['other', 'reduce'], 'both wait on paused workers');

  s.pressure.check(1000);
  s.pressure.check(1400);
  t.same(
    ws.flatMap(({ sink }) => sink.take('run-anyway')),
    [],
    'nothing is forced within the grace period',
  );
  s.pressure.check(1600);
  const forced = ws.flatMap(({ w, sink }) => sink.take('run-anyway').map((m) => ({ w, m })));
  t.equal(forced.length, 1, 'one task is forced');
  t.equal(forced[0].m.key, 'reduce', 'the reduction: it frees its two 100 MiB inputs');
  t.match(forced[0].m.reason, /last reader of 200\.00 MiB of held inputs/);
  t.equal(forced[0].w, s.tasks.get('reduce')!.processingOn, 'on the worker it waits on');
  t.match(
    s.log.map((l) => l.text).join('\n'),
    /every worker is paused \(w0: process memory .*; w1: .*\) with \d+ task\(s\) waiting and none running: running 'reduce'/,
  );

  s.pressure.check(1700);
  t.same(
    ws.flatMap(({ sink }) => sink.take('run-anyway')),
    [],
    'no second task while the first has not ended',
  );
  s.taskStarted(forced[0].w, ['reduce']);
  s.taskFinished(forced[0].w, 'reduce', 8, 'number', 0, 1, undefined);
  // The next is chosen as soon as the first ended (fillWorkers runs after every message batch).
  s.fillWorkers();
  const next = ws.flatMap(({ sink }) => sink.take('run-anyway'));
  t.same(
    next.map((m) => m.key),
    ['other'],
    'then the next one',
  );
  t.equal(s.pressure.episodes, 1);
  t.equal(s.pressure.forcedTotal, 2);

  ws[0].w.status = 'running';
  s.pressure.check(2000);
  t.match(s.log[s.log.length - 1].text, /a worker resumed: 2 task\(s\) ran on paused workers/);
});

t.test('nothing is forced while a task runs, or while some worker is running', async (t) => {
  const { s, ws, c } = setup();
  s.updateGraph(c, [task('x', [], 0), task('y', [], 1), task('z', [], 2)], ['x', 'y', 'z']);
  const [w0, w1] = ws;
  s.taskStarted(w0.w, [w0.sink.take('compute')[0].key]);
  w1.sink.take('compute');
  pause(w0.w);
  s.pressure.check(0);
  s.pressure.check(10_000);
  t.same(
    ws.flatMap(({ sink }) => sink.take('run-anyway')),
    [],
    'w1 is running: nothing to resolve',
  );
  pause(w1.w);
  s.pressure.check(20_000);
  s.pressure.check(30_000);
  t.same(
    ws.flatMap(({ sink }) => sink.take('run-anyway')),
    [],
    'a task is running on w0: wait for it to end',
  );
});

t.test('the not-started tasks of a paused worker move to an idle running one', async (t) => {
  const { s, ws, c } = setup();
  s.updateGraph(c, [task('p', [], 0), task('q', [], 1), task('r', [], 2), task('s', [], 3)], ['p', 'q', 'r', 's']);
  const [w0, w1] = ws;
  const on0 = w0.sink.take('compute').map((m) => m.key);
  const on1 = w1.sink.take('compute').map((m) => m.key);
  t.ok(on0.length > 0 && on1.length > 0);
  // Paused first: a worker down to its last task steals from running workers at once.
  pause(w0.w);
  for (const k of on1) s.taskFinished(w1.w, k, 8, 'number', 0, 1, undefined);
  w1.sink.take('compute');
  s.balance();
  const steals = w0.sink.take('steal');
  t.equal(steals.length, 1, 'the paused worker is asked to give up its queued tasks');
  t.same(steals[0].keys.slice().sort(), on0.slice().sort());
  t.equal(steals[0].thief, w1.w.address);
  s.stealResponse(w0.w, steals[0].keys, [], steals[0].thief);
  t.same(
    w1.sink
      .take('compute')
      .map((m) => m.key)
      .sort(),
    on0.slice().sort(),
    'the running worker gets them',
  );
});

t.test('inputs larger than every worker memory limit fail at once, naming the task, the sizes and the fix', async (t) => {
  const { s, ws, c, csink } = setup(2, 100 * MB);
  s.updateGraph(c, [task('part-0', [], 0), task('part-1', [], 1), task('concat', ['part-0', 'part-1'], 2)], ['concat']);
  for (const { w, sink } of ws) for (const op of sink.take('compute')) s.taskFinished(w, op.key, 60 * MB, 'Frame', 0, 1, undefined);
  const ts = s.tasks.get('concat')!;
  t.equal(ts.state, 'erred');
  const err = csink.take('task-erred').find((m) => m.key === 'concat')!;
  t.equal(err.error.name, 'MemoryError');
  t.match(
    err.error.message,
    /task 'concat' needs its 2 inputs of 120\.00 MiB in one worker's memory, more than the largest worker memory limit \(100\.00 MiB\)/,
  );
  t.match(err.error.message, /`blocksize`.*`npartitions`.*`memoryLimit`/);
});

t.test('KilledWorker explains the memory limit when nannies killed the workers for memory', async (t) => {
  const { s, ws, c, csink } = setup(1, 250 * MB, 1);
  s.updateGraph(c, [task('big', [], 0)], ['big']);
  const w = ws[0].w;
  s.taskStarted(w, ['big']);
  s.removeWorker(w, 'its connection dropped');
  // Its nanny starts a new process, which says why the old one died; the task kills it too.
  const sink = new FakeSink();
  const next = new WorkerState('tcp://127.0.0.1:2000', 'w0', 1, 250 * MB, 10, 'h', sink);
  next.replaces = w.address;
  next.killedForMemory = { rss: 240 * MB, limit: 250 * MB };
  s.addWorker(next);
  t.equal(sink.take('compute')[0]?.key, 'big', 'the task runs again on the new worker');
  s.taskStarted(next, ['big']);
  s.removeWorker(next, 'its connection dropped');
  const err = csink.take('task-erred').find((m) => m.key === 'big')!;
  t.equal(err.error.kind, 'killed-worker');
  t.match(
    err.error.message,
    /task 'big' was running on 2 workers that died, 1 of them killed by their nanny for memory \(one used 240\.00 MiB of its 250\.00 MiB memory limit\)/,
  );
  t.match(err.error.message, /Its inputs total 0 B/);
  t.match(err.error.message, /`blocksize`.*`npartitions`.*`memoryLimit`/);
});

t.test('root tasks stop piling up where their results are not read yet, but a worker always gets one per thread', async (t) => {
  const { s, ws, c } = setup(1, 1000 * MB);
  const [w0] = ws;
  // 40 roots of 20 MiB feeding one sink that reads all of them (nothing is read until the end).
  const roots = Array.from({ length: 40 }, (_, i) => task(`root-${i}`, [], i));
  s.updateGraph(
    c,
    [
      ...roots,
      task(
        'sink',
        roots.map((r) => r.key),
        40,
      ),
    ],
    ['sink'],
  );
  let maxQueued = 0;
  for (let round = 0; round < 200; round++) {
    const ops = w0.sink.take('compute');
    if (ops.length === 0) break;
    maxQueued = Math.max(maxQueued, w0.w.processing.size);
    // Instant tasks: by run time alone the scheduler would queue hundreds.
    for (const op of ops) s.taskFinished(w0.w, op.key, op.key === 'sink' ? 8 : 20 * MB, 'Float64Array', 0, 0, undefined);
    s.fillWorkers();
  }
  t.equal(s.tasks.get('sink')!.state, 'memory', 'everything ran: the worker never starved');
  // 10% of 1000 MiB = 100 MiB: 5 roots of 20 MiB, plus one for its thread.
  t.ok(maxQueued <= 6, `at most 6 roots were on the worker at once (saw ${maxQueued})`);
  t.equal(w0.w.rootBytes, 0, 'once read, root results no longer count');
});

t.test('a task that became ready while its only worker was paused starts when the worker resumes', async (t) => {
  const { s, ws, c } = setup(1);
  const { w, sink } = ws[0];
  s.updateGraph(c, [task('a', [], 0), task('b', ['a'], 1)], ['b']);
  t.same(
    sink.take('compute').map((o) => o.key),
    ['a'],
  );
  pause(w);
  s.taskFinished(w, 'a', 8, 'number', 0, 1, undefined);
  t.same(sink.take('compute'), [], 'nothing is sent to the paused worker');
  onWorkerMessage(s, w, fromWorker.status('running'), []);
  t.same(
    sink.take('compute').map((o) => o.key),
    ['b'],
    'b is sent once the worker resumes',
  );
});

t.test('every worker paused, one still holding results in memory: the grace period applies', async (t) => {
  const { s, ws, c } = setup();
  s.updateGraph(c, [task('a', [], 0)], ['a']);
  for (const { w, sink } of ws) for (const op of sink.take('compute')) s.taskFinished(w, op.key, 100 * MB, 'Float64Array', 0, 1, undefined);
  for (const { w } of ws) pause(w);
  s.updateGraph(c, [task('r0', [], 1), task('r1', [], 2), task('sum', ['a', 'r0', 'r1'], 3)], ['sum']);
  s.pressure.check(1000);
  s.pressure.check(1200);
  t.same(
    ws.flatMap(({ sink }) => sink.take('run-anyway')),
    [],
    'within the grace period nothing is forced: spilling 100 MiB may resume the worker',
  );
});

t.test("a disk shuffle's output tasks are queued like roots, not handed out all at once", async (t) => {
  const { s, ws, c } = setup(1);
  const { w, sink } = ws[0];
  const outs = Array.from({ length: 10 }, (_, i) => task(`out-${i}`, ['split-0', 'split-1'], 2 + 2 * i));
  const reads = outs.map((o, i) => task(`use-${i}`, [o.key], 3 + 2 * i));
  s.updateGraph(
    c,
    [task('split-0', [], 0), task('split-1', [], 1), ...outs, ...reads],
    reads.map((r) => r.key),
  );
  // The splits finish: their results are file references (the worker reports the type).
  for (const op of sink.take('compute')) s.taskFinished(w, op.key, 200, 'ShuffleOutput', 0, 1, undefined);
  s.fillWorkers(); // as the server does after every message batch
  const sent = sink.take('compute').map((o) => o.key);
  t.ok(sent.length > 0 && sent.length <= 3, `only a thread's worth plus a short pipeline of outputs goes out (${sent.join(', ')})`);
  t.ok(
    outs.some((o) => s.tasks.get(o.key)!.state === 'queued'),
    'the rest wait in the root queue',
  );
  // Each output read by its dependent frees room for the next.
  s.taskFinished(w, sent[0], 50 * MB, 'Frame', 0, 1, undefined);
  s.fillWorkers();
  const next = sink.take('compute').map((o) => o.key);
  t.ok(next.includes(`use-${sent[0].slice(4)}`), 'the reader of the finished output is sent');
});
