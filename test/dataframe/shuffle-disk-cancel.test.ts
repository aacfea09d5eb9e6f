/**
 * Cancelling a computation in the middle of a disk shuffle leaves no shuffle file behind, on
 * any worker: the files of splits that had finished go when their results are released, and
 * so do those of splits still running when the cancel arrived (their results are dropped by
 * the worker, never handed to the scheduler, so only the worker can remove their files).
 * Real worker processes, the shuffle directory counted before and after.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { Client, config, LocalCluster } from '../../src/index.js';
import * as dd from '../../src/dataframe/index.js';
import { shuffleFiles, writeJoinData } from '../helpers/shuffle-disk.js';

const dir = mkdtempSync(join(tmpdir(), 'tsdask-shuffle-cancel-'));
const shuffleDir = join(dir, 'shuffle');
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

/** Shuffle piece files under the shuffle directory, on every worker (they share it). */
const countFiles = () => shuffleFiles(shuffleDir).count;

async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

t.test('cancelling a computation mid disk-shuffle deletes its files on every worker', async (t) => {
  const cluster = await LocalCluster.start({
    nWorkers: 2,
    threadsPerWorker: 1,
    memoryLimit: 0,
    dashboardAddress: null,
    env: { TSDASK_SHUFFLE_DIR: shuffleDir },
  });
  t.teardown(() => cluster.close());
  const client = await Client.connect(cluster, { setAsDefault: false });
  t.teardown(() => client.close());
  const restore = config.set({ shuffle: 'disk', scheduler: client });
  t.teardown(restore);

  const files = writeJoinData(dir, 'cancel', 400_000, 5000);
  const left = dd.readCsv(files.left, { blocksize: 200_000 });
  const right = dd.readCsv(files.right, { blocksize: 5000 });
  const q = left.merge(right, { on: 'k', broadcast: false }).groupby('k').agg({ v: 'sum', w: 'sum' });
  t.equal(countFiles(), 0, 'no shuffle file before');

  for (const how of ['cancel', 'release'] as const) {
    const f = client.compute(q);
    t.ok(await until(() => countFiles() >= 4, 60_000), `${how}: the shuffle wrote files (${countFiles()})`);
    const during = countFiles();
    t.not(f.status, 'finished', `${how}: the computation is still running`);
    if (how === 'cancel') await f.cancel();
    else f.release();
    const gone = await until(() => countFiles() === 0, 20_000);
    t.ok(gone, `${how}: every shuffle file is deleted (${during} while it ran, ${countFiles()} left)`);
  }
  t.same(await client.gather(client.map((x: number) => x * 2, [1, 2])), [2, 4], 'the cluster serves on');
});
