import t from 'tap';
import { compute, delayed, type Delayed, getScheduler, shutdownSchedulers, type TaskEvent } from '../../src/index.js';
import type { LocalScheduler } from '../../src/schedulers/index.js';
import { add, boom, inc } from '../helpers/funcs.js';
import { fillShared, makeMatrix, makeOpaque, Matrix, matrixSum, whereAmI } from './fixtures/matrix.js';

t.teardown(shutdownSchedulers);

for (const scheduler of ['threads', 'processes'] as const) {
  t.test(scheduler, async (t) => {
    t.test('rich values, fused chains, data nodes and nested refs match sync', async (t) => {
      const data = delayed(new Float64Array([1, 2, 3]), { name: 'data' });
      const total = delayed((a: Float64Array) => a.reduce((p, v) => p + v, 0), { name: 'total' })(data);
      const chain = delayed(inc)(delayed(inc)(delayed(inc)(total)));
      const rich = delayed(
        (n: number) => ({
          when: new Date(Date.UTC(2020, 0, 1)),
          map: new Map([['n', n]]),
          set: new Set([BigInt(n)]),
          none: undefined,
          typed: new Int32Array([n, -n]),
        }),
        { name: 'rich' },
      )(chain);
      const nested = delayed((o: { a: number[]; b: { c: number } }) => o.a[0] + o.a[1] + o.b.c, { name: 'nested' })({ a: [total, chain], b: { c: total } });
      const [viaSync] = await compute({ rich, nested }, { scheduler: 'sync' });
      const [viaLocal] = await compute({ rich, nested }, { scheduler, numWorkers: 2 });
      t.same(viaLocal, viaSync);
      t.ok(viaLocal.rich.when instanceof Date);
      t.ok(viaLocal.rich.map instanceof Map);
      t.equal([...viaLocal.rich.set][0], 9n);
      t.ok('none' in viaLocal.rich);
      t.ok(viaLocal.rich.typed instanceof Int32Array);
      t.same([...viaLocal.rich.typed], [9, -9]);
      t.equal(viaLocal.nested, 6 + 9 + 6);
    });

    t.test('many small tasks: a tree reduction gives the exact sum', async (t) => {
      let xs: Delayed<number>[] = Array.from({ length: 3000 }, (_, i) => delayed(inc)(i));
      while (xs.length > 1) {
        const next: Delayed<number>[] = [];
        for (let i = 0; i < xs.length; i += 2) next.push(i + 1 < xs.length ? delayed(add)(xs[i], xs[i + 1]) : xs[i]);
        xs = next;
      }
      t.equal(await xs[0].compute({ scheduler, numWorkers: 2 }), (3000 * 3001) / 2);
    });

    t.test('callbacks fire for every task, with the executor name', async (t) => {
      const events: string[] = [];
      const workers = new Set<string>();
      const parts = Array.from({ length: 20 }, (_, i) => delayed(inc)(i));
      const total = delayed((xs: number[]) => xs.reduce((a, b) => a + b, 0), { name: 'sum' })(parts);
      const value = await total.compute({
        scheduler,
        numWorkers: 2,
        callbacks: [
          {
            start: (g, keys) => events.push(`start:${g.size}:${keys.length}`),
            pretask: (e: TaskEvent) => events.push(`pre:${e.key}`),
            posttask: (e) => {
              t.type(e.duration, 'number');
              workers.add(e.worker);
              events.push(`post:${e.key}`);
            },
            finish: (err) => events.push(`finish:${err === undefined}`),
          },
        ],
      });
      t.equal(value, 210);
      t.equal(events[0], 'start:21:1');
      t.equal(events.filter((e) => e.startsWith('pre:')).length, 21);
      t.equal(events.filter((e) => e.startsWith('post:')).length, 21);
      t.equal(events.at(-1), 'finish:true');
      const prefix = scheduler === 'threads' ? 'thread-' : 'process-';
      t.ok(
        [...workers].every((w) => w.startsWith(prefix)),
        [...workers].join(','),
      );
    });

    t.test('a task error comes back with class, key and the remote stack', async (t) => {
      const bad = delayed(boom)(delayed(inc)(1));
      const finished: unknown[] = [];
      const err = await bad.compute({ scheduler, callbacks: [{ finish: (e) => finished.push(e) }] }).then(
        () => undefined,
        (e: Error & { taskKey?: string }) => e,
      );
      t.ok(err instanceof RangeError, 'same built-in class');
      t.match(err!.message, /boom: 2 is not allowed/);
      t.match(err!.message, bad.key);
      t.equal(err!.taskKey, bad.key);
      t.match(err!.stack!, /at boom \(.*funcs\.ts/, 'stack points into the user function where it ran');
      t.equal(finished.length, 1);
      t.equal(finished[0], err);
    });

    t.test('a closure fails before anything runs, naming the variable', async (t) => {
      const factor = 3;
      let ran = 0;
      const scale = delayed((x: number) => x * factor, { name: 'scale' });
      const err = await scale(delayed(inc)(1))
        .compute({ scheduler, callbacks: [{ pretask: () => ran++ }] })
        .then(
          () => undefined,
          (e: Error) => e,
        );
      t.equal(err?.name, 'ClosureError');
      t.match(err!.message, /'factor'/);
      t.match(err!.message, /task 'scale-/);
      t.match(err!.message, /pass it as an argument/);
      t.equal(ran, 0, 'no task started');
    });

    t.test('functions: exported from a module, require()/import() inside, async', async (t) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the require() inside the shipped body is what this test checks
      const viaRequire = delayed((p: string) => (require('node:path') as typeof import('node:path')).basename(p), { name: 'base' })('/x/y.txt');
      const viaImport = delayed(async (x: number) => (await import('node:os')).EOL.length + x, { name: 'eol' })(1);
      const later = delayed(
        async (x: number) => {
          await new Promise((r) => setTimeout(r, 10));
          return x * 2;
        },
        { name: 'later' },
      );
      const [a, b, c] = await compute(viaRequire, viaImport, delayed(add)(later(1), later(2)), { scheduler, numWorkers: 2 });
      t.same([a, b, c], ['y.txt', 2, 6]);
    });

    t.test('registered types travel as frames; unregistered classes fail naming the task', async (t) => {
      const m = delayed(makeMatrix)(3, 2);
      const [mat, sum] = await compute(m, delayed(matrixSum)(m), { scheduler, numWorkers: 2 });
      t.ok(mat instanceof Matrix);
      t.equal(mat.rows, 3);
      t.equal(sum, 18);
      const opaque = delayed(makeOpaque)(1);
      await t.rejects(opaque.compute({ scheduler }), {
        name: 'SerializationError',
        message: new RegExp(`task '${opaque.key}'.*class Opaque.*registerType`, 's'),
      });
    });

    t.test('a result structured clone refuses fails the compute, naming the task', async (t) => {
      const proxied = delayed(() => new Proxy({ a: 1 }, {}), { name: 'proxied' })();
      await t.rejects(proxied.compute({ scheduler }), { message: new RegExp(`could not send the result of task '${proxied.key}'`) });
    });

    t.test('a large result is correct (transferred or piped, never JSON)', async (t) => {
      const big = delayed((n: number) => Float64Array.from({ length: n }, (_, i) => i), { name: 'big' })(1_000_000);
      const out = await big.compute({ scheduler });
      t.ok(out instanceof Float64Array);
      t.equal(out.length, 1_000_000);
      t.equal(out[999_999], 999_999);
    });

    t.test('sending a result never detaches a buffer the executor still uses', async (t) => {
      const big = delayed((n: number) => Float64Array.from({ length: n }, (_, i) => i), { name: 'big' })(100_000);
      const same = delayed((a: Float64Array) => a, { name: 'same' })(big);
      const total = delayed((a: Float64Array) => a.reduce((p, v) => p + v, 0), { name: 'total' })(big);
      const [a, s] = await compute(same, total, { scheduler, numWorkers: 1 });
      t.equal(a.length, 100_000);
      t.equal(a[99_999], 99_999);
      t.equal(s, (99_999 * 100_000) / 2);
    });

    t.test('two computes at once on one pool', async (t) => {
      const xs = Array.from({ length: 50 }, (_, i) => delayed(inc)(i));
      const ys = Array.from({ length: 50 }, (_, i) => delayed(add)(i, 100));
      const [[a], [b]] = await Promise.all([compute(xs, { scheduler, numWorkers: 2 }), compute(ys, { scheduler, numWorkers: 2 })]);
      t.same(
        a,
        xs.map((_, i) => i + 1),
      );
      t.same(
        b,
        ys.map((_, i) => i + 100),
      );
    });

    t.test('the pool is reused across computes and respects numWorkers', async (t) => {
      const s = getScheduler(scheduler) as LocalScheduler;
      const spots = Array.from({ length: 8 }, (_, i) => delayed(whereAmI)(i));
      const [first] = await compute(spots, { scheduler, numWorkers: 2 });
      const pids = s.pids();
      const [second] = await compute(
        spots.map((d) => delayed(whereAmI)(d)),
        { scheduler, numWorkers: 2 },
      );
      t.same(s.pids(), pids, 'same executors');
      t.ok(new Set([...first, ...second]).size <= 2, 'at most two executors used');
      if (scheduler === 'processes')
        t.notOk(
          first.some((w) => w.startsWith(`${process.pid}:`)),
          'tasks ran in child processes',
        );
      else
        t.ok(
          first.every((w) => w.startsWith(`${process.pid}:`) && !w.endsWith(':0')),
          'tasks ran in worker threads',
        );
    });
  });
}

t.test('threads share SharedArrayBuffer-backed arrays without copying', async (t) => {
  const shared = new Float64Array(new SharedArrayBuffer(8 * 4));
  const out = await delayed(fillShared)(delayed(shared, { name: 'shared' }), 7).compute({ scheduler: 'threads' });
  t.equal(shared[0], 7, 'the task wrote into the caller’s memory');
  out[1] = 42;
  t.equal(shared[1], 42, 'the result views the same shared memory');
  const copy = new Float64Array(new SharedArrayBuffer(8 * 4));
  const viaProcess = await delayed(fillShared)(delayed(copy, { name: 'copy' }), 5).compute({ scheduler: 'processes' });
  t.equal(copy[0], 0, 'processes get a copy');
  t.equal(viaProcess[0], 5);
});
