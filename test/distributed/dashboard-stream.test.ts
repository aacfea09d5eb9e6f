/**
 * The task stream in Chromium against a real scheduler with 2 workers x 2 threads: one lane per
 * thread the workers say ran each task (not lanes packed by time), and copies of results between
 * workers drawn as bars as long as the copy took (wider than the 2 px tick of a moment).
 */
import t from 'tap';
import { Client, LocalCluster } from '../../src/index.js';
import { Browser, findChromium } from './chromium.js';

const browser = findChromium();

function spinThenSum(a: Float64Array, ms: number): number {
  const t0 = Date.now();
  let x = 0;
  while (Date.now() - t0 < ms) x += Math.sqrt(x + 1);
  return a.length + (x > 0 ? 0 : 1);
}

function bigArray(n: number): Float64Array {
  return new Float64Array(n).fill(1);
}

interface Run {
  key: string;
  worker: string;
  start: number;
  stop: number;
  thread: number;
}

t.test(
  'task stream: a lane per reported thread, transfers as bars',
  { skip: browser ? false : 'Chromium not installed (apt-get install chromium)' },
  async (t) => {
    const cluster = await LocalCluster.start({ nWorkers: 2, threadsPerWorker: 2, memoryLimit: '1GB', dashboardAddress: '127.0.0.1:0' });
    t.teardown(() => cluster.close());
    const client = await Client.connect(cluster, { setAsDefault: false });
    t.teardown(() => client.close());
    const base = client.dashboardLink!.replace(/\/status$/, '');

    // Each round: one 16 MB array on one worker and 8 tasks of 150 ms reading it, more than its
    // holder's 2 threads take at once, so the other worker copies the array from its peer.
    let running = true;
    let round = 0;
    const work = (async () => {
      while (running) {
        const big = client.submitWith({ pure: false }, bigArray, 2_000_000 + round++);
        const fs = [0, 1, 2, 3, 4, 5, 6, 7].map(() => client.submitWith({ pure: false }, spinThenSum, big, 150));
        await client.gather(fs);
        for (const f of [big, ...fs]) f.release();
      }
    })();
    t.teardown(async () => {
      running = false;
      await work;
    });

    const b = await Browser.launch(browser!);
    t.teardown(() => b.close());
    const page = await b.newPage();
    // A 3 s window: 1 px is ~2.3 ms, so a copy of 16 MB is several pixels wide.
    await page.goto(`${base}/status?window=3`);

    const threads = await page.waitFor<Record<string, number[]>>(
      `(() => { const th = JSON.parse(document.getElementById('stream').dataset.threads || '{}'); return (th['local-0'] || []).length === 2 && (th['local-1'] || []).length === 2 ? th : null; })()`,
      'tasks on both threads of both workers',
      40_000,
    );
    t.same(threads, { 'local-0': [0, 1], 'local-1': [0, 1] }, 'the lanes are the threads 0 and 1 of each worker');
    t.same(JSON.parse(await page.eval<string>(`document.getElementById('stream').dataset.lanes`)), { 'local-0': 2, 'local-1': 2 }, 'two lanes per worker');

    // Referee for the ids: a thread runs one task at a time, so runs on one (worker, thread) never overlap.
    const state = (await (await fetch(`${base}/api/state?since=0`)).json()) as { stream: Run[]; transfers: { start: number; time: number }[] };
    const spinRuns = state.stream.filter((r) => r.key.startsWith('spinThenSum'));
    t.ok(spinRuns.length >= 8, `the stream holds the runs (${spinRuns.length})`);
    const byLane = new Map<string, Run[]>();
    t.same(
      spinRuns.filter((r) => r.thread !== 0 && r.thread !== 1),
      [],
      "every run's thread id is one of its worker's 2 threads",
    );
    for (const r of spinRuns) {
      const k = `${r.worker} ${r.thread}`;
      byLane.set(k, [...(byLane.get(k) ?? []), r]);
    }
    t.equal(byLane.size, 4, '4 (worker, thread) lanes ran tasks');
    let overlaps = 0;
    for (const runs of byLane.values()) {
      runs.sort((a, b) => a.start - b.start);
      for (let i = 1; i < runs.length; i++) if (runs[i].start < runs[i - 1].stop) overlaps++;
    }
    t.equal(overlaps, 0, 'no two runs overlap on one thread');

    // Transfers: a bar from the copy's start to its end, wider than the 2 px tick.
    const widest = await page.waitFor<string>(
      `Number(document.getElementById('stream').dataset.transferWidest) > 2 && document.getElementById('stream').dataset.transferWidest`,
      'a transfer bar wider than a tick',
      40_000,
    );
    t.ok(Number(widest) > 2, `a transfer drawn ${widest} px wide`);
    const after = (await (await fetch(`${base}/api/state?since=0`)).json()) as { transfers: { start: number; time: number }[] };
    t.ok(
      after.transfers.some((x) => x.time > x.start),
      'the scheduler has transfers with a duration',
    );
  },
);
