/**
 * The shared run loop on its own, driven by a small executor written here: a store of
 * finished keys, tasks that wait on keys, functions that are synchronous or return Promises.
 * Expected orders are worked out by hand in each test.
 */
import t from 'tap';
import { DONE, type LoopTask, RUNNING, RunLoop, type TaskExecutor, WAITING } from '../../src/executor/run-loop.js';

interface Job extends LoopTask {
  deps: string[];
  fn: () => unknown;
  alone: boolean;
}

class Harness implements TaskExecutor<Job> {
  readonly loop: RunLoop<Job>;
  readonly events: string[] = [];
  readonly results = new Map<string, unknown>();
  readonly errors = new Map<string, unknown>();
  readonly jobs = new Map<string, Job>();
  private readonly waiters = new Map<string, Job[]>();
  /** Tasks between `run` and `done`/`erred`, as this executor sees them. */
  inFlight = 0;
  maxInFlight = 0;
  maxLoopRunning = 0;
  groupLimit: number | undefined;
  groups: string[][] = [];

  constructor(slots: number) {
    this.loop = new RunLoop<Job>(this, { slots, sliceMs: 5 });
  }

  add(key: string, priority: number, deps: string[] = [], fn: () => unknown = () => key, alone = false): Job {
    const job: Job = { key, priority, state: WAITING, missing: 0, deps, fn, alone };
    for (const d of deps) {
      if (this.results.has(d)) continue;
      job.missing++;
      const w = this.waiters.get(d);
      if (w === undefined) this.waiters.set(d, [job]);
      else w.push(job);
    }
    this.jobs.set(key, job);
    this.loop.add(job);
    return job;
  }

  groupSize(): number {
    return this.groupLimit ?? 1;
  }

  starting(group: readonly Job[]): void {
    if (this.groupLimit === undefined) return;
    this.groups.push(group.map((j) => j.key));
    this.events.push(`announce ${group.map((j) => j.key).join(',')}`);
  }

  run(job: Job): unknown {
    this.events.push(`start ${job.key}`);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    this.maxLoopRunning = Math.max(this.maxLoopRunning, this.loop.running);
    return job.fn();
  }

  done(job: Job, value: unknown): void {
    this.inFlight--;
    this.events.push(`done ${job.key}`);
    this.results.set(job.key, value);
    const w = this.waiters.get(job.key);
    this.waiters.delete(job.key);
    if (w !== undefined) for (const j of w) this.loop.arrived(j);
  }

  erred(job: Job, error: unknown): void {
    this.inFlight--;
    this.events.push(`erred ${job.key}`);
    this.errors.set(job.key, error);
  }

  starts(): string[] {
    return this.events.filter((e) => e.startsWith('start ')).map((e) => e.slice(6));
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function until(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(1);
  }
}

t.test('a task starts only after all of its inputs are done, whatever its priority', async (t) => {
  const h = new Harness(4);
  // Priorities favour the last task: only dependencies can explain a, b, c, d.
  h.add('d', 0, ['c']);
  h.add('c', 1, ['a', 'b']);
  h.add('b', 2, ['a']);
  h.add('a', 3);
  t.equal(h.jobs.get('d')!.state, WAITING);
  await until(() => h.results.size === 4, 'all four');
  t.same(h.starts(), ['a', 'b', 'c', 'd']);
  t.same(h.events, ['start a', 'done a', 'start b', 'done b', 'start c', 'done c', 'start d', 'done d']);
});

t.test('ready tasks start in priority order, including ones made ready mid-slice', async (t) => {
  const h = new Harness(1);
  for (const p of [3, 1, 4, 0, 2]) h.add(`t${p}`, p);
  await until(() => h.results.size === 5, 'five tasks');
  t.same(h.starts(), ['t0', 't1', 't2', 't3', 't4']);

  const g = new Harness(1);
  g.add('x', 5);
  g.add('b', 1, ['a']);
  g.add('a', 0);
  // a (0) runs first; its end makes b (1) ready, which beats x (5).
  await until(() => g.results.size === 3, 'three tasks');
  t.same(g.starts(), ['a', 'b', 'x']);
});

t.test('never more than `slots` tasks run at once', async (t) => {
  const h = new Harness(3);
  const delays = [5, 1, 4, 2, 3, 1, 5, 2, 4, 3];
  delays.forEach((ms, i) => h.add(`s${i}`, i, [], () => sleep(ms).then(() => i)));
  await until(() => h.results.size === 10, 'ten async tasks');
  // Ten ready tasks and three slots: the bound is reached, and never passed.
  t.equal(h.maxInFlight, 3);
  t.equal(h.maxLoopRunning, 3);
  t.equal(h.loop.running, 0);
  t.same([...h.results.keys()].sort(), delays.map((_, i) => `s${i}`).sort());
  t.equal(h.results.get('s7'), 7);
});

t.test('a synchronous task waits while an async one holds the only slot', async (t) => {
  const h = new Harness(1);
  h.add('slow', 0, [], () => sleep(20).then(() => 'slow'));
  h.add('quick', 1);
  await until(() => h.results.size === 2, 'both');
  t.same(h.events, ['start slow', 'done slow', 'start quick', 'done quick']);
});

t.test('errors reach the executor with the task key; dependents do not run', async (t) => {
  const h = new Harness(2);
  h.add('bad', 0, [], () => {
    throw new TypeError('boom');
  });
  h.add('worse', 1, [], () => sleep(2).then(() => Promise.reject(new RangeError('later'))));
  h.add('after-bad', 2, ['bad']);
  h.add('fine', 3);
  await until(() => h.errors.size === 2 && h.results.has('fine'), 'two errors and fine');
  await sleep(5);
  t.match(h.errors.get('bad'), { name: 'TypeError', message: 'boom' });
  t.match(h.errors.get('worse'), { name: 'RangeError', message: 'later' });
  t.notOk(h.starts().includes('after-bad'), 'the dependent of a failed task never starts');
  t.equal(h.jobs.get('after-bad')!.state, WAITING);
  t.equal(h.jobs.get('bad')!.state, DONE);
  t.equal(h.inFlight, 0);
});

t.test('dropped tasks never run; a dropped running task frees its slot at once', async (t) => {
  const h = new Harness(1);
  h.add('in', 0, [], () => sleep(5).then(() => 'in'));
  const waiting = h.add('needs-in', 1, ['in']);
  const ready = h.add('ready', 2);
  h.add('other', 3);
  h.loop.drop(waiting);
  h.loop.drop(ready);
  await until(() => h.results.has('other'), 'other');
  t.same(h.starts(), ['in', 'other']);

  // A running async task dropped: the next task starts before it settles, and its end is ignored.
  const g = new Harness(1);
  let finishLong!: (v: string) => void;
  const long = g.add('long', 0, [], () => new Promise<string>((r) => (finishLong = r)));
  g.add('next', 1);
  await until(() => long.state === RUNNING, 'long running');
  t.equal(g.loop.running, 1);
  g.loop.drop(long);
  t.equal(g.loop.running, 0);
  await until(() => g.results.has('next'), 'next');
  finishLong('late');
  await sleep(5);
  t.notOk(g.results.has('long'), 'the end of a dropped task is not reported');
  t.same(g.events, ['start long', 'start next', 'done next']);
});

t.test('groups: announced before they run, at most groupSize, `alone` tasks by themselves', async (t) => {
  const h = new Harness(10);
  h.groupLimit = 3;
  // p0 p1 | p2 (alone) | p3 p4 p5 | p6: a group stops before an alone task and after it.
  for (let i = 0; i < 7; i++) h.add(`p${i}`, i, [], () => `p${i}`, i === 2);
  await until(() => h.results.size === 7, 'seven');
  t.same(h.groups, [['p0', 'p1'], ['p2'], ['p3', 'p4', 'p5'], ['p6']]);
  // Synchronous tasks: each group is announced, then its tasks run, then the next group.
  t.same(
    h.events.filter((e) => !e.startsWith('done ')),
    ['announce p0,p1', 'start p0', 'start p1', 'announce p2', 'start p2', 'announce p3,p4,p5', 'start p3', 'start p4', 'start p5', 'announce p6', 'start p6'],
  );
});

t.test('a group that outlasts its slice yields to the event loop between its tasks, announced once', async (t) => {
  const h = new Harness(1);
  h.groupLimit = 8;
  const spin = (ms: number) => () => {
    const end = performance.now() + ms;
    while (performance.now() < end);
  };
  // Eight 4 ms tasks in one group of 8: 32 ms of work against slices of 5 ms.
  for (let i = 0; i < 8; i++) h.add(`s${i}`, i, [], spin(4));
  // A message arriving while the group runs (as a peer's request to a worker).
  setImmediate(() => h.events.push('event loop'));
  await until(() => h.results.size === 8, 'eight');
  t.same(h.groups, [['s0', 's1', 's2', 's3', 's4', 's5', 's6', 's7']], 'one announcement of all eight, none again');
  const seen = h.events.indexOf('event loop');
  t.ok(seen > 0 && seen < h.events.indexOf('start s7'), 'the event loop ran before the last task of the group started');
  t.same(h.starts(), ['s0', 's1', 's2', 's3', 's4', 's5', 's6', 's7'], 'still in priority order');
  t.ok(h.events.indexOf('announce s0,s1,s2,s3,s4,s5,s6,s7') < h.events.indexOf('start s0'), 'announced before any of them ran');
});

t.test('pause stops new starts until resume; close ignores later ends', async (t) => {
  const h = new Harness(2);
  h.loop.pause();
  h.add('a', 0);
  await sleep(10);
  t.same(h.events, [], 'nothing starts while paused');
  h.loop.resume();
  await until(() => h.results.has('a'), 'a after resume');

  let finish!: () => void;
  h.add('b', 1, [], () => new Promise<void>((r) => (finish = r)));
  await until(() => h.loop.running === 1, 'b running');
  h.loop.close();
  h.add('c', 2);
  finish();
  await sleep(10);
  t.notOk(h.results.has('b'));
  t.notOk(h.starts().includes('c'));
});
