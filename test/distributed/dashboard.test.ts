/**
 * The dashboard as a person sees it: headless Chromium loads the page of a live cluster and
 * the rendered DOM shows the workers, the task stream and progress per task group.
 */
import t from 'tap';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { Client, LocalCluster } from '../../src/index.js';

function chromium(): string | undefined {
  for (const bin of ['chromium', 'chromium-browser', 'google-chrome']) {
    if (spawnSync('which', [bin]).status === 0) return bin;
  }
  if (process.env.CI === 'true') throw new Error('the dashboard test needs Chromium (apt-get install chromium)');
  return undefined;
}

const browser = chromium();

t.test('the dashboard renders live cluster state', { skip: browser ? false : 'Chromium not installed (apt-get install chromium)' }, async (t) => {
  const cluster = await LocalCluster.start({ nWorkers: 2, memoryLimit: '1GB', dashboardAddress: '127.0.0.1:0' });
  t.teardown(() => cluster.close());
  const client = await Client.connect(cluster, { setAsDefault: false });
  t.teardown(() => client.close());
  const square = (x: number) => x * x;
  t.equal((await client.gather(client.map(square, [1, 2, 3, 4, 5]))).length, 5);
  const link = client.dashboardLink!;
  t.match(link, /^http:\/\/127\.0\.0\.1:\d+\/status$/);
  // Asynchronously: the scheduler serving the page runs in this process.
  const { stdout: dom } = await promisify(execFile)(browser!, ['--headless', '--no-sandbox', '--disable-gpu', '--dump-dom', link], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  t.match(dom, /<td>local-0<\/td>/, 'a row per worker');
  t.match(dom, /<td>local-1<\/td>/);
  t.match(dom, /2 workers, 2 threads, 1\.9 GiB memory, 5 tasks done/, 'cluster totals');
  t.match(dom, /<td>square<\/td>.*5 \/ 5/s, 'progress of the task group');
  t.match(dom, /<rect [^>]*><title>square-/, 'the task stream draws each task');
  const res = await fetch(link, { method: 'POST' });
  t.equal(res.status, 405, 'read-only');
});
