/**
 * One partition larger than a worker's memory: a readCsv with a huge blocksize fails at once
 * with an error that names the task, the file and bytes of the partition, its size, the
 * worker's limit and the fix (`blocksize`, `npartitions`), instead of growing the worker until
 * its nanny kills it. The fix it names works.
 */
import t from 'tap';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, LocalCluster } from '../../src/index.js';
import * as dd from '../../src/dataframe/index.js';
import { gzipDecompressedSize } from '../../src/io/gzip-size.js';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

t.test('a CSV partition larger than the worker memory limit fails naming the task, size, limit and fix', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsdask-part-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'big.csv');
  // 3,000,000 rows of "1234567,89\n" (11 bytes): 33 MB of CSV, against a 24 MiB limit.
  const ROWS = 3_000_000;
  const line = Buffer.from('1234567,89\n');
  const body = Buffer.alloc(line.length * ROWS);
  for (let i = 0; i < ROWS; i++) line.copy(body, i * line.length);
  writeFileSync(path, Buffer.concat([Buffer.from('a,b\n'), body]));

  // Thresholds off: only the partition check can stop this (no pause, no nanny kill).
  const cluster = await LocalCluster.start({
    nWorkers: 1,
    threadsPerWorker: 1,
    memoryLimit: 24 * 2 ** 20,
    memoryThresholds: { target: false, spill: false, pause: false, terminate: false },
    dashboardAddress: null,
  });
  t.teardown(() => cluster.close());
  const client = await Client.connect(cluster, { setAsDefault: false });
  t.teardown(() => client.close());

  const huge = dd.readCsv(path, { blocksize: '1GB' });
  t.equal(huge.npartitions, 1, 'one partition holds the whole file');
  const err = await huge
    .col('b')
    .sum()
    .compute({ scheduler: client })
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  t.ok(err instanceof Error, `it fails (${String(err)})`);
  const message = err instanceof Error ? err.message : '';
  t.match(message, /task '[^']*read[^']*'/i, 'names the task');
  t.match(message, new RegExp(`${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} at bytes 0-${4 + line.length * ROWS}`), 'names the file and its bytes');
  t.match(message, /\(31\.5 MiB of CSV\)/, "names the partition's size");
  t.match(message, /memory limit \(24\.0 MiB\)/, 'names the limit');
  t.match(message, /`blocksize`/, 'names the fix: a smaller blocksize');
  t.match(message, /`npartitions`/, 'or more partitions');

  // The same rows gzipped: ~0.1 MB on disk, one block, 31.5 MiB once decompressed.
  const gz = join(dir, 'big.csv.gz');
  writeFileSync(gz, gzipSync(readFileSync(path)));
  t.equal(gzipDecompressedSize(gz), gunzipSync(readFileSync(gz)).length, 'the gzip trailer gives the decompressed size');
  const zipped = dd.readCsv(gz);
  t.equal(zipped.npartitions, 1, 'a gzip file is one partition');
  const gzErr = await zipped
    .col('b')
    .sum()
    .compute({ scheduler: client })
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  t.ok(gzErr instanceof Error, `the gzip block fails too (${String(gzErr)})`);
  const gzMessage = gzErr instanceof Error ? gzErr.message : '';
  t.match(gzMessage, /task '[^']*read[^']*'/i, 'names the task');
  t.match(gzMessage, new RegExp(`${escape(gz)} \\(a gzip file is one block: 31\\.5 MiB of CSV once decompressed`), 'names the file and its decompressed size');
  t.match(gzMessage, /memory limit \(24\.0 MiB\)/, 'names the limit');
  t.match(gzMessage, /decompress it so that a smaller `blocksize`/, 'names the fix for a gzip file');
  t.match(gzMessage, /`memoryLimit`/, 'or a larger memory limit');

  const ok = dd.readCsv(path, { blocksize: '4MB' });
  t.ok(ok.npartitions >= 8, `the fix: ${ok.npartitions} partitions`);
  t.equal(await ok.col('b').sum().compute({ scheduler: client }), 89 * ROWS, 'with a smaller blocksize it computes, exact');
});
