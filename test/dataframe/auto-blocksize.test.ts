/**
 * readCsv's default blocksize follows the connected Client's memory: 64MB blocks on workers with
 * 600MB each were killed by their nannies on the StackLite set (issue 11), so without a
 * `blocksize` a block is at most 1/20 of a worker thread's memory limit (never under 4MB, never
 * over 64MB). An explicit `blocksize`, or a Client that is not the default, changes nothing.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { Client, LocalCluster } from '../../src/index.js';
import * as dd from '../../src/dataframe/index.js';

t.test('default blocks shrink to the default Client workers memory', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsdask-auto-block-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'rows.csv');
  // ~20 MB of rows: id,value with value = id % 1000.
  const rows: string[] = ['id,value'];
  let expected = 0;
  for (let i = 0; i < 1_800_000; i++) {
    rows.push(`${i},${i % 1000}`);
    expected += i % 1000;
  }
  writeFileSync(file, rows.join('\n') + '\n');
  const size = statSync(file).size;
  t.ok(size > 20e6 && size < 30e6, `the file is ${size} bytes`);

  t.equal(dd.readCsv(file).npartitions, 1, 'no Client: one 64MB block holds the whole file');

  // 200MB per worker, one thread each: blocks of 200e6 / 20 = 10 MB.
  const cluster = await LocalCluster.start({ nWorkers: 2, threadsPerWorker: 1, memoryLimit: '200MB', dashboardAddress: null });
  t.teardown(() => cluster.close());
  const aside = await Client.connect(cluster, { setAsDefault: false });
  t.teardown(() => aside.close());
  t.equal(dd.readCsv(file).npartitions, 1, 'a Client connected with setAsDefault: false does not change the default');

  const client = await Client.connect(cluster);
  t.teardown(() => client.close());
  const df = dd.readCsv(file);
  t.equal(df.npartitions, Math.ceil(size / 10e6), '10 MB blocks under 200MB workers');
  t.equal(dd.readCsv(file, { blocksize: '64MB' }).npartitions, 1, 'an explicit blocksize is kept');
  t.equal(await df.col('value').sum().compute(), expected, 'the blocks together read every row once');
  await client.close();
  t.equal(dd.readCsv(file).npartitions, 1, 'after the Client closes: 64MB again');
});
