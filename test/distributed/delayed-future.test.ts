/**
 * A Future given to a delayed function is a dependency on the Future's own key, as in Dask:
 * no `finalize-...` copy task per graph (that copy ran on one worker, and every dependent on
 * another worker then fetched it from that peer).
 */
import t from 'tap';
import { compute, delayed } from '../../src/index.js';
import { localClient } from '../helpers/local-client.js';

const sumFrom = (xs: Float64Array, from: number): number => {
  let s = 0;
  for (let i = from; i < xs.length; i++) s += xs[i];
  return s;
};

t.test('delayed(fn)(future) reads the future key directly: only the calls run', async (t) => {
  const { client, cluster } = await localClient(t, { nWorkers: 2, threadsPerWorker: 1 });
  const state = cluster.scheduler.state;
  const xs = Float64Array.from({ length: 100 }, (_, i) => i);
  const [x] = await client.scatter([xs], { broadcast: true });
  const call = delayed(sumFrom, { name: 'sum-from' });
  const calls = [0, 10, 50, 99].map((from) => call(x, from));
  t.same(Object.keys(calls[0].graph()), [calls[0].key], "the call's graph holds the call only");
  // One graph of the four calls (a copy task would have four dependents, so no fusing hides it).
  const ran = state.stream.length;
  // 0 + 1 + ... + 99 = 4950, minus the first `from` of them: 4950 - from * (from - 1) / 2.
  t.same(await compute(calls, { scheduler: client }), [[4950, 4905, 3725, 99]]);
  const keys = state.stream.slice(ran).map((e) => e.key);
  t.same(
    keys.filter((k) => k.startsWith('finalize-')),
    [],
    'no copy task of the future',
  );
  t.same(keys.sort(), calls.map((c) => c.key).sort(), 'the four calls, nothing else');
  t.same(state.eventLog.transfers.length, 0, 'each worker read its own broadcast copy');

  // client.compute of one call, and delayed(future) itself.
  t.equal(await client.compute(calls[2]), 3725);
  t.equal(delayed(x).key, x.key, 'delayed(future) is the future key');
  t.same(await compute(delayed(x), { scheduler: client }), [xs]);
});

t.test('a future given to a local scheduler fails naming its key', async (t) => {
  const { client } = await localClient(t, { nWorkers: 1, threadsPerWorker: 1 });
  const [x] = await client.scatter([Float64Array.of(1, 2, 3)]);
  for (const scheduler of ['sync', 'threads'] as const) {
    await t.rejects(compute(delayed(sumFrom)(x, 0), { scheduler }), { name: 'GraphError', message: new RegExp(`unknown key '${x.key}'`) }, scheduler);
  }
});
