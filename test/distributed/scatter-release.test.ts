/**
 * Scattered keys are named by content, so scattering the same value again gives the same key. An
 * older Future of that value released while the new scatter is on its way must not free the key
 * after the scatter reached the scheduler (a second gridSearch over the same data lost its data).
 */
import t from 'tap';
import { localClient } from '../helpers/local-client.js';

const total = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

t.test('a Future released during a scatter of the same value does not free the new one', async (t) => {
  const { client } = await localClient(t, { nWorkers: 1, threadsPerWorker: 1 });
  const data = Array.from({ length: 1000 }, (_, i) => i);
  const [old] = await client.scatter([data]);
  const again = client.scatter([data]); // the request is sent now
  old.release(); // the last reference of the first scatter goes while the second is on its way
  const [fresh] = await again;
  t.equal(fresh.key, old.key, 'the same value scatters to the same key');
  t.equal(await client.submit(total, fresh).result(), 499_500, 'a task reads the re-scattered value');
  t.same(await client.gather(fresh), data, 'the value is still on the cluster');
});
