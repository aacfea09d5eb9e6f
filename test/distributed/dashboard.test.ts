/**
 * The dashboard as a person sees it: headless Chromium opens the status, graph, profile and
 * worker pages of a live cluster (a real scheduler, 2 real workers with 2 threads each) while a
 * computation runs, and the rendered pages show what they should. Screenshots are saved under
 * .tap/output/dashboard/. The JSON API and /metrics are read as scripts would.
 */
import t from 'tap';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client, LocalCluster, performanceReport, type ProfileNode } from '../../src/index.js';
import * as dd from '../../src/dataframe/index.js';
import { generateStackLite } from '../../src/datasets/index.js';
import { tagTable } from '../../src/cli/stacklite-tables.js';
import { Browser, findChromium } from './chromium.js';

const browser = findChromium();
const OUT = join(process.cwd(), '.tap', 'output', 'dashboard');
const XSS = '<img src=x onerror=window.__xss=1>';

/** CPU-bound on purpose, so the profiler finds it running. */
function spinForDashboard(ms: number): number {
  const t0 = Date.now();
  let x = 0;
  while (Date.now() - t0 < ms) x += Math.sqrt(x + 1);
  return x;
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus text format, parsed independently of the exporter: every sample line must be `name{labels} value`. */
function parsePrometheus(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.e+-]+|\+Inf|NaN)$/.exec(line);
    if (m === null) throw new Error(`not a Prometheus sample line: ${JSON.stringify(line)}`);
    const labels: Record<string, string> = {};
    for (const lm of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[lm[1]] = lm[2];
    out.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return out;
}

t.test('the dashboard pages, API and metrics of a live cluster', { skip: browser ? false : 'Chromium not installed (apt-get install chromium)' }, async (t) => {
  mkdirSync(OUT, { recursive: true });
  const cluster = await LocalCluster.start({ nWorkers: 2, threadsPerWorker: 2, memoryLimit: '1GB', dashboardAddress: '127.0.0.1:0' });
  t.teardown(() => cluster.close());
  const client = await Client.connect(cluster, { setAsDefault: false });
  t.teardown(() => client.close());
  const link = client.dashboardLink!;
  t.match(link, /^http:\/\/127\.0\.0\.1:\d+\/status$/);
  const base = link.replace(/\/status$/, '');

  // A task whose key is markup: every page must show it as text.
  const evil = client.submitWith({ key: `${XSS}-1` }, (x: number) => x + 1, 1);
  t.equal(await evil.result(), 2);
  t.teardown(() => evil.release()); // held (so its group stays listed) until the end
  // The computation that runs while the pages are open: batches of CPU-bound tasks.
  let running = true;
  const kept: unknown[] = [];
  const work = (async () => {
    while (running) {
      const fs = client.map(spinForDashboard, [60, 60, 60, 60, 60, 60, 60, 60], { pure: false });
      kept.push(...fs.slice(0, 2)); // some stay in memory (coloured so on the graph)
      await client.gather(fs);
    }
  })();
  t.teardown(async () => {
    running = false;
    await work;
  });

  const b = await Browser.launch(browser!);
  t.teardown(() => b.close());
  const page = await b.newPage();

  // Status: a row with bytes bars per worker, lanes per thread, progress per group, CPU/memory history.
  await page.goto(`${base}/status`);
  const lanes = await page.waitFor<string>(
    `(() => { const l = JSON.parse(document.getElementById('stream').dataset.lanes || '{}'); return l['local-0'] >= 2 && l['local-1'] >= 2 && document.getElementById('conn').textContent === 'live' ? JSON.stringify(l) : ''; })()`,
    'two lanes (threads) per worker in the task stream',
  );
  t.same(JSON.parse(lanes), { 'local-0': 2, 'local-1': 2 }, 'one lane per worker thread');
  const bars = await page.eval<{ name: string; managed: number; unmanaged: number; spilled: number }[]>(
    `[...document.querySelectorAll('#workers tr.worker')].map((r) => ({ name: r.querySelector('a').textContent, managed: r.querySelectorAll('.managed').length, unmanaged: r.querySelectorAll('.unmanaged').length, spilled: r.querySelectorAll('.spilled').length }))`,
  );
  t.same(
    bars.sort((a, b) => (a.name < b.name ? -1 : 1)),
    ['local-0', 'local-1'].map((name) => ({ name, managed: 1, unmanaged: 1, spilled: 1 })),
    'a managed / unmanaged / spilled bar per worker',
  );
  const groups = await page.waitFor<string>(
    `[...document.querySelectorAll('#progress tr.group td.name')].map((td) => td.textContent).join('|').includes('spinForDashboard') && [...document.querySelectorAll('#progress tr.group td.name')].map((td) => td.textContent).join('|')`,
    'progress of the spinForDashboard group',
  );
  t.ok(groups.split('|').includes(XSS), `the markup key is shown as its text (${groups})`);
  t.match(await page.eval<string>(`document.querySelector('#progress').textContent`), /mean \d/, 'durations per group');
  t.ok(
    Number(
      await page.waitFor<string>(
        `Number(document.getElementById('mem').dataset.samples) >= 2 && document.getElementById('mem').dataset.samples`,
        'memory history',
      ),
    ) >= 2,
  );
  t.match(await page.eval<string>(`document.getElementById('totals').textContent`), /^2 workers, 4 threads, 1\.9 GiB memory, \d+ tasks done/);
  await page.screenshot(join(OUT, 'status.png'));
  t.equal(await page.eval(`document.querySelectorAll('img').length + (window.__xss ? 100 : 0)`), 0, 'no element made from the key');

  // Graph: nodes coloured by state; the legend counts them.
  await page.goto(`${base}/graph`);
  const counts = await page.waitFor<Record<string, number>>(
    `(() => { const c = JSON.parse(document.getElementById('graph').dataset.counts || '{}'); return (c.m || 0) > 0 ? c : null; })()`,
    'graph nodes in memory',
  );
  t.ok(counts.m > 0, `nodes coloured as in memory (${JSON.stringify(counts)})`);
  t.match(await page.eval<string>(`document.getElementById('legend').textContent`), /in memory \d+/);
  await page.screenshot(join(OUT, 'graph.png'));

  // Profile: flame graph frames name the user's function.
  await page.goto(`${base}/profile`);
  await page.waitFor(`[...document.querySelectorAll('#profile .frame')].some((f) => f.textContent === 'spinForDashboard')`, 'a spinForDashboard frame', 30_000);
  t.ok(
    await page.eval(`[...document.querySelectorAll('#profile h3')].some((h) => h.textContent.startsWith('spinForDashboard'))`),
    'a flame graph for the task group',
  );
  await page.screenshot(join(OUT, 'profile.png'));

  // Worker page: details, recent tasks, log.
  const workers = (await (await fetch(`${base}/api/workers`)).json()) as { address: string; name: string; nthreads: number; memoryLimit: number }[];
  t.same(
    workers.map((w) => [w.name, w.nthreads]).sort(),
    [
      ['local-0', 2],
      ['local-1', 2],
    ],
    '/api/workers',
  );
  const w0 = workers.find((w) => w.name === 'local-0')!;
  await page.goto(`${base}/worker?address=${encodeURIComponent(w0.address)}`);
  await page.waitFor(
    `[...document.querySelectorAll('#recent tr.task td:first-child')].some((td) => td.textContent.startsWith('spinForDashboard-'))`,
    'recent tasks of the worker',
  );
  t.match(await page.eval<string>(`document.getElementById('details').textContent`), new RegExp(`address${w0.address.replace(/[.:/]/g, '\\$&')}`));
  t.match(await page.eval<string>(`document.getElementById('details').textContent`), /threads2/);
  t.notMatch(await page.eval<string>(`document.getElementById('wlog').textContent`), /^$/);
  await page.screenshot(join(OUT, 'worker.png'));

  // JSON API.
  const state = (await (await fetch(`${base}/api/state`)).json()) as { workers: unknown[]; groups: { name: string }[] };
  t.equal(state.workers.length, 2, '/api/state workers');
  t.ok(
    state.groups.some((g: { name: string }) => g.name === 'spinForDashboard'),
    '/api/state groups',
  );
  const tasks = (await (await fetch(`${base}/api/tasks?prefix=spinForDashboard&limit=3`)).json()) as { total: number; tasks: { key: string; group: string }[] };
  t.ok(tasks.total >= 2 && tasks.tasks.length <= 3, '/api/tasks filters and limits');
  t.ok(tasks.tasks.every((r) => r.key.startsWith('spinForDashboard-') && r.group === 'spinForDashboard'));

  // Prometheus metrics.
  const res = await fetch(`${base}/metrics`);
  t.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const samples = parsePrometheus(await res.text());
  const one = (name: string, labels: Record<string, string> = {}): number => {
    const s = samples.filter((x) => x.name === name && Object.entries(labels).every(([k, v]) => x.labels[k] === v));
    if (s.length !== 1) throw new Error(`${s.length} samples of ${name} ${JSON.stringify(labels)}`);
    return s[0].value;
  };
  t.equal(one('tsdask_workers', { status: 'running' }) + one('tsdask_workers', { status: 'paused' }), 2);
  t.equal(one('tsdask_threads'), 4);
  t.ok(one('tsdask_tasks', { state: 'memory' }) >= 1);
  t.equal(samples.filter((s) => s.name === 'tsdask_worker_memory_bytes').length, 2, 'memory per worker');
  t.ok(one('tsdask_worker_memory_limit_bytes', { name: 'local-0' }) === w0.memoryLimit);
  t.ok(one('tsdask_transfer_bytes_total') >= 0);
  const buckets = samples.filter((s) => s.name === 'tsdask_task_duration_seconds_bucket');
  t.ok(buckets.length >= 2 && buckets[buckets.length - 1].labels.le === '+Inf');
  t.ok(
    buckets.every((s, i) => i === 0 || s.value >= buckets[i - 1].value),
    'histogram buckets are cumulative',
  );
  t.equal(buckets[buckets.length - 1].value, one('tsdask_task_duration_seconds_count'));
  t.ok(one('tsdask_task_duration_seconds_count') >= one('tsdask_tasks_completed_total'));
  t.ok(one('tsdask_task_duration_seconds_sum') > 0.05, 'durations summed (the spinning tasks take 60 ms each)');

  // client.profile() returns the profile page's data.
  const prof = await client.profile({ duration: 1500 });
  t.equal(prof.workers.length, 2);
  const names = (n: ProfileNode): string[] => [n.name, ...n.children.flatMap(names)];
  t.ok(prof.groups.spinForDashboard !== undefined && names(prof.groups.spinForDashboard).includes('spinForDashboard'), 'client.profile names the function');

  t.equal((await fetch(link, { method: 'POST' })).status, 405, 'read-only');
});

t.test(
  'a performance report of StackLite Task 6 opens offline and shows its parts',
  { skip: browser ? false : 'Chromium not installed (apt-get install chromium)' },
  async (t) => {
    mkdirSync(OUT, { recursive: true });
    const dir = t.testdir();
    generateStackLite(dir, { questions: 8_000, seed: 3 });
    const cluster = await LocalCluster.start({ nWorkers: 2, threadsPerWorker: 1, memoryLimit: '1GB', dashboardAddress: null });
    t.teardown(() => cluster.close());
    const client = await Client.connect(cluster); // the default: compute() runs on the cluster
    t.teardown(() => client.close());
    const path = join(OUT, 'report.html');
    const top = await performanceReport(
      path,
      async () => {
        const questions = dd.readCsv(join(dir, 'questions.csv'), {
          blocksize: '100KB',
          dtype: { ClosedDate: 'string', DeletionDate: 'string', OwnerUserId: 'float64', AnswerCount: 'float64' },
        });
        const tags = dd.readCsv(join(dir, 'question_tags.csv'), { blocksize: '100KB' });
        return tagTable(questions, tags).nlargest(5, 'NumQuestions').compute();
      },
      { title: 'StackLite Task 6' },
    );
    t.equal(top.shape[0], 5, 'the report returns what the function returned');
    const html = readFileSync(path, 'utf8');
    t.notMatch(html, /<(script|link|img)[^>]+(src|href)=/i, 'nothing loaded from elsewhere');

    const b = await Browser.launch(browser!);
    t.teardown(() => b.close());
    const page = await b.newPage();
    await page.offline();
    await page.goto(pathToFileURL(path).href);
    t.same(
      page.requests.filter((u) => !u.startsWith('file:')),
      [],
      'the report requests nothing over the network',
    );
    t.match(await page.eval<string>(`document.getElementById('summary').textContent`), /^\d+ tasks in [\d.]+ s on 2 workers \(2 threads\)/);
    t.ok(Number(await page.eval(`document.getElementById('stream').dataset.tasks`)) > 10, 'the task stream draws the tasks');
    const groups = await page.eval<string[]>(`[...document.querySelectorAll('#progress tr.group td.name')].map((td) => td.textContent)`);
    t.ok(
      groups.some((g) => g.startsWith('merge')) && groups.some((g) => g.startsWith('groupby')),
      `progress per task group of the merge and groupby (${groups.join(', ')})`,
    );
    t.ok(Number(await page.eval(`document.getElementById('mem').dataset.samples`)) >= 2, 'worker memory over the run');
    t.ok(await page.eval(`document.querySelectorAll('#profile .flame').length > 0`), 'the profile');
    t.same(await page.eval(`document.querySelectorAll('#workers tr.worker').length`), 2, 'bytes per worker');
    await page.screenshot(join(OUT, 'report.png'));
  },
);
