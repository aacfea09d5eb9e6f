/**
 * `Client.connect()` with no address starts a LocalCluster on this machine (one worker process
 * per core) and `close()` stops it again.
 */
import t from 'tap';
import { Client, config, delayed } from '../../src/index.js';

t.test('Client.connect() starts and stops its own LocalCluster', async (t) => {
  const client = await Client.connect();
  t.teardown(() => client.close());
  t.match(
    String(client),
    // The summary line, then (once workers reported their memory) one line per worker.
    /^<Client: scheduler='tcp:\/\/127\.0\.0\.1:\d+' workers=\d+ threads=\d+ memory=[\d.]+ GiB dashboard=http:\/\/127\.0\.0\.1:\d+\/status>(\n {2}local-\d+: .*)*$/,
  );
  t.equal(config.get('scheduler'), client, 'it is the default scheduler');
  const pids = client.cluster!.workers.map((w) => w.pid!);
  t.ok(pids.length >= 1);
  const inc = (x: number) => x + 1;
  t.equal(await delayed(inc)(1).compute(), 2);
  await client.close();
  t.not(config.get('scheduler'), client, 'closing restores the previous default');
  t.match(String(client), /closed/);
  for (const pid of pids) {
    let alive = true;
    try {
      process.kill(pid, 0);
    } catch {
      alive = false;
    }
    t.notOk(alive, `worker process ${pid} stopped`);
  }
  t.throws(() => client.submit(inc, 1), /this Client is closed/);
});
