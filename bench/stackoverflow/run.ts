/**
 * bench/stackoverflow: the six StackLite tasks of the seed assignment, written the way the
 * seed writes them (read the CSVs, compute each task on its own, no persist), on the same
 * generated files (default 1M questions) in:
 *
 *   tsdask  LocalCluster 2 workers x 1 thread     vs  Dask distributed LocalCluster, same shape
 *   tsdask  one process (sync scheduler)          vs  pandas, and danfo.js, one process
 *   tsdask  threads scheduler, 2 worker threads (one process)
 *
 * printing per-task and total seconds, ratios and peak memory per process.
 *
 *   npx tsx bench/stackoverflow/run.ts [--questions 1000000] [--dir DIR] [--peers dask,pandas,danfo]
 *                                      [--danfo-timeout 180] [--runs 1] [--only tsdask-threads,tsdask-sync]
 *
 * Each contestant runs in its own process (clean peak-memory figures). Module loading (danfo,
 * pandas, dask) and cluster start-up are outside the timed sections for everyone.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, LocalCluster, shutdownSchedulers, type ComputeOptions } from 'tsdask';
import * as dd from 'tsdask/dataframe';
import { generateStackLite } from '../../examples/data/generate';
import { readTables, TASKS, type StackTask } from '../../examples/stackoverflow';

const TASK_NAMES = ['t1', 't2', 't3', 't4', 't5', 't6'] as const;

interface Result {
  mode: string;
  seconds: Record<string, number>;
  answers: Record<string, unknown>;
  peak_mb: Record<string, number>;
  total: number;
  note?: string;
  /** Tasks that hit the time limit: their seconds are lower bounds. */
  lowerBound?: string[];
}

function arg(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

/** Peak resident memory of a process (VmHWM), in MB. */
function peakOf(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}
const selfPeak = () => process.resourceUsage().maxRSS / 1024;

async function runTsdask(dir: string, mode: 'cluster' | 'sync' | 'threads'): Promise<Result> {
  dd.toDanfo(dd.Frame.fromColumns({ warm: [1] })); // load danfo.js now, as Python imports pandas before timing
  let cluster: LocalCluster | undefined;
  let client: Client | undefined;
  let opts: ComputeOptions = mode === 'threads' ? { scheduler: 'threads', numWorkers: 2 } : { scheduler: 'sync' };
  if (mode === 'cluster') {
    cluster = await LocalCluster.start({ nWorkers: 2, threadsPerWorker: 1, dashboardAddress: null });
    client = await Client.connect(cluster);
    opts = {};
    // Warm-up outside the timings (workers load the dataframe kernels), as the Dask run does.
    const tiny = dd.fromFrames([dd.Frame.fromColumns({ k: [1, 2], v: [1, 2] }), dd.Frame.fromColumns({ k: [1], v: [3] })]);
    await tiny.groupby('k').col('v').sum().compute();
  }
  const { questions, tags } = readTables(dir);
  const out: Result = { mode: `tsdask-${mode}`, seconds: {}, answers: {}, peak_mb: {}, total: 0 };
  try {
    for (const name of TASK_NAMES) {
      const t0 = performance.now();
      const run: StackTask = TASKS[name];
      out.answers[name] = await run(questions, tags, opts);
      out.seconds[name] = (performance.now() - t0) / 1000;
    }
    out.peak_mb[mode === 'cluster' ? 'client+scheduler' : 'process'] = selfPeak();
    cluster?.workers.forEach((w, i) => (out.peak_mb[`worker${i}`] = peakOf(w.pid)));
  } finally {
    if (client) await client.shutdown();
    await shutdownSchedulers();
  }
  out.total = Object.values(out.seconds).reduce((a, b) => a + b, 0);
  return out;
}

/** One task in danfo.js (each task in its own process: danfo's merge and groupby can take minutes). */
async function runDanfoTask(dir: string, task: string): Promise<Result> {
  const dfd = await import('danfojs-node'); // only the danfo mode loads danfojs-node (~1 s to load)
  const out: Result = { mode: 'danfo', seconds: {}, answers: {}, peak_mb: {}, total: 0 };
  const t0 = performance.now();
  const q = () => dfd.readCSV(join(dir, 'questions.csv'));
  const tg = () => dfd.readCSV(join(dir, 'question_tags.csv'));
  switch (task) {
    case 't1': {
      const [a, b] = [await q(), await tg()];
      out.answers.t1 = [a.isNa().sum().values, b.isNa().sum().values];
      break;
    }
    case 't2': {
      const s = (await q()).column('Score');
      out.answers.t2 = [s.mean(), s.std(), s.median(), s.min(), s.max()];
      break;
    }
    case 't3':
      out.answers.t3 = (await tg()).column('Tag').valueCounts().sortValues({ ascending: false }).head(5).values;
      break;
    case 't4': {
      const [a, b] = [await q(), await tg()];
      const ids = new Set(a.column('Id').values as number[]);
      out.answers.t4 = (b.column('Id').values as number[]).some((id) => !ids.has(id)) ? 1 : 0;
      break;
    }
    case 't5': {
      const g = (await q()).groupby(['OwnerUserId']).agg({ Score: 'mean', Id: 'count', AnswerCount: 'sum' });
      out.answers.t5 = g.sortValues('Id_count', { ascending: false }).head(5).values;
      break;
    }
    case 't6': {
      const m = dfd.merge({ left: await q(), right: await tg(), on: ['Id'], how: 'inner' });
      const g = m.groupby(['Tag']).agg({ Score: 'mean', AnswerCount: 'sum', Id: 'count', OwnerUserId: 'count' });
      out.answers.t6 = [g.sortValues('Id_count', { ascending: false }).head(5).values, g.sortValues('AnswerCount_sum', { ascending: false }).head(5).values];
      break;
    }
  }
  out.seconds[task] = (performance.now() - t0) / 1000;
  out.peak_mb.process = selfPeak();
  out.total = out.seconds[task];
  return out;
}

// ---------------------------------------------------------------------------------------

function child(args: string[], timeoutMs: number): Result | { error: string } {
  const r = spawnSync(process.execPath, [...process.execArgv, __filename, ...args], { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 << 20 });
  if (r.error || r.status !== 0) return { error: r.error ? r.error.message : r.stderr.split('\n').slice(-5).join(' ') };
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Result;
}

function python(args: string[]): Result | { error: string } {
  const r = spawnSync('/usr/bin/python3', [join(__dirname, 'peers.py'), ...args], { encoding: 'utf8', timeout: 30 * 60_000, maxBuffer: 64 << 20 });
  if (r.status !== 0) return { error: r.stderr.split('\n').slice(-3).join(' ') };
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Result;
}

const fmt = (x: number | undefined, d = 2) => (x === undefined || Number.isNaN(x) ? 'n/a' : x.toFixed(d));

function table(header: string[], rows: string[][]): void {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  all.forEach((r, n) => {
    console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
    if (n === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  });
}

function best(results: Result[]): Result {
  // Per task, the fastest of the runs (each run is a fresh process).
  const out: Result = { ...results[0], seconds: {} };
  for (const k of Object.keys(results[0].seconds)) out.seconds[k] = Math.min(...results.map((r) => r.seconds[k]));
  out.total = Object.values(out.seconds).reduce((a, b) => a + b, 0);
  return out;
}

function driver(): void {
  const n = Number(arg('questions', '1000000'));
  const dir = arg('dir') ?? join(tmpdir(), 'tsdask-bench', `stacklite-${n}`);
  const peers = (arg('peers', 'dask,pandas,danfo') ?? '').split(',').filter(Boolean);
  const runs = Number(arg('runs', '1'));
  const danfoTimeout = Number(arg('danfo-timeout', '180'));
  if (!existsSync(join(dir, 'question_tags.csv'))) {
    console.log(`generating ${n.toLocaleString('en-US')} questions in ${dir} ...`);
    generateStackLite(dir, { questions: n });
  }
  // Contestants take turns, run after run, so a busy machine slows them alike; best of `runs`.
  const contestants: Array<[string, () => Result | { error: string }]> = [
    ['tsdask-cluster', () => child(['--mode', 'cluster', '--dir', dir], 30 * 60_000)],
    ['dask-cluster', () => python(['dask', dir, '2'])],
    ['tsdask-sync', () => child(['--mode', 'sync', '--dir', dir], 30 * 60_000)],
    ['tsdask-threads', () => child(['--mode', 'threads', '--dir', dir], 30 * 60_000)],
    ['pandas', () => python(['pandas', dir])],
  ];
  const only = arg('only')?.split(',');
  const active = contestants.filter(
    ([name]) => (only === undefined || only.includes(name)) && (name.startsWith('tsdask') || peers.includes(name.replace('-cluster', ''))),
  );
  const all = new Map<string, Result[]>(active.map(([name]) => [name, []]));
  for (let i = 0; i < runs; i++) {
    for (const [name, f] of active) {
      if (!all.has(name)) continue;
      const r = f();
      if ('error' in r) {
        console.log(`${name}: failed: ${r.error}`);
        all.delete(name);
      } else all.get(name)!.push(r);
    }
  }
  const results: Record<string, Result | undefined> = {};
  for (const [name] of active) results[name] = all.has(name) ? best(all.get(name)!) : undefined;
  if (peers.includes('danfo')) {
    const d: Result = { mode: 'danfo', seconds: {}, answers: {}, peak_mb: { process: 0 }, total: 0 };
    const timedOut: string[] = [];
    for (const task of TASK_NAMES) {
      const r = child(['--mode', 'danfo', '--task', task, '--dir', dir], danfoTimeout * 1000);
      if ('error' in r) {
        timedOut.push(task);
        d.seconds[task] = danfoTimeout; // a lower bound, shown as ">N"
      } else {
        d.seconds[task] = r.seconds[task];
        d.peak_mb.process = Math.max(d.peak_mb.process, r.peak_mb.process);
      }
    }
    d.total = Object.values(d.seconds).reduce((a, b) => a + b, 0);
    if (timedOut.length > 0) {
      d.note = `danfo.js did not finish ${timedOut.join(', ')} within ${danfoTimeout} s each (counted as ${danfoTimeout} s: its total is a lower bound)`;
      d.lowerBound = timedOut;
    }
    results.danfo = d;
  }

  const cols = Object.keys(results).filter((k) => results[k] !== undefined);
  const ratio = (a?: Result, b?: Result, k?: string) => (a && b ? fmt((k ? a.seconds[k] : a.total) / (k ? b.seconds[k] : b.total)) : 'n/a');
  console.log(`\nStackLite tasks on ${n.toLocaleString('en-US')} questions (${dir}); seconds, best of ${runs}\n`);
  const header = ['task', ...cols, 'tsdask/dask (cluster)', 'tsdask/pandas (1 proc)'];
  const rows = [...TASK_NAMES, 'total'].map((k) => [
    k,
    ...cols.map((c) => {
      const r = results[c]!;
      const bound = k === 'total' ? (r.lowerBound?.length ?? 0) > 0 : r.lowerBound?.includes(k);
      return `${bound ? '>' : ''}${fmt(k === 'total' ? r.total : r.seconds[k])}`;
    }),
    ratio(results['tsdask-cluster'], results['dask-cluster'], k === 'total' ? undefined : k),
    ratio(results['tsdask-sync'], results.pandas, k === 'total' ? undefined : k),
  ]);
  table(header, rows);
  console.log('\npeak memory (MB) per process');
  for (const c of cols)
    console.log(
      `  ${c.padEnd(16)} ${Object.entries(results[c]!.peak_mb)
        .map(([p, v]) => `${p} ${fmt(v, 0)}`)
        .join(', ')}`,
    );
  for (const c of cols) if (results[c]!.note) console.log(`note: ${results[c]!.note}`);
  // Answers must agree (Task 5's top-5 question counts and Task 2's exact figures).
  const t5 = (r?: Result) =>
    JSON.stringify(((r?.answers.t5 as Array<Record<string, number> | number[]> | undefined) ?? []).map((x) => (Array.isArray(x) ? x[1] : x.NumQuestions)));
  if (results.pandas && results['tsdask-cluster']) {
    console.log(`\nTask 5 top-5 counts: tsdask ${t5(results['tsdask-cluster'])}, pandas ${t5(results.pandas)}`);
  }
  console.log(
    JSON.stringify({
      questions: n,
      results: Object.fromEntries(cols.map((c) => [c, { seconds: results[c]!.seconds, total: results[c]!.total, peak_mb: results[c]!.peak_mb }])),
    }),
  );
}

async function main(): Promise<void> {
  const mode = arg('mode');
  const dir = arg('dir')!;
  if (mode === 'cluster' || mode === 'sync' || mode === 'threads') console.log(JSON.stringify(await runTsdask(dir, mode)));
  else if (mode === 'danfo') console.log(JSON.stringify(await runDanfoTask(dir, arg('task')!)));
  else driver();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
