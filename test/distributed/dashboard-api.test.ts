/**
 * The dashboard's server side without a browser: the graph shapes (tasks, and task groups past
 * the limit), /metrics (label escaping, the duration histogram), the token cookie off loopback,
 * live pushes over the websocket, and escaping of user strings in server-rendered pages.
 */
import t from 'tap';
import WebSocket from 'ws';
import { startDashboard } from '../../src/distributed/dashboard/server.js';
import { GRAPH_TASK_LIMIT, schedulerView } from '../../src/distributed/dashboard/view.js';
import { workersPage } from '../../src/distributed/dashboard/pages/worker.js';
import { scriptJson } from '../../src/distributed/dashboard/pages/layout.js';
import { WorkerState } from '../../src/distributed/scheduler/tasks.js';
import { FakeSink, setup, task } from './fake-scheduler.js';

const clock = { contactAddress: 'tcp://127.0.0.1:8786', startedAt: Date.now() };

t.test('graph shape: one node per task with its edges, then per group beyond the limit', async (t) => {
  const { s, c } = setup();
  const n = 50;
  s.updateGraph(
    c,
    Array.from({ length: n }, (_, i) => task(`step-${i}`, i === 0 ? [] : [`step-${i - 1}`], i)),
    [`step-${n - 1}`],
  );
  const view = schedulerView(s, clock);
  const shape = view.graphShape();
  t.equal(shape.mode, 'tasks');
  t.equal(shape.nodes.length, n);
  const at = new Map(shape.nodes.map((x, i) => [x.key, i]));
  // The chain written above: step-(i-1) -> step-i.
  t.same(
    shape.edges.map(([a, b]) => `${shape.nodes[a].key}>${shape.nodes[b].key}`).sort(),
    Array.from({ length: n - 1 }, (_, i) => `step-${i}>step-${i + 1}`).sort(),
  );
  const states = view.graphStates(shape).states!;
  const code: Record<string, string> = { released: 'r', waiting: 'w', queued: 'w', 'no-worker': 'w', processing: 'p', memory: 'm', erred: 'e' };
  for (const ts of s.tasks.values()) t.equal(states[at.get(ts.key)!], code[ts.state], ts.key);

  const big = setup();
  const m = Math.ceil(GRAPH_TASK_LIMIT / 2) + 1;
  const tasks = [];
  for (let i = 0; i < m; i++) tasks.push(task(`load-${i}`, [], 2 * i), task(`clean-${i}`, [`load-${i}`], 2 * i + 1));
  big.s.updateGraph(
    big.c,
    tasks,
    tasks.filter((x) => x.key.startsWith('clean')).map((x) => x.key),
  );
  const gshape = schedulerView(big.s, clock).graphShape();
  t.equal(gshape.mode, 'groups', `${2 * m} tasks are drawn as groups`);
  t.same(gshape.nodes.map((x) => x.key).sort(), ['clean', 'load']);
  t.same(
    gshape.edges.map(([a, b]) => `${gshape.nodes[a].key}>${gshape.nodes[b].key}`),
    ['load>clean'],
  );
  const g = schedulerView(big.s, clock).graphStates(gshape).groups!;
  t.equal(
    g.reduce((a, x) => a + x.waiting + x.processing + x.memory + x.erred + x.released + x.forgotten, 0),
    2 * m,
    'every task counted once',
  );
});

/** Prometheus label values unescaped as the format defines (\\, \", \n). */
const unescape = (v: string): string => v.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));

t.test('/metrics: escaped labels and a cumulative duration histogram', async (t) => {
  const { s, c, ws } = setup({ nWorkers: 1 });
  const odd = new WorkerState('tcp://127.0.0.1:2000', 'we"ird\\name\nx', 1, 0, 9, 'h', new FakeSink());
  s.addWorker(odd);
  const durationsMs = [0.5, 3, 70, 2000];
  s.updateGraph(
    c,
    durationsMs.map((_, i) => task(`t-${i}`, [], i)),
    durationsMs.map((_, i) => `t-${i}`),
  );
  for (const [i, d] of durationsMs.entries()) {
    const ts = s.tasks.get(`t-${i}`)!;
    if (ts.processingOn === null) s.fillWorkers();
    const w = ts.processingOn ?? ws[0].w;
    s.taskFinished(w, `t-${i}`, 8, 'number', 1000, 1000 + d, undefined);
  }
  const d = await startDashboard(schedulerView(s, clock), '127.0.0.1', 0);
  t.teardown(() => d.close());
  const text = await (await fetch(`http://127.0.0.1:${d.port}/metrics`)).text();
  const names = [...text.matchAll(/^tsdask_worker_memory_bytes\{worker="[^"]*",name="((?:[^"\\]|\\.)*)"\} /gm)].map((m) => unescape(m[1]));
  t.ok(names.includes(odd.name), 'a worker name with quote, backslash and newline survives escaping');
  const bucket = (le: string): number =>
    Number(new RegExp(`^tsdask_task_duration_seconds_bucket\\{le="${le.replace('+', '\\+')}"\\} (\\d+)$`, 'm').exec(text)?.[1]);
  // Counted by hand from durationsMs: 0.5 ms; 3 ms; 70 ms; 2 s.
  t.same(['0.001', '0.005', '0.01', '0.05', '0.1', '0.5', '1', '5', '10', '60', '+Inf'].map(bucket), [1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 4]);
  t.match(text, /^tsdask_task_duration_seconds_sum 2\.0735\d*$/m);
  t.match(text, /^tsdask_tasks\{state="memory"\} 4$/m);
});

t.test('off loopback the dashboard asks for the token, set as a cookie by a one-time link', async (t) => {
  const { s } = setup();
  const d = await startDashboard(schedulerView(s, clock), '0.0.0.0', 0, { token: 's3cret' });
  t.teardown(() => d.close());
  const base = `http://127.0.0.1:${d.port}`;
  t.equal((await fetch(`${base}/status`)).status, 401, 'no token: refused');
  t.equal((await fetch(`${base}/api/state`)).status, 401);
  t.equal((await fetch(`${base}/metrics`)).status, 401);
  t.equal((await fetch(`${base}/health`)).status, 200, 'health needs no token');
  const once = d.oneTimeLink().replace(/^http:\/\/[^/]+/, base);
  t.match(once, /\/login\?once=[0-9a-f]{32}/);
  const login = await fetch(once, { redirect: 'manual' });
  t.equal(login.status, 302);
  t.equal(login.headers.get('location'), '/status');
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
  t.match(login.headers.get('set-cookie') ?? '', /HttpOnly; SameSite=Strict/);
  t.equal((await fetch(once, { redirect: 'manual' })).status, 403, 'the link works once');
  t.equal((await fetch(`${base}/status`, { headers: { cookie } })).status, 200, 'the cookie opens the dashboard');
  t.equal((await fetch(`${base}/api/workers`, { headers: { authorization: 'Bearer s3cret' } })).status, 200, 'scripts send the token');
  t.equal((await fetch(`${base}/api/workers`, { headers: { authorization: 'Bearer wrong' } })).status, 401);
  const refused = await new Promise<string>((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${d.port}/ws?page=status`);
    ws.on('open', () => resolve('open'));
    ws.on('error', (e) => resolve(e.message));
  });
  t.match(refused, /401/, 'the websocket too');
});

t.test('pages are pushed over the websocket, without requests from the page', async (t) => {
  const { s } = setup();
  const d = await startDashboard(schedulerView(s, clock), '127.0.0.1', 0);
  t.teardown(() => d.close());
  const ws = new WebSocket(`ws://127.0.0.1:${d.port}/ws?page=status`);
  const got: { type: string; state: { workers: unknown[] } }[] = [];
  await new Promise<void>((resolve) =>
    ws.on('message', (m: Buffer) => {
      got.push(JSON.parse(m.toString()) as (typeof got)[number]);
      if (got.length === 3) resolve();
    }),
  );
  ws.close();
  t.same(
    got.map((m) => [m.type, m.state.workers.length]),
    [
      ['state', 2],
      ['state', 2],
      ['state', 2],
    ],
  );
});

t.test('user strings are escaped in server-rendered pages', async (t) => {
  const { s } = setup({ nWorkers: 0 });
  s.addWorker(new WorkerState('tcp://127.0.0.1:3000', '<script>alert(1)</script>', 1, 0, 1, 'h', new FakeSink()));
  const page = workersPage(schedulerView(s, clock).workers());
  t.notMatch(page, /<script>alert/);
  t.match(page, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  t.notMatch(scriptJson({ k: '</script><img src=x>' }), /<\//, 'embedded JSON cannot close the script element');
});

t.test('the live status page gets the task stream as merged bars: every run counted, messages small', async (t) => {
  // 20,000 runs of 1 ms back to back on 2 workers x 2 threads. As run objects that is ~2 MB;
  // as bars (short runs of one group merged per thread) a few hundred bytes.
  const { s, c } = setup({ nWorkers: 2, nthreads: 2 });
  const d = await startDashboard(schedulerView(s, clock), '127.0.0.1', 0);
  t.teardown(() => d.close());
  const ws = new WebSocket(`ws://127.0.0.1:${d.port}/ws?page=status`);
  const sizes: number[] = [];
  const bars = new Map<number, { worker: string; thread: number; group: string; start: number; stop: number; count: number }>();
  let messages = 0;
  ws.on('message', (m: Buffer) => {
    messages++;
    sizes.push(m.length);
    const state = (JSON.parse(m.toString()) as { state: { bars?: { t0: number; workers: string[]; groups: string[]; bars: number[] } } }).state;
    const p = state.bars;
    if (p === undefined) return;
    for (let i = 0; i < p.bars.length; i += 8) {
      const [id, w, thread, g, start, stop, count] = p.bars.slice(i, i + 8);
      bars.set(id, { worker: p.workers[w], thread, group: p.groups[g], start: p.t0 + start, stop: p.t0 + stop, count });
    }
  });
  await new Promise<void>((resolve) => ws.once('message', () => resolve()));

  const n = 20_000;
  s.updateGraph(
    c,
    Array.from({ length: n }, (_, i) => task(`tiny-${i}`, [], i)),
    Array.from({ length: n }, (_, i) => `tiny-${i}`),
  );
  const base = Date.now();
  const next = new Map<string, number>(); // per worker thread: when its next run starts
  const runs: { worker: string; thread: number; start: number; stop: number }[] = [];
  for (let i = 0; i < n; i++) {
    const ts = s.tasks.get(`tiny-${i}`)!;
    if (ts.processingOn === null) s.fillWorkers();
    const w = ts.processingOn!;
    const thread = i % 2;
    const start = next.get(`${w.address} ${thread}`) ?? base;
    runs.push({ worker: w.address, thread, start, stop: start + 1 });
    next.set(`${w.address} ${thread}`, start + 1.5);
    s.taskFinished(w, ts.key, 8, 'number', start, start + 1, undefined, thread);
  }
  const seen = messages;
  await new Promise<void>((resolve) => ws.on('message', () => messages >= seen + 2 && resolve()));
  ws.close();

  const all = [...bars.values()];
  t.equal(
    all.reduce((a, b) => a + b.count, 0),
    n,
    'the bars count every run',
  );
  t.ok(all.length > 0 && all.length < n / 10, `${all.length} bars for ${n} runs`);
  t.ok(Math.max(...sizes) < 100_000, `every message under 100 kB (largest ${Math.max(...sizes)} bytes)`);
  const outside = runs.filter(
    (r) => !all.some((b) => b.worker === r.worker && b.thread === r.thread && b.group === 'tiny' && b.start <= r.start && r.stop <= b.stop),
  );
  t.same(outside, [], 'each run lies inside a bar of its worker thread and group');
});
