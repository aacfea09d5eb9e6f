import t from 'tap';
import { compute, config, delayed, type Delayed, persist, shutdownSchedulers } from '../src/index.js';
import { SCHEDULERS } from './helpers/schedulers.js';
import { add, double, inc, sum, calcMean, boom } from './helpers/funcs.js';

t.teardown(shutdownSchedulers);

for (const scheduler of SCHEDULERS) {
  t.test(`delayed on ${scheduler}`, async (t) => {
    t.test('seed: inc/double/add over a list then a delayed sum', async (t) => {
      const output: Delayed<number>[] = [];
      for (const x of [1, 2, 3, 4, 5]) {
        const a = delayed(inc)(x);
        const b = delayed(double)(x);
        output.push(delayed(add)(a, b));
      }
      const total = delayed(sum)(output);
      t.equal(await total.compute({ scheduler }), 50);
      const [all] = await compute(output, { scheduler });
      t.same(all, [4, 7, 10, 13, 16]);
    });

    t.test('seed: calcMean over 10 replicates in one compute', async (t) => {
      const futures = Array.from({ length: 10 }, (_, i) => delayed(calcMean)(i, 1000));
      const [results] = await compute(futures, { scheduler });
      t.equal(results.length, 10);
      for (const [i, r] of results.entries()) {
        t.equal(r.length, 2);
        t.ok(Math.abs(r[0]) < 0.2, `replicate ${i} mean near 0`);
        t.ok(Math.abs(r[1] - 1) < 0.2, `replicate ${i} std near 1`);
      }
      t.not(results[0][0], results[1][0], 'replicates use different seeds');
    });

    t.test('decorator style and nested structures', async (t) => {
      const incD = delayed((x: number) => x + 1, { name: 'inc' });
      const x = incD(1);
      const y = incD(2);
      const z = delayed(add)(x, y);
      const [nested, obj, plain] = await compute(
        [
          [x, y],
          [z, 7],
        ],
        { a: x, b: [y, z] },
        'plain',
        { scheduler },
      );
      t.same(nested, [
        [2, 3],
        [5, 7],
      ]);
      t.same(obj, { a: 2, b: [3, 5] });
      t.equal(plain, 'plain');
      t.match(z.key, /^add-[0-9a-f]+$/);
    });

    t.test('delayed(value) wraps data and structures of delayed', async (t) => {
      const data = delayed(Float64Array.from([1, 2, 3]));
      const s = delayed((a: Float64Array) => a.reduce((p, v) => p + v, 0), { name: 'total' })(data);
      t.equal(await s.compute({ scheduler }), 6);
      const list = delayed([delayed(inc)(1), delayed(inc)(2), 10]);
      t.same(await list.compute({ scheduler }), [2, 3, 10]);
      const dict = delayed({ a: delayed(inc)(1), b: 'x' });
      t.same(await dict.compute({ scheduler }), { a: 2, b: 'x' });
    });

    t.test('nout, get and call', async (t) => {
      const [lo, hi] = delayed((xs: number[]) => [Math.min(...xs), Math.max(...xs)], { nout: 2, name: 'minmax' })([3, 1, 4]);
      t.same(await compute(lo, hi, { scheduler }), [1, 4]);
      const obj = delayed((n: number) => ({ n, list: [n, n * 2] }), { name: 'mk' })(3);
      t.equal(await obj.get('n').compute({ scheduler }), 3);
      t.equal(await obj.get('list').call('join', '-').compute({ scheduler }), '3-6');
    });

    t.test('async task functions are awaited', async (t) => {
      const later = delayed(
        async (x: number) => {
          await new Promise((r) => setTimeout(r, 5));
          return x * 10;
        },
        { name: 'later' },
      );
      t.equal(await delayed(add)(later(1), later(2)).compute({ scheduler }), 30);
    });

    t.test('a task that throws rejects with message, key and stack', async (t) => {
      const bad = delayed(boom)(3);
      const z = delayed(add)(bad, 1);
      const err = (await z.compute({ scheduler }).then(
        () => t.fail('should reject'),
        (e: unknown) => e,
      )) as RangeError & { taskKey?: string };
      t.type(err, RangeError, 'keeps the original error class');
      t.match(err.message, /boom: 3 is not allowed/);
      t.match(err.message, bad.key);
      t.equal(err.taskKey, bad.key);
      t.match(err.stack ?? '', /funcs\.ts/, 'stack names the user function file');
    });

    t.test('persist returns data-backed Delayed', async (t) => {
      const z = delayed(add)(delayed(inc)(1), 2);
      const p = await z.persist({ scheduler });
      t.equal(p.key, z.key);
      t.equal(Object.keys(p.graph()).length, 1);
      t.equal(await p.compute({ scheduler: 'sync' }), 4);
      const [pa] = await persist([z], { scheduler });
      t.equal(await pa[0].compute({ scheduler }), 4);
    });

    t.test('config scopes pick the scheduler', async (t) => {
      const z = delayed(inc)(41);
      const v = await config.with({ scheduler }, () => z.compute());
      t.equal(v, 42);
    });
  });
}
