/**
 * `client.scatter` takes an array. A Future is awaitable, so a Promise cannot resolve to one: the
 * old one-value form `await client.scatter(x)` handed back x itself (fetched back from the
 * cluster), and tasks given it shipped the whole array with every call. It is now refused with
 * the fix in the message; one value goes in an array.
 */
import t from 'tap';
import { Future } from '../../src/index.js';
import { localClient } from '../helpers/local-client.js';

const sumOf = (xs: Float64Array): number => {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s;
};

t.test('one value scattered in an array: a Future that tasks read on the workers', async (t) => {
  const { client, cluster } = await localClient(t, { nWorkers: 2, threadsPerWorker: 1 });
  const x = Float64Array.from({ length: 1_000_000 }, (_, i) => i % 1000);
  const want = 1_000 * 499_500; // 1000 repetitions of 0..999, written out by hand
  const [f] = await client.scatter([x]);
  t.ok(f instanceof Future, 'a Future, not the value');
  t.match(f.key, /^float64array-/, 'named by content');
  t.equal(f.status, 'finished');
  const held = cluster.scheduler.state.tasks.get(f.key);
  t.ok(held !== undefined && held.whoHas.length >= 1, 'the scheduler holds the scattered key on a worker');
  t.same(await client.gather([client.submit(sumOf, f), client.submit(sumOf, f)]), [want, want]);
});

t.test('one value given bare is refused with the array form in the message', async (t) => {
  const { client } = await localClient(t, { nWorkers: 1, threadsPerWorker: 1 });
  const untyped = client as unknown as { scatter(x: unknown): Promise<unknown> }; // as a JavaScript caller would
  await t.rejects(untyped.scatter(new Float64Array(10)), { name: 'TypeError', message: /Float64Array.*const \[f\] = await client\.scatter\(\[x\]\)/ });
  await t.rejects(untyped.scatter({ a: 1 }), /takes an array of values/);
});

t.test('a value that cannot be sent fails with a clear error naming it', async (t) => {
  const { client } = await localClient(t, { nWorkers: 1, threadsPerWorker: 1 });
  await t.rejects(client.scatter([{ socket: new WeakMap() }]), /scattered value/);
});
