import t from 'tap';
import { compute, delayed, getScheduler, shutdownSchedulers, type TaskEvent } from '../../src/index.js';
import type { LocalScheduler } from '../../src/schedulers/index.js';
import { inc } from '../helpers/funcs.js';
import { spin } from './fixtures/matrix.js';

t.teardown(shutdownSchedulers);

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

t.test('SIGKILL of a pool process mid-compute: the compute is retried on a fresh process', async (t) => {
  const s = getScheduler('processes') as LocalScheduler;
  // Warm the pool so the kill lands in a running task, not a starting process.
  await compute([delayed(inc)(1), delayed(inc)(2)], { scheduler: 'processes', numWorkers: 2 });
  const tasks = Array.from({ length: 6 }, (_, i) => delayed(spin)(i, 300));
  const post = new Map<string, number>();
  let killed: number | undefined;
  const started = compute(tasks, {
    scheduler: 'processes',
    numWorkers: 2,
    callbacks: [
      {
        pretask: () => {
          if (killed !== undefined) return;
          const victim = s.pids()[0];
          killed = victim;
          // Let it get into the task first.
          setTimeout(() => process.kill(victim, 'SIGKILL'), 100);
        },
        posttask: (e: TaskEvent) => post.set(e.key, (post.get(e.key) ?? 0) + 1),
      },
    ],
  });
  const [values] = await started;
  t.same(values, [0, 1, 2, 3, 4, 5], 'correct result after the retry');
  t.ok(killed !== undefined && !alive(killed), 'the victim is dead');
  t.notOk(s.pids().includes(killed!), 'and replaced');
  t.equal(post.size, 6);
  t.ok(
    [...post.values()].every((c) => c === 1),
    'posttask fired once per task',
  );
  t.equal(await delayed(inc)(41).compute({ scheduler: 'processes' }), 42, 'the pool keeps working');
});

t.test('a task that kills its process every time fails the compute with a clear error', async (t) => {
  const suicide = delayed(
    (x: number) => {
      process.kill(process.pid, 'SIGKILL');
      return x;
    },
    { name: 'suicide' },
  )(1);
  const err = await suicide.compute({ scheduler: 'processes' }).then(
    () => undefined,
    (e: Error) => e,
  );
  t.ok(err instanceof Error);
  t.match(err!.message, /process worker process-\d+ \(pid \d+\) was killed by SIGKILL while running task 'suicide-/);
  t.match(err!.message, /gave up after 3 attempts/);
  t.match(err!.message, /scheduler: "sync"/);
});

t.test('a worker thread that crashes fails the compute with the crash, never hangs', async (t) => {
  const crash = delayed(
    (x: number) => {
      setTimeout(() => {
        throw new Error('thread crash from a stray timer');
      }, 0);
      return new Promise<number>(() => x);
    },
    { name: 'crash' },
  )(1);
  const err = await crash.compute({ scheduler: 'threads' }).then(
    () => undefined,
    (e: Error) => e,
  );
  t.match(err?.message, /thread worker thread-\d+ crashed: Error: thread crash from a stray timer/);
  t.match(err?.message, /while running task 'crash-/);
  t.equal(await delayed(inc)(1).compute({ scheduler: 'threads' }), 2, 'fresh threads replace the dead one');
});

t.test('process.exit inside a thread task ends only that thread', async (t) => {
  const exit = delayed((x: number) => process.exit(x), { name: 'exit' })(3);
  await t.rejects(exit.compute({ scheduler: 'threads' }), { message: /exited with code 3 while running task 'exit-/ });
});

t.test('shutting the pool down under a running compute rejects it', async (t) => {
  const slow = delayed(spin)(1, 5_000);
  let dispatched!: () => void;
  const running = new Promise<void>((r) => (dispatched = r));
  const rejected = t.rejects(slow.compute({ scheduler: 'processes', callbacks: [{ pretask: () => dispatched() }] }), {
    message: /pool was shut down while a compute was running/,
  });
  await running; // the task is handed to a worker process: the compute is running
  await shutdownSchedulers();
  await rejected;
  t.equal(await delayed(inc)(1).compute({ scheduler: 'processes' }), 2, 'a new pool starts on the next compute');
});
