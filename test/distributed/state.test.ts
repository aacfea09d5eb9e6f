/**
 * The scheduler's state machine on its own, with fake workers and clients: transitions,
 * release of intermediates, recomputation from lineage, killed workers, stealing.
 */
import t from 'tap';
import type { Compute } from '../../src/distributed/protocol/index.js';
import { SchedulerState } from '../../src/distributed/scheduler/state.js';
import { type NewTask, WorkerState } from '../../src/distributed/scheduler/tasks.js';
import { FakeSink, setup as fake, task } from './fake-scheduler.js';

const setup = (nWorkers = 2, nthreads = 1) => fake({ nWorkers, nthreads });

/** Finish every compute op a worker received, in order; returns keys run. */
function runAll(s: SchedulerState, ws: { w: WorkerState; sink: FakeSink }[], rounds = 100): string[] {
  const ran: string[] = [];
  for (let r = 0; r < rounds; r++) {
    let any = false;
    for (const { w, sink } of ws) {
      for (const op of sink.take('compute')) {
        any = true;
        ran.push(op.key);
        s.taskFinished(w, op.key, 8, 'number', 0, 1, undefined);
      }
    }
    s.fillWorkers();
    if (!any) break;
  }
  return ran;
}

t.test('a diamond runs, the client hears about the result, intermediates are released', async (t) => {
  const { s, ws, c, csink } = setup();
  s.updateGraph(c, [task('a', [], 0), task('b', ['a'], 1), task('c', ['a'], 2), task('d', ['b', 'c'], 3)], ['d']);
  t.equal(s.tasks.get('a')!.state, 'processing');
  t.equal(s.tasks.get('d')!.state, 'waiting');
  const ran = runAll(s, ws);
  t.same(ran.sort(), ['a', 'b', 'c', 'd']);
  t.equal(s.tasks.get('d')!.state, 'memory');
  t.equal(s.tasks.get('a')!.state, 'released', 'inputs are freed once their dependents are done');
  t.same(
    csink.take('key-in-memory').map((o) => o.key),
    ['d'],
  );
  const freed = ws.flatMap(({ sink }) => sink.take('free-keys').flatMap((o) => o.keys));
  t.same(freed.sort(), ['a', 'b', 'c']);
  s.releaseKeys(c, ['d']);
  t.equal(s.tasks.size, 0, 'everything is forgotten when the client lets go');
  t.equal(s.groups.size, 0);
});

t.test('a lost worker: running tasks rerun, results it alone held are recomputed', async (t) => {
  const { s, ws, c } = setup();
  s.updateGraph(c, [task('x', [], 0), task('y', [], 1), task('z', ['x', 'y'], 2)], ['z']);
  // Run x and y wherever they went, but not z.
  for (const { w, sink } of ws) for (const op of sink.take('compute')) s.taskFinished(w, op.key, 8, 'n', 0, 1, undefined);
  const z = s.tasks.get('z')!;
  t.equal(z.state, 'processing');
  const holder = z.processingOn!;
  const x = s.tasks.get('x')!;
  const other = ws.find((e) => e.w !== holder)!;
  s.removeWorker(holder, 'test');
  t.equal(s.workers.size, 1);
  // Whatever holder held is recomputed on the survivor; z reruns there too.
  const ran = runAll(s, [other]);
  t.ok(ran.includes('z'));
  t.equal(z.state, 'memory');
  t.same(
    z.whoHas.map((w) => w.name),
    [other.w.name],
  );
  t.ok(x.state === 'released' || x.state === 'memory');
});

t.test('a task on workers that keep dying errs as KilledWorker; others are not blamed', async (t) => {
  const { s, ws, c, csink } = setup(1);
  s.updateGraph(c, [task('bad', [], 0), task('good', [], 1)], ['bad', 'good']);
  const sink0 = ws[0].sink;
  t.same(
    sink0.take('compute').map((o) => o.key),
    ['bad', 'good'],
  );
  s.taskStarted(ws[0].w, ['bad']);
  s.removeWorker(ws[0].w, 'killed');
  const sinkB = new FakeSink();
  const wb = new WorkerState('tcp://127.0.0.1:2000', 'b', 1, 1e9, 9, 'h', sinkB);
  s.addWorker(wb);
  const again = sinkB.take('compute');
  t.ok(again.find((o) => o.key === 'bad')!.isolate, 'a suspicious task runs isolated');
  s.taskStarted(wb, ['bad']);
  s.removeWorker(wb, 'killed again');
  const errs = csink.take('task-erred');
  t.equal(errs.length, 1);
  t.equal(errs[0].key, 'bad');
  t.match(errs[0].error.message, /task 'bad' was running on 2 workers that died/);
  t.equal(s.tasks.get('good')!.state, 'queued', 'the innocent task waits for a worker');
  t.equal(s.tasks.get('good')!.suspicious, 0, 'and is not blamed');
});

t.test('cancel drops work nobody else needs', async (t) => {
  const { s, ws, c } = setup(1);
  s.updateGraph(c, [task('p', [], 0), task('q', ['p'], 1)], ['q']);
  s.cancel(c, ['q']);
  t.equal(s.tasks.size, 0);
  t.ok(ws[0].sink.take('cancel-compute').length > 0, 'the worker is told to drop it');
});

t.test('idle workers steal queued work from busy ones', async (t) => {
  const { s, ws, c } = setup(1);
  // One quick task teaches the scheduler that this group is short: it then queues deeply.
  s.updateGraph(c, [task('t-warm', [], 0)], ['t-warm']);
  ws[0].sink.take('compute');
  s.taskFinished(ws[0].w, 't-warm', 8, 'n', 0, 0.1, undefined);
  const many = Array.from({ length: 20 }, (_, i) => task(`t-${i}`, [], i));
  s.updateGraph(
    c,
    many,
    many.map((m) => m.key),
  );
  t.equal(ws[0].sink.take('compute').length, 20, 'short tasks are all sent at once');
  const sink = new FakeSink();
  const thief = new WorkerState('tcp://127.0.0.1:3000', 'thief', 1, 1e9, 3, 'h', sink);
  s.addWorker(thief);
  s.balance();
  const steal = ws[0].sink.take('steal');
  t.equal(steal.length, 1, 'the busy worker is asked to give up work');
  const keys = steal[0].keys;
  t.ok(keys.length >= 5, `half the backlog (${keys.length})`);
  t.ok(keys.includes('t-19'), 'the tasks it would run last');
  s.stealResponse(ws[0].w, keys.slice(1), keys.slice(0, 1), thief.address);
  t.equal(sink.take('compute').length, keys.length - 1, 'the thief gets what the victim gave up');
  t.equal(s.tasks.get(keys[0])!.processingOn, ws[0].w, 'what the victim kept stays');
});

t.test('a worker down to its last task steals then, not once idle at the next periodic balance', async (t) => {
  const { s, ws, c } = setup(2);
  const many = Array.from({ length: 6 }, (_, i) => task(`e-${i}`, [], i));
  s.updateGraph(
    c,
    many,
    many.map((m) => m.key),
  );
  const sent = ws.map(({ w, sink }) => ({ w, sink, keys: sink.take('compute').map((o) => o.key) }));
  const [victim, thief] = sent[0].keys.length >= sent[1].keys.length ? sent : [sent[1], sent[0]];
  t.ok(victim.keys.length >= 3 && thief.keys.length >= 2, `both have work (${victim.keys.length} and ${thief.keys.length})`);
  s.taskStarted(victim.w, victim.keys.slice(0, 1));
  // The thief finishes all but its last task; nothing else happens meanwhile (no balance()).
  for (const k of thief.keys.slice(0, -1)) {
    t.same(victim.sink.take('steal'), [], 'no steal while the thief has tasks queued');
    s.taskStarted(thief.w, [k]);
    s.taskFinished(thief.w, k, 8, 'n', 0, 1, undefined);
  }
  const steal = victim.sink.take('steal');
  t.equal(steal.length, 1, 'asked when the thief is down to its last task');
  // Half the backlog beyond one running and one next, from the end of the victim's queue.
  const want = Math.ceil((victim.keys.length - 2) / 2);
  t.same(steal[0]?.keys.slice().sort(), victim.keys.slice(-want).sort(), 'the tasks the victim would run last');
  t.equal(steal[0]?.thief, thief.w.address);
  s.stealResponse(victim.w, steal[0].keys, [], thief.w.address);
  t.same(
    thief.sink
      .take('compute')
      .map((o) => o.key)
      .sort(),
    victim.keys.slice(-want).sort(),
    'queued on the thief behind its last task',
  );
});

t.test('missing data: a peer lost a result, it is recomputed', async (t) => {
  const { s, ws, c } = setup(2);
  s.updateGraph(c, [task('m', [], 0), task('n', ['m'], 1)], ['n']);
  const all = ws.flatMap(({ w, sink }) => sink.take('compute').map((o) => ({ w, k: o.key })));
  const m = all.find((e) => e.k === 'm')!;
  s.taskFinished(m.w, 'm', 8, 'n', 0, 1, undefined);
  const n = s.tasks.get('n')!;
  const runner = n.processingOn!;
  s.missingData(runner, 'n', 'm', [m.w.address]);
  t.equal(s.tasks.get('m')!.state, 'processing', 'm runs again');
  const ran = runAll(s, ws);
  t.ok(ran.includes('m') && ran.includes('n'));
  t.equal(n.state, 'memory');
});

// ---------------------------------------------------------------- worker resources

const gpuTask = (key: string, deps: string[], order: number, gpu = 1): NewTask => ({ ...task(key, deps, order), resources: { GPU: gpu } });

/** A scheduler with a GPU=2 worker of 4 threads and a worker without resources. */
function gpuSetup() {
  const s = new SchedulerState({ allowedFailures: 3 });
  const gsink = new FakeSink();
  const gpu = new WorkerState('tcp://127.0.0.1:4000', 'gpu', 4, 1e9, 40, 'h', gsink, { GPU: 2 });
  const psink = new FakeSink();
  const plain = new WorkerState('tcp://127.0.0.1:4001', 'plain', 4, 1e9, 41, 'h', psink);
  s.addWorker(gpu);
  s.addWorker(plain);
  const c = s.addClient('c', new FakeSink());
  return { s, gpu, gsink, plain, psink, c };
}

t.test('resource tasks run only where the resources are, no more at once than the amounts', async (t) => {
  const { s, gpu, gsink, plain, psink, c } = gpuSetup();
  const gpus = Array.from({ length: 5 }, (_, i) => gpuTask(`g-${i}`, [], i));
  const plains = Array.from({ length: 6 }, (_, i) => task(`p-${i}`, [], 10 + i));
  s.updateGraph(
    c,
    [...gpus, ...plains],
    [...gpus, ...plains].map((x) => x.key),
  );
  const onGpu = gsink.take('compute').map((o) => o.key);
  const onPlain = psink.take('compute').map((o) => o.key);
  t.same(
    onGpu.filter((k) => k.startsWith('g-')),
    ['g-0', 'g-1'],
    'two GPU=1 tasks fill GPU=2, best priority first',
  );
  t.same(
    onPlain.filter((k) => k.startsWith('g-')),
    [],
    'none goes to the worker without GPU',
  );
  t.ok(
    onGpu.some((k) => k.startsWith('p-')),
    'plain tasks still fill the GPU worker’s other slots',
  );
  t.ok(
    onPlain.some((k) => k.startsWith('p-')),
    'and run on the other worker',
  );
  t.equal(s.tasks.get('g-2')!.state, 'queued', 'the rest wait at the scheduler');
  t.same(gpu.freeResources, { GPU: 0 });
  const computeOp = () => gsink.ops.find((o): o is Compute => o.op === 'compute' && o.key.startsWith('g-'));
  // Finish, err and cancel one each: every way out gives the GPU back to the next task.
  s.taskFinished(gpu, 'g-0', 8, 'n', 0, 1, undefined);
  s.fillWorkers();
  t.equal(computeOp()?.key, 'g-2', 'a finished task frees its GPU for the next');
  t.same(computeOp()?.resources, { GPU: 1 }, 'the worker is told what the task holds');
  gsink.take('compute');
  s.taskErred(gpu, 'g-1', { name: 'Error', message: 'boom' }, 0, 1);
  t.equal(computeOp()?.key, 'g-3', 'an erred task frees it');
  gsink.take('compute');
  s.cancel(c, ['g-2']);
  t.equal(computeOp()?.key, 'g-4', 'a cancelled task frees it');
  gsink.take('compute');
  t.same(gpu.freeResources, { GPU: 0 });
  s.taskFinished(gpu, 'g-3', 8, 'n', 0, 1, undefined);
  s.taskFinished(gpu, 'g-4', 8, 'n', 0, 1, undefined);
  t.same(gpu.freeResources, { GPU: 2 }, 'all given back');
  t.equal(plain.freeResources.GPU, undefined);
});

t.test('no worker has the resources: no-worker until one joins; its death sends tasks back', async (t) => {
  const { s, gsink, psink, c } = gpuSetup();
  s.updateGraph(c, [{ ...task('f', [], 0), resources: { FPGA: 1 } }, task('dep', [], 1), { ...task('h', ['dep'], 2), resources: { FPGA: 1 } }], ['f', 'h']);
  t.equal(s.tasks.get('f')!.state, 'no-worker', 'as Dask: no worker has an FPGA');
  for (const [w, sink] of [
    [s.workers.get('tcp://127.0.0.1:4000')!, gsink],
    [s.workers.get('tcp://127.0.0.1:4001')!, psink],
  ] as const)
    for (const op of sink.take('compute')) s.taskFinished(w, op.key, 8, 'n', 0, 1, undefined);
  t.equal(s.tasks.get('h')!.state, 'no-worker', 'a task with inputs too');
  const fsink = new FakeSink();
  const fpga = new WorkerState('tcp://127.0.0.1:4002', 'fpga', 1, 1e9, 42, 'h', fsink, { FPGA: 1 });
  s.addWorker(fpga);
  t.same(
    fsink.take('compute').map((o) => o.key),
    ['f'],
    'the first starts when a worker with FPGA=1 joins',
  );
  t.equal(s.tasks.get('h')!.state, 'queued', 'the second waits for the FPGA');
  s.removeWorker(fpga, 'killed');
  t.equal(s.tasks.get('f')!.state, 'no-worker', 'its worker died: back to waiting for one');
  t.equal(s.tasks.get('h')!.state, 'no-worker');
  const fsink2 = new FakeSink();
  const fpga2 = new WorkerState('tcp://127.0.0.1:4003', 'fpga2', 2, 1e9, 43, 'h', fsink2, { FPGA: 2 });
  s.addWorker(fpga2);
  t.same(
    fsink2
      .take('compute')
      .map((o) => o.key)
      .sort(),
    ['f', 'h'],
    'FPGA=2 runs both',
  );
  t.same(fpga2.freeResources, { FPGA: 0 });
});

t.test('stealing moves resource tasks only to thieves with them free', async (t) => {
  const s = new SchedulerState();
  const vsink = new FakeSink();
  const victim = new WorkerState('tcp://127.0.0.1:5000', 'victim', 1, 1e9, 50, 'h', vsink, { GPU: 10 });
  s.addWorker(victim);
  const c = s.addClient('c', new FakeSink());
  const many = Array.from({ length: 10 }, (_, i) => gpuTask(`s-${i}`, [], i));
  s.updateGraph(
    c,
    many,
    many.map((m) => m.key),
  );
  t.equal(vsink.take('compute').length, 10, 'GPU=10 takes all ten');
  const plain = new WorkerState('tcp://127.0.0.1:5001', 'plain', 1, 1e9, 51, 'h', new FakeSink());
  s.addWorker(plain);
  s.balance();
  t.same(vsink.take('steal'), [], 'an idle worker without GPU steals nothing');
  const tsink = new FakeSink();
  const thief = new WorkerState('tcp://127.0.0.1:5002', 'thief', 1, 1e9, 52, 'h', tsink, { GPU: 1 });
  s.addWorker(thief);
  s.balance();
  const steal = vsink.take('steal');
  t.equal(steal.length, 1);
  t.equal(steal[0].thief, thief.address);
  t.equal(steal[0].keys.length, 1, 'only as many as the thief has GPUs for');
  s.stealResponse(victim, steal[0].keys, [], thief.address);
  t.same(
    tsink.take('compute').map((o) => o.key),
    steal[0].keys,
  );
  t.same(thief.freeResources, { GPU: 0 });
  t.same(victim.freeResources, { GPU: 1 }, 'the victim got its GPU back');
});

t.test('a value asked for while its first holder is removed in the same turn comes from the other holder', async (t) => {
  const { s, ws, c } = setup();
  s.updateGraph(c, [task('a', [], 0)], ['a']);
  const [first, second] = ws;
  const a = s.tasks.get('a')!;
  const runner = ws.find((e) => e.w === a.processingOn)!;
  s.taskFinished(runner.w, 'a', 8, 'number', 0, 1, undefined);
  const other = runner === first ? second : first;
  s.addReplicas(other.w, [{ key: 'a', nbytes: 8 }]);
  t.same(
    a.whoHas.map((w) => w.address),
    [runner.w.address, other.w.address],
  );
  for (const e of ws) e.sink.take('send-results');
  s.requestPush(c, ['a']); // queued for the first holder, sent at the end of this turn
  s.removeWorker(runner.w, 'killed');
  await new Promise((r) => setImmediate(r));
  t.same(
    other.sink.take('send-results').flatMap((o) => o.keys),
    ['a'],
    'the remaining holder is asked for the value',
  );
  t.equal(a.state, 'memory', 'not recomputed: a copy is left');
});
